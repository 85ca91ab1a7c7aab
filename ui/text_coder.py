"""The text-coding component (components/text_coder.*) mounted in Streamlit.

Custom Components v2 without a build step: the JS and CSS files are read here and passed
as strings (asset paths work only for installed packages), and styles are not isolated
because Chromium's ``getSelection()`` does not see into a shadow root. See DESIGN.md,
"Offsets": the component converts UTF-16 to code points at its edge.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

COMPONENTS = Path(__file__).resolve().parent.parent / "components"


@st.cache_resource
def _component():
    return st.components.v2.component(
        "qualbench.text_coder",
        html="",
        css=(COMPONENTS / "text_coder.css").read_text(encoding="utf-8"),
        js=(COMPONENTS / "text_coder.js").read_text(encoding="utf-8"),
        isolate_styles=False,
    )


def text_coder(view: dict, *, key: str, shortcuts: dict[str, int], focus: int | None = None, height: int = 640,
               on_selection=None, on_clicked=None, on_shortcut=None):
    """Mount the component on a :func:`qualbench.coding.document_view`; returns its result.

    ``result.selection`` is ``{"document", "start", "end"}`` (code points) or None;
    ``result.clicked`` and ``result.shortcut`` are one-run triggers.
    """
    data = dict(view, focus=focus, height=height, shortcuts=shortcuts)
    return _component()(key=key, data=data, default={"selection": None},
                        on_selection_change=on_selection or (lambda: None),
                        on_clicked_change=on_clicked or (lambda: None),
                        on_shortcut_change=on_shortcut or (lambda: None))
