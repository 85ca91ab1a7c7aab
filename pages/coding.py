"""Coding: a document with its codings in place; opened at a passage from other pages (?document=ID&offset=N)."""

import streamlit as st

from qualbench import agreement, coding, documents
from ui import coded_text, project, widgets

db = project.db()
st.title("Coding")
st.caption("Codings are shown in place, in their codes' colours; hover a passage for its codes and coders. "
           "Coding by selecting text is not built yet: use `python -m qualbench code` meanwhile.")

table = documents.table(db)
titles = dict(zip(table["id"].astype(int), table["title"]))
wanted = st.query_params.get("document", "")
start = list(titles).index(int(wanted)) if wanted.isdigit() and int(wanted) in titles else None
doc_id = st.selectbox("Document", list(titles), format_func=titles.get, index=start, placeholder="Choose a document")
if doc_id is None:
    st.stop()
coders = st.multiselect("Coders", agreement.coders_with_codings(db), default=agreement.coders_with_codings(db))

with widgets.error_box():
    doc = documents.resolve(db, doc_id)
    shown = coding.codings(db, document=doc_id)
    shown = shown[shown["coder"].isin(coders)]
    turns = documents.turns(db, doc_id)
    offset = st.query_params.get("offset", "")
    focus = coding.turn_at(db, doc_id, int(offset)) if offset.isdigit() and str(doc_id) == wanted else None
    if focus is not None:
        st.subheader("The passage")
        coded_text.render(doc["text"], [t for t in turns if t["index"] == focus], shown.to_dict("records"), focus=focus)
        st.subheader("The whole document")
    st.caption(f"{len(shown)} codings by {', '.join(coders) or 'nobody'}")
    with st.container(height=640):
        coded_text.render(doc["text"], turns, shown.to_dict("records"), focus=focus)
