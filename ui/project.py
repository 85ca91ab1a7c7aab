"""The project database of this browser session, and the signed-in coder.

Each browser session opens one connection to the project, once, and keeps it in its
session state (DESIGN.md, "Data model": several processes share the file, and a
connection opened and closed on every script run is exactly what must not happen).
The connection is shared between the session's script runs and its download callbacks,
which Streamlit runs on other threads; ``qualbench.store.ProjectDatabase`` holds a lock
for each transaction, so they never mix.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

from qualbench import sample, store

from . import hosts

ROOT = Path(__file__).resolve().parent.parent


def db_path() -> Path:
    """``--db PATH`` after ``--`` on the streamlit command line, else $QUALBENCH_DB, else workbench.db in the repo root."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--db="):
            return Path(arg.split("=", 1)[1])
    return Path(os.environ.get("QUALBENCH_DB") or ROOT / store.DEFAULT_DB)


@st.cache_resource(show_spinner="Preparing the project (the first start loads the sample project)…")
def _prepared(path: str) -> str:
    """Create the project on first start, with the sample loaded, once per process.

    This runs before any session of the process holds a connection to the file, so the
    connection it opens and closes cannot take other connections' locks with it.
    """
    sample.open_sample(path).close()
    return path


def open_for_run():
    """This session's connection: opened on its first run, then kept for the session.

    A run whose request named a host the workbench does not serve stops here, before the
    project is touched (also when Streamlit ran a page script without workbench.py).
    """
    hosts.refuse_foreign_host()
    path = _prepared(str(db_path()))
    held = st.session_state.get("_qb_db")
    if held is None or st.session_state.get("_qb_db_path") != path:
        st.session_state["_qb_db"] = store.open_project(path, create=False)
        st.session_state["_qb_db_path"] = path
    return st.session_state["_qb_db"]


def _leave_legacy_pages_mode() -> None:
    """Rerun through workbench.py when Streamlit ran a page script on its own.

    A ``pages/`` folder beside the entry script makes a fresh Streamlit server treat
    the app as a legacy multipage app until ``st.navigation`` has run once: the
    first visitor who lands on a deep link (``/coding?document=3``) gets the page
    script alone, without workbench.py (no project, no sidebar), and so does every
    visitor after them. Streamlit keeps that mode in a class attribute that only
    ``st.navigation`` resets, so we reset it and rerun; the rerun runs workbench.py,
    which routes to the same URL. tests/browser/test_pages_browser.py guards this.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get("_qb_left_legacy"):
        PagesManager.uses_pages_directory = False
        st.session_state["_qb_left_legacy"] = True
        st.rerun()


def db():
    """This run's project database (opened by workbench.py)."""
    if "_qb_db" not in st.session_state:
        _leave_legacy_pages_mode()
        return open_for_run()
    return st.session_state["_qb_db"]


def coder() -> str | None:
    """The signed-in coder's name, or None before they say who they are."""
    return st.session_state.get("coder")
