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
