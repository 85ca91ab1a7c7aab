"""Documents: import, list, read, edit attributes, delete."""

import streamlit as st

from qualbench import documents, store
from ui import cache, project, show, widgets

db = project.db()
who = project.coder() or "anonymous"
st.title("Documents")
widgets.flash()

with st.expander("Import documents", expanded=False):
    files = st.file_uploader("Files (txt, md, docx, odt, rtf, pdf, vtt, srt)", type=sorted({s[1:] for s in documents.FORMATS}),
                             accept_multiple_files=True, max_upload_size=documents.MAX_FILE_BYTES // (1024 * 1024))
    kind = st.selectbox("Kind", ["(recognise)", *store.DOCUMENT_KINDS])
    attrs = widgets.attribute_inputs(db, key="import")
    if st.button("Import", type="primary", disabled=not files):
        bar = st.progress(0.0, text="Importing…")
        results = documents.import_many(
            db, [(f.name, f.getvalue()) for f in files], kind=None if kind == "(recognise)" else kind, attributes=attrs, who=who,
            progress=lambda i, n, name: bar.progress(i / n, text=f"Importing {show.md(name)} ({i + 1} of {n})"))
        bar.progress(1.0, text="Done")
        widgets.import_report(results)

table = cache.run(documents.table, db)
st.caption(f"{len(table)} documents")
st.dataframe(table.drop(columns=["id"]), hide_index=True, width="stretch")
titles = dict(zip(table["id"], table["title"]))
chosen = st.selectbox("Open a document", list(titles), format_func=titles.get, index=None, key="open_document",
                      placeholder="Choose a document to read it, edit its attributes or delete it")
if chosen is None:
    st.stop()

doc = documents.resolve(db, int(chosen))
n_codings = int(table.set_index("id").loc[chosen, "codings"])
show.subheader(doc["title"])
read, edit = st.tabs(["Read", "Attributes and details"])
with read:
    widgets.reader(doc, documents.turns(db, doc["id"]))
with edit, widgets.error_box():
    with st.form("details"):
        title = st.text_input("Title", doc["title"])
        kind = st.selectbox("Kind", store.DOCUMENT_KINDS, index=store.DOCUMENT_KINDS.index(doc["kind"]))
        values = widgets.attribute_inputs(db, key=f"doc{doc['id']}", current=documents.attributes_by_document(db).get(doc["id"], {}))
        if st.form_submit_button("Save"):
            documents.update_document(db, doc["id"], title=title, kind=kind, who=who)
            documents.set_attributes(db, doc["id"], values, who=who)
            st.session_state["flash"] = f"Saved “{title}”."
            st.rerun()
    st.divider()
    confirm = st.checkbox(f"Yes, delete “{show.md(doc['title'])}” and its {n_codings} codings (undo brings it back)")
    if st.button("Delete document", disabled=not confirm):
        documents.delete_document(db, doc["id"], who=who)
        st.session_state["flash"] = f"Deleted “{doc['title']}”. Undo in the sidebar restores it."
        st.rerun()
