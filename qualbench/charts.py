"""Altair charts built from the analysis DataFrames (no Streamlit), and PNG/SVG through vl-convert."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc


def _cell_size(n: int) -> int:
    return max(14, min(36, 900 // max(n, 1)))


UNDEFINED_FILL = "#ececec"


def _why(value: str, defined: bool, number: float, n_ab: int | None, n_a: int | None, n_b: int | None) -> str:
    """The tooltip's explanation of a co-occurrence cell: how c came about, and why it is undefined or above 1."""
    if n_ab is None:
        return ""
    counts = f"n_AB = {n_ab}, n_A = {n_a}, n_B = {n_b}"
    if value != "c":
        return counts
    if not defined:
        return (f"c is undefined: n_A + n_B − n_AB = {n_a} + {n_b} − {n_ab} = {n_a + n_b - n_ab}, and c divides by it "
                "(it is 0 or less when several codings of one code each overlap several codings of the other, or when "
                "no unit holds either code). Shown blank, never as 0.")
    if number > 1:
        return f"{counts}. c exceeds 1: one long coding overlaps several shorter codings of the other code."
    return counts


def heatmap(matrix: pd.DataFrame, *, title: str, value: str = "count", columns_title: str = "code") -> alt.Chart:
    """A matrix (rows: codes) as a heatmap with the value in each cell; readable up to 40+ codes.

    Each cell carries ``row`` and ``column`` fields, so a click selection names the cell. A
    cell whose value is NaN (an undefined c-coefficient) is drawn empty in light grey with a
    dashed border, and its tooltip says why it is undefined. When the matrix comes from
    :func:`qualbench.analysis.cooccurrence` (``attrs`` ``n`` and ``n_ab``) every tooltip
    gives n_AB, n_A and n_B.
    """
    rows, cols = list(matrix.index), list(matrix.columns)
    long = _long(matrix, value)
    size = _cell_size(max(len(rows), len(cols)))
    n, n_ab = matrix.attrs.get("n"), matrix.attrs.get("n_ab")
    position = {code: k for k, code in enumerate(rows)}
    long["defined"] = long[value].notna()
    long["shade"] = long[value].fillna(0.0)
    long["shown"] = [("undefined" if not ok else f"{v:.3f}".rstrip("0").rstrip(".") if value != "count" else f"{v:.0f}")
                     for v, ok in zip(long[value], long["defined"])]
    long["why"] = [_why(value, ok, v, n_ab[position[r]][position[c]] if n_ab and r in position and c in position else None,
                        n.get(r) if n else None, n.get(c) if n else None)
                   for r, c, v, ok in zip(long["row"], long["column"], long[value], long["defined"])]
    pick = alt.selection_point(name="cell", fields=["row", "column"], on="click")
    base = alt.Chart(long).encode(
        x=alt.X("column:N", sort=cols, title=columns_title, axis=alt.Axis(labelAngle=-50, labelLimit=300, labelFontSize=10)),
        y=alt.Y("row:N", sort=rows, title="code", axis=alt.Axis(labelLimit=260, labelFontSize=10)),
    )
    tooltip = [alt.Tooltip("row:N"), alt.Tooltip("column:N"), alt.Tooltip("shown:N", title=value)]
    if n_ab is not None:
        tooltip.append(alt.Tooltip("why:N", title="how"))
    cells = base.mark_rect().encode(
        color=alt.condition("datum.defined", alt.Color("shade:Q", scale=alt.Scale(scheme="blues"), title=value),
                            alt.value(UNDEFINED_FILL)),
        stroke=alt.condition("datum.defined", alt.value("white"), alt.value("#8a8a8a")),
        strokeDash=alt.condition("datum.defined", alt.value([1, 0]), alt.value([3, 2])),
        strokeWidth=alt.condition("datum.defined", alt.value(1), alt.value(1.5)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)),
        tooltip=tooltip,
    ).add_params(pick)
    text_format = ".0f" if value == "count" else ".2f"
    dark = float(np.nan_to_num(long["shade"].max())) * 0.6  # an empty matrix has no maximum
    labels = base.mark_text(fontSize=max(7, size // 3)).encode(
        text=alt.condition(f"datum.defined && datum['{value}'] != 0", alt.Text(f"{value}:Q", format=text_format), alt.value("")),
        color=alt.condition(f"datum['{value}'] > {dark}", alt.value("white"), alt.value("#1f2d3d")),
    )
    return (cells + labels).properties(title=title, width=size * len(cols), height=size * len(rows))


def _long(matrix: pd.DataFrame, value: str) -> pd.DataFrame:
    """The matrix as rows of (row, column, value), every cell kept (NaN too), in row-major order."""
    rows, cols = list(matrix.index), list(matrix.columns)
    return pd.DataFrame({"row": [r for r in rows for _ in cols], "column": [c for _ in rows for c in cols],
                         value: matrix.to_numpy(dtype=float).ravel() if len(rows) and len(cols) else []})


def undefined_note(matrix: pd.DataFrame) -> str | None:
    """What to tell a reader of a c matrix with undefined cells (None when every cell is defined)."""
    pairs = int(np.isnan(matrix.to_numpy(dtype=float)).sum()) // 2 if matrix.size else 0
    if not pairs:
        return None
    return (f"{pairs} pair{'s' * (pairs != 1)} of codes {'have' if pairs != 1 else 'has'} no c: there n_A + n_B − n_AB "
            "is 0 or less, so c = n_AB / (n_A + n_B − n_AB) is undefined (it happens when several codings of one code "
            "each overlap several codings of the other). Those cells are grey and empty, blank in the CSV, and have no "
            "edge in the network; hover a cell for its counts, or use the count measure.")


def passages_text(passages: pd.DataFrame, scope: str) -> str:
    """The heading of a cell's passages: "8 pairs of codings by the same coder, in 6 passages" or "3 turns"."""
    n = len(passages)
    if scope == "overlap":
        pairs = int(passages["pairs"].sum()) if n else 0
        return (f"{pairs} pair{'s' * (pairs != 1)} of codings by the same coder, "
                f"in {n} passage{'s' * (n != 1)}")
    return f"{n} {scope}{'s' * (n != 1)} in which one coder coded both"


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
    click selection names the pair. A pair whose c is undefined (NaN) has no edge.
    """
    import networkx as nx

    graph = nx.Graph()
    sizes = dict(zip(frequencies["code"], frequencies["codings"]))
    graph.add_nodes_from(matrix.index)
    for i, a in enumerate(matrix.index):
        for b in matrix.columns[i + 1:]:
            if matrix.loc[a, b] > 0:  # False for NaN: an undefined c draws no edge
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
