"""The coding page's panels: the codebook to apply, the selection, and the codings under a click.

Every action runs in a widget callback, before the script draws the page again, so the
component receives the new codings in the same run and keeps the reader's place.
"""

from __future__ import annotations

import html
import sqlite3

import streamlit as st

from qualbench import codebook, coding, documents, store
from qualbench.errors import QualbenchError

from . import project, show

KEY = "text_coder"


def selection(document_id: int) -> dict | None:
    """The passage selected in the component ({"start", "end"} in code points), if it is in this document."""
    state = st.session_state.get(KEY) or {}
    sel = state.get("selection") if hasattr(state, "get") else getattr(state, "selection", None)
    if sel and sel.get("document") == document_id and sel.get("end", 0) > sel.get("start", 0):
        return sel
    return None


def _run(action, *args, **kwargs) -> None:
    """Run a core action; its message (or its error) is shown once on the next draw."""
    try:
        st.session_state["flash"] = action(*args, **kwargs)
    except QualbenchError as exc:
        st.session_state["coding_error"] = str(exc)
    except sqlite3.Error as exc:
        st.session_state["coding_error"] = str(store.explain(exc, path=project.db_path()))


def _who() -> str:
    who = project.coder()
    if not who:
        raise QualbenchError("Say who is coding first (in the sidebar).")
    return who


def _apply(document_id: int, code_ids: list[int], bounds: tuple[int, int] | None = None) -> str:
    sel = bounds or _bounds(document_id)
    made, skipped = coding.apply_codes(project.db(), document_id, code_ids, *sel, coder=_who(),
                                       snap=st.session_state.get("snap", True))
    names = ", ".join(codebook.paths(project.db())[c] for c in code_ids)
    note = f" (already there: {', '.join(skipped)})" if skipped else ""
    return f"Coded with {names}{note}." if made else f"Nothing new: {', '.join(skipped)} already there."


def _bounds(document_id: int) -> tuple[int, int]:
    sel = selection(document_id)
    if not sel:
        raise QualbenchError("Select a passage in the text first.")
    return sel["start"], sel["end"]


def on_shortcut(document_id: int) -> None:
    """Component callback: a shortcut key was pressed over a selection."""
    state = st.session_state.get(KEY) or {}
    pressed = state.get("shortcut") if hasattr(state, "get") else getattr(state, "shortcut", None)
    if pressed and pressed.get("document") == document_id:
        def act():
            code = coding.code_for_shortcut(project.db(), pressed["key"])
            return _apply(document_id, [code["id"]], (pressed["start"], pressed["end"]))
        _run(act)


def on_clicked() -> None:
    """Component callback: a highlight or bracket was clicked; list its codings."""
    state = st.session_state.get(KEY) or {}
    clicked = state.get("clicked") if hasattr(state, "get") else getattr(state, "clicked", None)
    if clicked:
        st.session_state["inspect"] = [int(i) for i in clicked.get("ids", [])]


def code_buttons(document_id: int) -> None:
    """The codebook: click a code to apply it to the selection (shortcut keys shown)."""
    codes = codebook.codes(project.db())
    style = "".join(f".st-key-apply_{c['id']}{{padding-left:{c['depth'] * 1.1}rem}}"
                    f".st-key-apply_{c['id']} button{{border-left:6px solid {c['color']}}}"
                    for c in codes if codebook.COLOR.match(c["color"] or ""))
    style += ("[class*='st-key-apply_'] button{justify-content:flex-start;min-height:2rem;padding:.1rem .6rem}"
              "[class*='st-key-apply_'] button *{justify-content:flex-start;text-align:left}")
    st.html(f"<style>{html.escape(style, quote=False)}</style>")
    with st.container(height=420):
        for c in codes:
            label = c["name"] + (f"  [{c['shortcut']}]" if c.get("shortcut") else "")
            st.button(show.md(label), key=f"apply_{c['id']}", help=show.md(c["description"]) if c.get("description") else None,
                      width="stretch",
                      on_click=_run, args=(_apply, document_id, [c["id"]]))


def selection_note(document_id: int, text: str) -> None:
    """The selected passage as Python will code it (always ``text[start:end]``, never the browser's text)."""
    sel = selection(document_id)
    if sel:
        start, end = coding.passage(text, sel["start"], sel["end"], snap=st.session_state.get("snap", True))
        shown = text[start:end]
        st.markdown(f"**Selected** ({start}–{end}): “{show.md(shown[:160])}{'…' if len(shown) > 160 else ''}”")
    else:
        st.caption("Select a passage in the text (mouse, or Shift+arrows), then click a code or press its key.")


