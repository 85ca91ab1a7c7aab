"""Overview: what is in the project, at a glance."""

import streamlit as st

from qualbench import analysis, documents
from ui import cache, project, show, widgets

db = project.db()
facts = cache.run(analysis.summary, db)
show.title(facts["project"])
widgets.flash()
cols = st.columns(5)
for col, (label, key) in zip(cols, [("Documents", "documents"), ("Coded documents", "coded_documents"),
                                    ("Codes", "codes"), ("Codings", "codings"), ("Coders", "coders")]):
    col.metric(label, facts[key])

if not project.coder():
    st.info("Choose who is coding in the sidebar; every coding and change is recorded under that name.")
st.subheader("Documents")
table = cache.run(documents.table, db)
shown = [c for c in ["title", "kind", "site", "area", "role", "words", "codings"] if c in table]
st.dataframe(table[shown], hide_index=True, width="stretch")
