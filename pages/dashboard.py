"""Dashboard: a read-only overview for the PI: counts, top codes, how the themes co-occur."""

import streamlit as st

from qualbench import analysis, charts
from ui import analysis_widgets, cache, project, show, widgets

db = project.db()
facts = cache.run(analysis.summary, db)
st.title("Dashboard")
show.caption(facts["project"])
for col, (label, key) in zip(st.columns(5), [("Documents", "documents"), ("Coded documents", "coded_documents"),
                                             ("Codes", "codes"), ("Codings", "codings"), ("Coders", "coders")]):
    col.metric(label, facts[key])

with widgets.error_box():
    st.subheader("Top codes")
    top = cache.run(analysis.frequencies, db).nlargest(10, "codings")
    analysis_widgets.show_chart(charts.bars(top, title="Codings per code (top 10)"))
    st.subheader("Themes that occur together")
    themes = cache.run(analysis.cooccurrence, db, scope="turn", measure="c", rollup=True)
    analysis_widgets.show_chart(charts.heatmap(themes, title="Same turn or paragraph, c-coefficient", value="c"))
    st.caption("c is the share of turns holding either theme that hold both (Jaccard). The Charts page shows every code "
               "and lists the passages behind a cell.")
