"""Every kind of element that renders Markdown, each showing hostile text through ui.show
(tests/browser/test_show_browser.py reads them back in Chromium)."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.browser.show_samples import BLOCK, LINES  # noqa: E402
from ui import show  # noqa: E402

for i, line in enumerate(LINES):
    m = show.md(line)
    with st.container(key=f"s{i}"):
        with st.container(key=f"s{i}_markdown"):
            st.markdown(m)
        with st.container(key=f"s{i}_caption"):
            show.caption(line)
        with st.container(key=f"s{i}_title"):
            show.title(line)
        with st.container(key=f"s{i}_subheader"):
            show.subheader(line)
        for kind in ("success", "info", "warning", "error"):
            with st.container(key=f"s{i}_{kind}"):
                getattr(show, kind)(line)
        st.button(m, key=f"s{i}_button", help=m)
        with st.container(key=f"s{i}_tab"):
            st.tabs([m, "other"])
        with st.container(key=f"s{i}_expander"):
            with st.expander(m):
                st.write("inside")
        st.selectbox(m, [line], format_func=lambda x: x, key=f"s{i}_selectbox")  # format_func output: plain text
        st.multiselect(m, [line], default=[line], key=f"s{i}_multiselect")
        st.radio(m, [m], key=f"s{i}_radio")
        st.text_input(m, line, key=f"s{i}_text_input")
        st.checkbox(m, key=f"s{i}_checkbox")
        with st.container(key=f"s{i}_metric"):
            st.metric(m, 1)
        if st.button("toast", key=f"s{i}_toast_button"):
            show.toast(line)
with st.container(key="block_markdown"):
    st.markdown(show.md(BLOCK["markdown"]))
with st.container(key="block_text"):
    show.text(BLOCK["text"], label=LINES[0])
st.text("end of the page")
