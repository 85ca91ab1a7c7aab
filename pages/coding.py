"""Coding: select a passage in a document and apply codes; inspect, change and remove codings.

Opened at a passage from other pages with ``?document=ID&offset=N``.
"""

import streamlit as st

from qualbench import agreement, coding, documents, store
from ui import cache, coding_panel, project, show, text_coder, widgets

db = project.db()
st.title("Coding")
coding_panel.messages()

with st.expander("Find a document", expanded=False):
    cols = st.columns(3)
    kinds = cols[0].multiselect("Kinds", list(store.DOCUMENT_KINDS), key="cd_kinds")
    attributes = {name: chosen for i, (name, values) in enumerate(documents.attribute_values(db).items())
                  if (chosen := cols[(i + 1) % 3].multiselect(show.md(name), values, key=f"cd_attr_{name}"))}
titles = coding.document_choices(db, kinds=kinds, attributes=attributes)
wanted = coding.number_param(st.query_params.get("document"))
index = list(titles).index(wanted) if wanted in titles else None
doc_id = st.selectbox("Document", list(titles), format_func=titles.get, index=index, placeholder="Choose a document")
if doc_id is None:
    st.info("Choose a document to code." if titles else "No document matches these filters.")
    st.stop()
if wanted != doc_id:
    st.query_params["document"] = str(doc_id)
    st.query_params.pop("offset", None)

everyone = cache.run(agreement.coders_with_codings, db)
show = st.radio("Show codings of", ["all coders", "one coder", "differences between two coders"], horizontal=True, key="cd_show")
coders, differences = None, None
if show == "one coder":
    coders = [st.selectbox("Coder", everyone, index=everyone.index(project.coder()) if project.coder() in everyone else 0, key="cd_one")]
elif show.startswith("differences"):
    pair = st.multiselect("Two coders", everyone, default=everyone[:2], max_selections=2, key="cd_pair")
    differences = tuple(pair) if len(pair) == 2 else None
    st.caption("Only codings the other coder did not match (same code, 90 % of the joint span), as segment agreement counts them.")

with widgets.error_box():
    doc = documents.resolve(db, doc_id)
    view = cache.run(coding.document_view, db, doc_id, coders=coders, differences=differences)
    offset = coding.number_param(st.query_params.get("offset"))
    focus = coding.turn_at(db, doc_id, offset) if offset is not None else None
    text_col, panel = st.columns([2, 1])
    with text_col:
        st.caption(f"{len(view['codings'])} coding(s) shown · {len(view['turns'])} turns · hover a passage or a "
                   "bracket in the margin for its codes")
        text_coder.text_coder(view, key=coding_panel.KEY, focus=focus, shortcuts=coding.shortcuts(db),
                              on_clicked=coding_panel.on_clicked, on_shortcut=lambda: coding_panel.on_shortcut(doc_id))
    with panel:
        if not project.coder():
            st.warning("Say who is coding in the sidebar before you code.")
        coding_panel.selection_note(doc_id, doc["text"])
        coding_panel.inspector(doc_id)
        coding_panel.code_buttons(doc_id)
        with st.expander("More ways to code", expanded=True):
            coding_panel.selection_actions(doc_id)
