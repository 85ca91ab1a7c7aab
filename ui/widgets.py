"""Shared widgets: the error box, the coder picker, undo, the reader. User text goes through ui.show."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import streamlit as st

from qualbench import coding, store
from qualbench.errors import QualbenchError

from . import project, show

md_escape = show.md  # the old name; new code calls ui.show.md


@contextlib.contextmanager
def error_box():
    """Show bad input (a QualbenchError) or a database error as one clear sentence, never a traceback."""
    try:
        yield
    except QualbenchError as exc:
        show.error(str(exc), icon="⚠️")  # a sentence about the researcher's input, which it may quote
    except sqlite3.Error as exc:
        show.error(str(store.explain(exc, path=project.db_path())), icon="⚠️")


def guarded(action):
    """A widget callback that shows its QualbenchError or database error instead of raising it."""
    def run(*args, **kwargs):
        with error_box():
            return action(*args, **kwargs)
    return run


def page_guard(run_page) -> None:
    """Run a page; an error nobody caught becomes a message, and the details go to the server log."""
    with error_box():
        try:
            run_page()
        except (QualbenchError, sqlite3.Error):
            raise
        except Exception:  # a bug: the researcher gets a sentence, the log gets the traceback
            logging.getLogger("qualbench").exception("Unexpected error on a page")
            st.error("Something went wrong on this page (a Qualbench bug; the details are in the server's log). "
                     "Nothing more was changed. Reload the page, and please report what you did.", icon="⚠️")


NEW_CODER = "Someone else…"


def _sign_in_new_coder() -> None:
    """Callback of the name field: add the coder and select them in the picker."""
    with error_box():
        name = store.ensure_coder(project.db(), st.session_state.get("coder_new", ""))
        st.session_state["coder"] = name
        st.session_state["coder_choice"] = name
        st.session_state["coder_new"] = ""


def coder_picker() -> str | None:
    """Sidebar: who is coding (remembered for the session)."""
    db = project.db()
    names = [r["name"] for r in store.rows(db, "SELECT name FROM coders WHERE name != 'sample' ORDER BY name")]
    current = st.session_state.get("coder")
    if "coder_choice" not in st.session_state and current in names:
        st.session_state["coder_choice"] = current
    with st.sidebar:
        choice = st.selectbox("Who is coding?", names + [NEW_CODER], index=None, placeholder="Choose your name", key="coder_choice")
        if choice == NEW_CODER:
            st.text_input("Your name", key="coder_new", on_change=_sign_in_new_coder, placeholder="Type your name, then Enter")
        elif choice:
            st.session_state["coder"] = choice
    return st.session_state.get("coder")


def undo_button() -> None:
    """Sidebar: undo the signed-in coder's last change."""
    who = project.coder()
    if not who:
        return
    db = project.db()
    pending = coding.undoable(db, who, limit=1)
    with st.sidebar:
        label = f"Undo: {pending[0]['action']} {pending[0]['entity']}" if pending else "Nothing to undo"
        if st.button(label, disabled=not pending, key="undo", icon=":material/undo:"):
            with error_box():
                st.session_state["flash"] = "Undone: " + coding.undo(db, who=who)
                st.rerun()


def flash() -> None:
    """Show (once) the message a previous run left in ``st.session_state['flash']``."""
    message = st.session_state.pop("flash", None)
    if message:
        show.success(message)


STANDARD_ATTRIBUTES = ("site", "area", "role")


def attribute_inputs(db, *, key: str, current: dict | None = None) -> dict[str, str]:
    """Inputs for case attributes: the standard ones, the project's others, and one new one."""
    from qualbench import documents

    current = current or {}
    names = list(dict.fromkeys([*STANDARD_ATTRIBUTES, *documents.attribute_values(db), *current]))
    values = {}
    cols = st.columns(3)
    for i, name in enumerate(names):
        values[name] = cols[i % 3].text_input(show.md(name), current.get(name, ""), key=f"{key}_attr_{name}")
    new_name = cols[0].text_input("New attribute name", key=f"{key}_attr_new_name")
    new_value = cols[1].text_input("New attribute value", key=f"{key}_attr_new_value")
    if new_name.strip():
        values[new_name.strip()] = new_value
    if not current:
        values = {k: v for k, v in values.items() if v.strip()}
    return values


def import_report(results) -> None:
    """One line per imported file: green, amber for duplicates, red with the reason for failures."""
    for result in results:
        {"imported": show.success, "duplicate": show.warning, "failed": show.error}[result.status](result.message)


def reader(doc: dict, turns: list[dict]) -> None:
    """The document turn by turn, speakers and times shown, the text exactly as it is stored (never Markdown)."""
    text = doc["text"]
    with st.container(height=520):
        for turn in turns:
            label = " · ".join(x for x in (turn["timestamp"], turn["speaker"]) if x)
            show.text(text[turn["start"]:turn["end"]], label=label or None, key="turn")
