"""Codebook: the code tree with counts; edit, move, merge, split, delete and add codes; memos; YAML, Word and .qdc."""

import streamlit as st

from qualbench import codebook
from ui import cache, codebook_panel as panel, project, show

db = project.db()
who = project.coder()
st.title("Codebook")
panel.flash()
if not who:
    st.warning("Sign in with your name under “Who is coding?” in the sidebar to change the codebook; until then you can only look.",
               icon=":material/person:")

all_codes = codebook.codes(db)
counts = cache.run(codebook.counts, db)
st.caption(f"{len(all_codes)} codes in {sum(c['depth'] == 0 for c in all_codes)} themes. A theme's “with sub-codes” columns "
           "count its own codings and those of the codes below it.")
if all_codes:
    panel.tree_table(db, all_codes)
    by_path = {c["path"]: c for c in all_codes}
    chosen = panel.pick_code(list(by_path))
    if chosen in by_path:
        code = by_path[chosen]
        row = counts.set_index("id").loc[code["id"]]
        show.subheader(chosen)
        below = any(c["parent_id"] == code["id"] for c in all_codes)
        st.caption(f"{row['codings']} codings in {row['documents']} documents"
                   + (f"; with its sub-codes {row['codings_total']} codings in {row['documents_total']} documents." if below else "."))
        edit, move, merge, split, delete, memos = st.tabs(["Definition", "Move", "Merge into…", "Split", "Delete", "Memos"])
        with edit:
            panel.edit_form(db, code, who)
        with move:
            panel.move_form(db, code, all_codes, who)
        with merge:
            panel.merge_form(db, code, all_codes, who)
        with split:
            panel.split_form(db, code, who)
        with delete:
            panel.delete_form(db, code, counts, who)
        with memos:
            panel.memos(db, code, who)
else:
    st.info("The codebook is empty: add a first code below, or load a codebook file.")

st.subheader("Add a code")
panel.add_form(db, all_codes, who)
st.subheader("Download and load")
panel.downloads()
with st.expander("Load a codebook file (merges: adds and updates codes, never deletes)"):
    panel.upload(db, who)
