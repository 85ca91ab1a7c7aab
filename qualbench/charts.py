"""Altair charts built from the analysis DataFrames (no Streamlit), and PNG/SVG through vl-convert."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert as vlc


def _cell_size(n: int) -> int:
    return max(14, min(36, 900 // max(n, 1)))


def heatmap(matrix: pd.DataFrame, *, title: str, value: str = "count", columns_title: str = "code") -> alt.Chart:
    """A matrix (rows: codes) as a heatmap with the value in each cell; readable up to 40+ codes.

    Each cell carries ``row`` and ``column`` fields, so a click selection names the cell.
    """
    long = matrix.rename_axis(index="row", columns="column").stack().rename(value).reset_index()
    rows, cols = list(matrix.index), list(matrix.columns)
    size = _cell_size(max(len(rows), len(cols)))
    pick = alt.selection_point(name="cell", fields=["row", "column"], on="click")
    base = alt.Chart(long).encode(
        x=alt.X("column:N", sort=cols, title=columns_title, axis=alt.Axis(labelAngle=-50, labelLimit=300, labelFontSize=10)),
        y=alt.Y("row:N", sort=rows, title="code", axis=alt.Axis(labelLimit=260, labelFontSize=10)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues"), title=value),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=["row:N", "column:N", alt.Tooltip(f"{value}:Q", format=".3~f")],
    ).add_params(pick)
    text_format = ".0f" if value == "count" else ".2f"
    labels = base.mark_text(fontSize=max(7, size // 3)).encode(
        text=alt.condition(f"datum['{value}'] != 0", alt.Text(f"{value}:Q", format=text_format), alt.value("")),
        color=alt.condition(f"datum['{value}'] > {float(long[value].max() or 0) * 0.6}", alt.value("white"), alt.value("#1f2d3d")),
    )
    return (cells + labels).properties(title=title, width=size * len(cols), height=size * len(rows))


def bars(frequencies: pd.DataFrame, *, measure: str = "codings", title: str) -> alt.Chart:
    """Horizontal bars of one measure per code (``frequencies(by="code")`` output)."""
    order = list(frequencies.sort_values(measure, ascending=False)["code"])
    return alt.Chart(frequencies).mark_bar(color="#2874a6").encode(
        x=alt.X(f"{measure}:Q", title=measure.replace("_", " ")),
        y=alt.Y("code:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        tooltip=["code", "codings", "documents", "words_coded"],
    ).properties(title=title, width=520, height=max(120, 18 * len(frequencies)))


def to_png(chart: alt.Chart, *, scale: float = 2.0) -> bytes:
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def to_svg(chart: alt.Chart) -> str:
    return vlc.vegalite_to_svg(chart.to_json())


def network(matrix: pd.DataFrame, frequencies: pd.DataFrame, *, title: str, value: str = "count", seed: int = 7) -> alt.Chart:
    """Codes as nodes sized by their codings, edges as co-occurrence weighted by strength (spring layout, networkx).

    Each edge carries ``row`` and ``column`` (the two codes), like a heatmap cell, so a
    click selection names the pair.
    """
    import networkx as nx

    graph = nx.Graph()
    sizes = dict(zip(frequencies["code"], frequencies["codings"]))
    graph.add_nodes_from(matrix.index)
    for i, a in enumerate(matrix.index):
        for b in matrix.columns[i + 1:]:
            if matrix.loc[a, b] > 0:
                graph.add_edge(a, b, weight=float(matrix.loc[a, b]))
    position = nx.spring_layout(graph, weight="weight", seed=seed, k=1.5 / max(1, len(graph)) ** 0.5)
    nodes = pd.DataFrame([{"code": n, "x": position[n][0], "y": position[n][1], "codings": sizes.get(n, 0)} for n in graph.nodes])
    edges = pd.DataFrame([{"row": a, "column": b, value: d["weight"], "x": position[a][0], "y": position[a][1],
                           "x2": position[b][0], "y2": position[b][1]} for a, b, d in graph.edges(data=True)],
                         columns=["row", "column", value, "x", "y", "x2", "y2"])
    pick = alt.selection_point(name="cell", fields=["row", "column"], on="click")
    plain = alt.Axis(title=None, labels=False, ticks=False, grid=False, domain=False)
    lines = alt.Chart(edges).mark_rule(color="#2874a6").encode(
        x=alt.X("x:Q", axis=plain), y=alt.Y("y:Q", axis=plain), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth(f"{value}:Q", scale=alt.Scale(range=[1, 10]), title=value),
        opacity=alt.condition(pick, alt.value(0.85), alt.value(0.35)),
        tooltip=["row:N", "column:N", alt.Tooltip(f"{value}:Q", format=".3~f")]).add_params(pick)
    dots = alt.Chart(nodes).mark_circle(color="#c0392b", opacity=0.85).encode(
        x="x:Q", y="y:Q", size=alt.Size("codings:Q", scale=alt.Scale(range=[60, 900]), title="codings"), tooltip=["code", "codings"])
    labels = alt.Chart(nodes).mark_text(dy=-12, fontSize=10, color="#1f2d3d").encode(x="x:Q", y="y:Q", text="code:N")
    return (lines + dots + labels).properties(title=title, width=760, height=560)
