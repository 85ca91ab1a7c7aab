"""Excerpts: what was coded with some codes (combined with OR, AND, NOT; filtered), in context; Word, CSV, Excel."""

import streamlit as st

from qualbench import agreement, codebook, documents, retrieval, store
from qualbench.export import docx as docx_export, tables
from qualbench.filters import Filters
from ui import cache, project, show, widgets

COMBINE = {"or": "OR (any of them)", "and": "AND (where one coder's codings overlap)", "not": "NOT (without)"}
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EAGER = 500  # reports up to this long are written at once; longer ones on request, with a progress bar

db = project.db()
st.title("Excerpts")
st.caption("Everything coded with the chosen codes, with its source. Select a row to read it in its context; "
           "its ↗ opens the passage on the coding page.")
paths = [c["path"] for c in codebook.codes(db)]
left, middle, right = st.columns([3, 2, 3])
codes = left.multiselect("Codes", paths, key="ex_codes", placeholder="Choose one or more codes")
combine = middle.radio("Combine with", list(COMBINE), format_func=COMBINE.get, key="ex_combine")
other = right.multiselect("Second codes", paths, key="ex_other", disabled=combine == "or", placeholder="For AND and NOT")
children = left.toggle("A code includes its sub-codes", value=True, key="ex_children")
context = middle.select_slider("Context", ["none", 100, 200, 500, "turn"], value=200, key="ex_context",
                               help="characters either side (widened to whole words), or the whole turn")
with st.expander("Filters"):
    listing = cache.run(documents.list_documents, db)
    titles = dict(zip(listing["id"].astype(int), listing["title"]))
    cols = st.columns(3)
    chosen_docs = cols[0].multiselect("Documents", list(titles), format_func=titles.get, key="ex_documents")
    kinds = cols[1].multiselect("Document kinds", list(store.DOCUMENT_KINDS), key="ex_kinds")
    coders = cols[2].multiselect("Coders", cache.run(agreement.coders_with_codings, db), key="ex_coders")
    attributes = {}
    for i, (name, values) in enumerate(documents.attribute_values(db).items()):
        if chosen := cols[i % 3].multiselect(show.md(name), values, key=f"ex_attr_{name}"):
            attributes[name] = chosen
    dates = cols[0].date_input("Coded between", [], key="ex_dates", format="YYYY-MM-DD")
    words = cols[1].text_input("Words in the excerpt", key="ex_words", help="every word must occur; quote a phrase")

if not codes:
    st.info("Choose one or more codes to see their excerpts.")
    st.stop()
with widgets.error_box():
    since, until = (list(dates) + [None, None])[:2]
    query = retrieval.Query(codes=codes, combine=combine, other=other if combine != "or" else [], children=children, words=words,
                            filters=Filters(documents=chosen_docs or None, kinds=kinds or None, attributes=attributes, coders=coders or None),
                            created_from=since, created_to=until, context=0 if context == "none" else context)
    frame = cache.run(retrieval.excerpts, db, query)
    st.subheader(retrieval.counts_text(frame))
    st.caption(" · ".join(f"**{show.md(k)}**: {show.md(v)}" for k, v in frame.attrs["description"]))
    if combine == "and":  # one row per stretch, its coders, the same-coder pairs of codings behind it
        st.caption("AND pairs a coder's codings only with that coder's own; a row is one stretch, with its coders and pairs.")
    shown = ["link", "excerpt", "coders", "pairs", "code", "other_code", "document", "turn", "speaker", "memo", "other_memo"] \
        if combine == "and" else ["link", "excerpt", "code", "document", "turn", "speaker", "coder", "memo"]
    event = st.dataframe(frame[[c for c in shown if c in frame.columns]], hide_index=True, width="stretch", key="ex_table",
                         on_select="rerun", selection_mode="single-row",
                         column_config={"link": st.column_config.LinkColumn("open", display_text="↗", width="small"),
                                        "excerpt": st.column_config.TextColumn("excerpt", width="large")})
    for i in event.selection.rows:  # the chosen row in its context, the coded words marked (all text escaped)
        row, text = frame.iloc[i], lambda name: show.html(frame.iloc[i][name])
        st.html(f'<div style="white-space:pre-wrap;line-height:1.7;border-left:3px solid #f1c40f;padding-left:.8rem">{text("context_before")}<mark>{text("excerpt")}</mark>'
                f'{text("context_after")}</div><div style="color:#666">— {show.html(retrieval.source(row))} · {text("code")} · {text("coder")}</div>')
    st.subheader("Export")
    a, b, c = st.columns(3)
    group_by = a.radio("Word report grouped by", docx_export.GROUPINGS, horizontal=True, key="ex_group")
    appendix = a.checkbox("Codebook as an appendix", key="ex_appendix")
    fingerprint = hash((repr(query), group_by, appendix, tuple(frame["coding_id"]), tuple(frame["start"])))
    if st.session_state.get("ex_docx_for") != fingerprint and (len(frame) <= EAGER or b.button("Prepare the Word report")):
        bar = b.progress(0.0, text="Writing the report…")
        report = docx_export.excerpts_docx(db, frame, group_by=group_by, codebook_appendix=appendix,
                                           progress=lambda done, total: bar.progress(done / total if total else 1.0,
                                                                                     text=f"{done:,} of {total:,} excerpts written"))
        bar.empty()
        st.session_state["ex_docx"], st.session_state["ex_docx_for"] = report, fingerprint
    if st.session_state.get("ex_docx_for") == fingerprint:
        b.download_button("Download Word report", st.session_state["ex_docx"], "excerpts.docx", WORD, icon=":material/description:")
    elif len(frame) > EAGER:
        b.caption(f"{len(frame):,} excerpts: the report takes a few seconds to write.")
    c.download_button("Download CSV", lambda: tables.to_csv(frame), "excerpts.csv", "text/csv", icon=":material/table:")
    c.download_button("Download Excel", lambda: tables.to_xlsx(frame), "excerpts.xlsx",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/grid_on:")