def selection_actions(document_id: int) -> None:
    """What else to do with the selected passage: several codes at once, in-vivo, the whole turn."""
    sel = selection(document_id)
    st.toggle("Snap the selection to whole words", value=True, key="snap")
    paths = codebook.paths(project.db())
    several = st.multiselect("Several codes", list(paths), format_func=paths.get, key="several", placeholder="Choose codes")
    left, right = st.columns(2)
    left.button("Apply these", key="apply_several", disabled=not (sel and several),
                on_click=_run, args=(_apply, document_id, several))
    right.button("In-vivo code", key="in_vivo", disabled=not sel, help="the selected words become a new code, applied to them",
                 on_click=_run, args=(_in_vivo, document_id))
    st.button("Code the whole turn with these", key="whole_turn", disabled=not (sel and several), width="stretch",
              on_click=_run, args=(_whole_turn, document_id, several))


def _in_vivo(document_id: int) -> str:
    start, end = _bounds(document_id)
    start, end = coding.passage(documents.resolve(project.db(), document_id)["text"], start, end,
                                snap=st.session_state.get("snap", True))
    code_id, _ = coding.in_vivo(project.db(), document_id, start, end, coder=_who())
    return f"In-vivo code “{codebook.paths(project.db())[code_id]}” applied."


def _whole_turn(document_id: int, code_ids: list[int]) -> str:
    start, _ = _bounds(document_id)
    return _apply(document_id, code_ids, coding.turn_range(project.db(), document_id, start))


def inspector(document_id: int) -> None:
    """The codings under the last click: code, coder, memo, time, and what can be done to each."""
    ids = st.session_state.get("inspect") or []
    found = coding.coding_details(project.db(), ids)
    if found.empty:
        st.caption("Click a highlight (or a bracket in the margin) to see its codings.")
        return
    st.button("Close the codings", key="close_inspect", on_click=st.session_state.pop, args=("inspect", None))
    paths = codebook.paths(project.db())
    sel = selection(document_id)
    for row in found.to_dict("records"):
        cid = int(row["id"])
        seen = coding.shown(row)  # the coding as this card shows it: an action on a changed coding is refused
        with st.container(border=True, key=f"coding_{cid}"):
            st.markdown(f"**{show.md(row['code'])}** · {show.md(row['coder'])} · {row['created_at'][:16].replace('T', ' ')}")
            st.caption(f"“{show.md(row['excerpt'][:200])}” ({row['start']}–{row['end']})")
            st.text_area("Memo", row["memo"], key=f"memo_{cid}", height=68)
            st.selectbox("Code", list(paths), index=list(paths).index(row["code_id"]), format_func=paths.get, key=f"code_{cid}")
            a, b = st.columns(2)
            a.button("Save", key=f"save_{cid}", width="stretch", on_click=_run, args=(_save, cid, seen))
            b.button("Remove", key=f"remove_{cid}", type="primary", width="stretch", on_click=_run, args=(_remove, cid, seen))
            st.button("Fit to the selection", key=f"fit_{cid}", disabled=not sel, width="stretch",
                      help="widen or narrow this coding to the selected passage",
                      on_click=_run, args=(_update, cid, seen), kwargs={"start": sel and sel["start"], "end": sel and sel["end"]})


def _save(coding_id: int, seen: dict) -> str:
    """Save the memo and code as they stand in the inputs now (read at click time, not draw time)."""
    return _update(coding_id, seen, memo=st.session_state[f"memo_{coding_id}"], code=st.session_state[f"code_{coding_id}"])


def _update(coding_id: int, seen: dict, **changes) -> str:
    coding.update(project.db(), coding_id, who=_who(), expected=seen, **changes)
    return "Coding changed."


def _remove(coding_id: int, seen: dict) -> str:
    coding.remove(project.db(), coding_id, who=_who(), expected=seen)
    st.session_state["inspect"] = [i for i in st.session_state.get("inspect", []) if i != coding_id]
    return "Coding removed (Undo in the sidebar puts it back)."


def messages() -> None:
    """The last action's message or error, in a slot that is always there, so that showing it
    does not shift the page (which would make Streamlit mount the text component afresh)."""
    slot = st.empty()
    error = st.session_state.pop("coding_error", None)
    message = st.session_state.pop("flash", None)
    if error:
        slot.error(show.md(error), icon="⚠️")
    elif message:
        slot.success(show.md(message))
