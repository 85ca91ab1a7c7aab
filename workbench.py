"""Qualbench: run with ``streamlit run workbench.py`` (optionally ``-- --db PATH``)."""

import sqlite3
from pathlib import Path

import streamlit as st

from qualbench import store
from qualbench.errors import QualbenchError
from ui import hosts, project, show, widgets

# The icon is a file of the repository: a page load asks nothing of any other machine (a
# :material/...: page icon makes the browser fetch the favicon from a font CDN).
st.set_page_config(page_title="Qualbench", page_icon=str(Path(__file__).resolve().parent / "components" / "favicon.png"),
                   layout="wide")
hosts.refuse_foreign_host()  # before anything of the project: a page reached under another name gets one sentence
try:
    db = project.open_for_run()
except QualbenchError as exc:
    show.error(f"The project cannot be opened. {exc}", icon=":material/error:")
    st.stop()
except sqlite3.Error as exc:
    show.error(f"The project cannot be opened. {store.explain(exc, path=project.db_path())}", icon=":material/error:")
    st.stop()

pages = {
    "Project": [
        st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),
        st.Page("pages/documents.py", title="Documents", icon=":material/description:"),
        st.Page("pages/codebook.py", title="Codebook", icon=":material/account_tree:"),
        st.Page("pages/coding.py", title="Coding", icon=":material/format_ink_highlighter:"),
    ],
    "Analysis": [
        st.Page("pages/dashboard.py", title="Dashboard", icon=":material/dashboard:"),
        st.Page("pages/excerpts.py", title="Excerpts", icon=":material/format_quote:"),
        st.Page("pages/charts.py", title="Charts", icon=":material/grid_on:"),
        st.Page("pages/agreement.py", title="Agreement", icon=":material/compare_arrows:"),
    ],
}
page = st.navigation(pages)
with widgets.error_box():
    widgets.coder_picker()
    widgets.undo_button()
st.sidebar.caption(f"Project file: {show.md(project.db_path())}")
if db.read_only:
    st.sidebar.warning("This project file is read-only: you can read everything, but nothing can be changed or coded.",
                       icon=":material/lock:")
widgets.page_guard(page.run)
