"""Shared widgets for the chart pages: the filters every chart takes."""

from __future__ import annotations

import streamlit as st

from qualbench import agreement, documents, store
from qualbench.filters import Filters

from . import cache, project, show, widgets


def filters(db, *, key: str) -> tuple[Filters, bool]:
    """Coder, kind and attribute filters plus the rollup switch, in one expander."""
    with st.expander("Filters"):
        left, right = st.columns(2)
        coders = left.multiselect("Coders (none chosen: all)", cache.run(agreement.coders_with_codings, db), key=f"{key}_coders")
        kinds = right.multiselect("Document kinds", list(store.DOCUMENT_KINDS), key=f"{key}_kinds")
        attributes = {}
        values = documents.attribute_values(db)  # every case attribute of the project, dates too
        cols = st.columns(3)
        for i, (name, options) in enumerate(values.items()):
            chosen = cols[i % 3].multiselect(show.md(name), options, key=f"{key}_attr_{name}")
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


CHART_KEYS = ("chart_kind", "chart_scope", "chart_measure", "chart_attribute", "chart_network", "charts_rollup")


def _current_settings() -> dict:
    state = st.session_state
    settings = {k: state[k] for k in CHART_KEYS if k in state}
    settings["coders"] = state.get("charts_coders", [])
    settings["kinds"] = state.get("charts_kinds", [])
    prefix = "charts_attr_"  # one multiselect per case attribute, whatever the project's attributes are
    settings["attributes"] = {k[len(prefix):]: list(v) for k, v in state.items() if str(k).startswith(prefix) and v}
    if state.get("_chart_cell"):
        settings["cell"] = list(state["_chart_cell"])
    return settings


def _apply_view() -> None:
    """Callback of the view picker: put the saved settings into the chart widgets."""
    from qualbench import views

    name = st.session_state.get("view_to_open")
    if not name:
        return
    view, settings, problems = views.open_view(project.db(), name)
    for key in CHART_KEYS:
        if key in settings:
            st.session_state[key] = settings[key]
    st.session_state["charts_coders"] = settings.get("coders", [])
    st.session_state["charts_kinds"] = settings.get("kinds", [])
    saved = settings.get("attributes", {})
    for name_, options in documents.attribute_values(project.db()).items():  # a value no document has any more is dropped
        st.session_state[f"charts_attr_{name_}"] = [v for v in saved.get(name_, []) if v in options]
    st.session_state["_view_note"] = (view["name"], view["created_by"], view["created_at"], problems)


def saved_views(db) -> None:
    """Open a saved view, or save the current chart settings under a name."""
    from qualbench import views

    with st.expander("Saved views"):
        names = list(views.listing(db)["name"])
        st.selectbox("Open a saved view", names, index=None, key="view_to_open", on_change=_apply_view,
                     placeholder="Choose a view" if names else "No saved views yet")
        left, right = st.columns([3, 1])
        name = left.text_input("Save the current chart as", key="view_name")
        if right.button("Save view", disabled=not name.strip()):
            with widgets.error_box():
                views.save(db, name, kind="chart", settings=_current_settings(), who=project.coder() or "anonymous")
                show.success(f"Saved “{' '.join(name.split())}”.")
    note = st.session_state.get("_view_note")
    if note:
        show.info(f"View “{note[0]}”, saved by {note[1]} on {note[2][:10]}, shows the data as they are now.")
        for problem in note[3]:
            show.warning(f"This view no longer fits the project: {problem}.")
