"""Shared widgets for the chart pages: the filters every chart takes."""

from __future__ import annotations

import streamlit as st

from qualbench import agreement, documents, store
from qualbench.filters import Filters


def filters(db, *, key: str) -> tuple[Filters, bool]:
    """Coder, kind and attribute filters plus the rollup switch, in one expander."""
    with st.expander("Filters"):
        left, right = st.columns(2)
        coders = left.multiselect("Coders (none chosen: all)", agreement.coders_with_codings(db), key=f"{key}_coders")
        kinds = right.multiselect("Document kinds", list(store.DOCUMENT_KINDS), key=f"{key}_kinds")
        attributes = {}
        values = documents.attribute_values(db)
        cols = st.columns(3)
        for i, name in enumerate(n for n in ("area", "site", "role") if n in values):
            chosen = cols[i].multiselect(name, values[name], key=f"{key}_attr_{name}")
            if chosen:
                attributes[name] = chosen
        rollup = st.toggle("Roll children up into their themes", key=f"{key}_rollup")
    return Filters(coders=coders or None, kinds=kinds or None, attributes=attributes), rollup


def clicked_cell(event, name: str = "cell") -> tuple[str, str] | None:
    """The (row, column) of a heatmap cell the user clicked, from st.altair_chart's selection event."""
    picked = (event.selection.get(name) if event and event.selection else None) or []
    return (picked[0]["row"], picked[0]["column"]) if picked else None


def show_chart(chart, *, key: str | None = None, selectable: bool = False):
    """Draw an Altair chart at its own size (plus room for axis labels and legend)."""
    spec = chart.to_dict()
    width = int(spec.get("width", 500)) + 360
    height = int(spec.get("height", 300)) + 260
    options = {"on_select": "rerun", "key": key} if selectable else {}
    return st.altair_chart(chart, width=width, height=height, theme=None, **options)
