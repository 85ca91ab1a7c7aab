"""Inter-coder agreement: choose coders and level, read the table, talk through the disagreements."""

import streamlit as st

from qualbench import agreement, codebook, documents, store
from qualbench.export.methods import agreement_docx
from ui import cache, project, show, widgets

db = project.db()
st.title("Inter-coder agreement")
st.caption("How far coders who coded the same documents independently agree, per code and pooled. "
           "The README says exactly how each figure is computed.")

candidates = cache.run(agreement.coders_with_codings, db)
left, middle, right = st.columns([2, 1, 1])
coders = left.multiselect("Coders", candidates, default=candidates[:2], key="agreement_coders")
level = middle.radio("Level", agreement.LEVELS, horizontal=True, key="agreement_level",
                     help="character: NVivo's comparison over characters; unit: turns and paragraphs (Krippendorff's alpha); "
                          "segment: MAXQDA's matching of coded segments")
overlap = right.slider("Segment overlap", 0.5, 1.0, 0.9, 0.05, disabled=level != "segment", key="agreement_overlap")
by_document = right.checkbox("Per document", disabled=level != "character", key="agreement_by_document",
                             help="character level: one row per code and document, as NVivo's coding comparison lists them")
with st.expander("Narrow down to documents or codes"):
    table = cache.run(documents.table, db)
    titles = dict(zip(table["id"], table["title"]))
    default_docs = "coded by at least two of the chosen coders" if level == "unit" else "both coders have coded"
    chosen_docs = st.multiselect(f"Documents (default: every document {default_docs})", list(titles), format_func=titles.get)
    chosen_codes = st.multiselect("Codes (default: every code they used there)", [c["path"] for c in codebook.codes(db)])

with widgets.error_box():
    frame = cache.run(agreement.compare, db, coders, level=level, min_overlap=overlap, by_document=by_document and level == "character",
                              documents=[int(d) for d in chosen_docs] or None, codes=chosen_codes or None)
    per_document = frame.attrs["by_document"]
    show.caption(f"{frame['code'].nunique() - (not per_document)} codes over {len(frame.attrs['documents'])} documents: {', '.join(frame.attrs['documents'])}.")
    meanings = agreement.column_meanings(frame)
    st.dataframe(agreement.rounded(frame), hide_index=True, width="stretch", key="agreement_table",
                 column_config={c: st.column_config.Column(help=show.md(m)) for c, m in meanings.items()})
    st.caption(" · ".join(f"**{show.md(c)}**: {show.md(m)}" for c, m in meanings.items()))
    project_name = store.get_setting(db, "project_name") or "Qualbench project"
    a, b = st.columns(2)
    a.download_button("Download CSV", agreement.csv_bytes(frame), f"agreement_{level}.csv", "text/csv")
    b.download_button("Download Word table", agreement_docx(frame, project=project_name), f"agreement_{level}.docx",
                      "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    if len(coders) == 2:
        st.subheader("Where only one coder coded")
        found = cache.run(agreement.disagreements, db, coders, documents=[int(d) for d in chosen_docs] or None, codes=chosen_codes or None)
        code = st.selectbox("Code", ["(all codes)", *sorted(found["code"].unique())], key="agreement_disagreement_code")
        shown = found if code == "(all codes)" else found[found["code"] == code]
        st.caption(f"{len(shown)} stretches")
        st.dataframe(agreement.side_by_side(shown, coders).drop(columns=["document_id", "end"]), hide_index=True, width="stretch",
                     column_config={"open": st.column_config.LinkColumn("open", display_text="open ↗", width="small"),
                                    **{c: st.column_config.TextColumn(c, width="large") for c in coders}})
