"""The project database for this script run, and the signed-in coder.

``workbench.py`` calls :func:`open_for_run` once per script run; pages call
:func:`db`. Each run opens its own connection (cheap for SQLite) and closes the
previous run's, so a connection never crosses threads while in use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

from qualbench import sample, store

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
    """Create the project on first start, with the sample loaded, once per process."""
    sample.open_sample(path).close()
    return path


def open_for_run():
    """Open this run's connection (closing the last run's) and return it."""
    path = _prepared(str(db_path()))
    old = st.session_state.pop("_qb_db", None)
    if old is not None:
        old.close()
    st.session_state["_qb_db"] = store.open_project(path, create=False)
    return st.session_state["_qb_db"]


def db():
    """This run's project database (opened by workbench.py)."""
    if "_qb_db" not in st.session_state:
        return open_for_run()
    return st.session_state["_qb_db"]


def coder() -> str | None:
    """The signed-in coder's name, or None before they say who they are."""
    return st.session_state.get("coder")
