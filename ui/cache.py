"""Whole-project figures cached on the project's state, shared by every session of the server.

A page calls ``cache.run(analysis.cooccurrence, db, scope="turn", ...)`` instead of the core
function: the result is kept (``st.cache_data``) under the project file, the project's state
(``qualbench.store.state``: the last ``events`` id, which every change moves, whoever makes it)
and the function's arguments. A rerun that changed nothing (a widget redrawn, a tab switched, a
second researcher opening the same chart) takes the kept result; a change anywhere (a coding in
this session, the CLI beside the server) moves the state and the next run computes afresh.

Only functions that read go through here; their results come back as copies, so a page may
change them freely.
"""

from __future__ import annotations

import streamlit as st

from qualbench import store

from . import project


@st.cache_data(max_entries=256, show_spinner=False)
def _kept(path: str, state: int, name: str, arguments: str, _function, _db, _args, _kwargs):
    return _function(_db, *_args, **_kwargs)


def run(function, db, *args, **kwargs):
    """``function(db, *args, **kwargs)``, kept until the project changes (see the module docstring)."""
    name = f"{function.__module__}.{function.__qualname__}"
    arguments = repr((args, sorted(kwargs.items())))
    return _kept(str(project.db_path()), store.state(db), name, arguments, function, db, args, kwargs)
