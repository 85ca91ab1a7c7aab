"""Charts: co-occurrence and matrices with filters; click a cell to read the passages behind it."""

import streamlit as st

from qualbench import analysis, charts, documents
from qualbench.export import tables
from ui import analysis_widgets, cache, project, show, widgets

db = project.db()
st.title("Charts")
analysis_widgets.saved_views(db)
kind = st.radio("Chart", ["Co-occurrence", "Codes by document", "Codes by attribute", "Code frequencies"], horizontal=True, key="chart_kind")
chosen, rollup = analysis_widgets.filters(db, key="charts")

with widgets.error_box():
    if kind == "Co-occurrence":
        left, right = st.columns(2)
        scope = left.radio("Scope", analysis.SCOPES, horizontal=True, key="chart_scope",
                           help="overlap: coded passages overlap; turn: same turn or paragraph; document: same document")
        measure = right.radio("Measure", analysis.MEASURES, horizontal=True, key="chart_measure")
        table = cache.run(analysis.cooccurrence, db, scope=scope, measure=measure, filters=chosen, rollup=rollup)
        if st.toggle("Show as a network", key="chart_network"):
            sizes = cache.run(analysis.frequencies, db, filters=chosen, rollup=rollup)
            chart = charts.network(table, sizes, title=f"Co-occurrence network ({scope}, {measure})", value=measure)
        else:
            chart = charts.heatmap(table, title=f"Co-occurrence ({scope}, {measure})", value=measure)
        st.caption("Two codes co-occur where the same coder applied both; one coder's code is never paired with another's.")
        if measure == "c" and scope == "overlap" and (table.to_numpy() > 1).any():
            st.info("Some c values exceed 1: one long coding overlaps several short codings of the other code.")
        if note := charts.undefined_note(table):
            show.info(note)
    elif kind == "Code frequencies":
        table = cache.run(analysis.frequencies, db, filters=chosen, rollup=rollup)
        chart = charts.bars(table, title="Codings per code")
    else:
        by = "document" if kind == "Codes by document" else st.selectbox("Attribute", list(documents.attribute_values(db)), key="chart_attribute")
        if by is None:
            st.info("No document has case attributes yet: add them on the Documents page or with import --attr NAME=VALUE.")
            st.stop()
        table = cache.run(analysis.frequencies, db, by=by, filters=chosen, rollup=rollup)
        chart = charts.heatmap(table, title=f"Codings by {by}", columns_title=by)

    event = analysis_widgets.show_chart(chart, key="chart", selectable=kind == "Co-occurrence")
    a, b, c = st.columns(3)
    a.download_button("PNG", lambda: charts.to_png(chart), "chart.png", "image/png")
    b.download_button("SVG", lambda: charts.to_svg(chart), "chart.svg", "image/svg+xml")
    c.download_button("CSV", tables.csv_bytes(table, index=True), "chart.csv", "text/csv")

    cell = analysis_widgets.clicked_cell(event) if kind == "Co-occurrence" else None
    st.session_state["_chart_cell"] = cell
    if cell:
        passages = cache.run(analysis.cell_excerpts, db, cell[0], cell[1], scope=scope, filters=chosen, rollup=rollup)
        show.subheader(f"{cell[0]} × {cell[1]}: {charts.passages_text(passages, scope)}")
        st.dataframe(passages.drop(columns=["document_id"]), hide_index=True, width="stretch", key="cell_passages",
                     column_config={"text": st.column_config.TextColumn("text", width="large")})
    elif kind == "Co-occurrence":
        st.caption("Click a cell (or an edge of the network) to list the passages behind it.")
