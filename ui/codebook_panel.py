"""The codebook page's widgets: the tree with counts, the edit forms, memos, downloads and upload.

Every action runs through :func:`act`: the core call inside the error box, then a flash
message and a rerun, so the page redraws from the database.
"""

from __future__ import annotations

import streamlit as st

from qualbench import codebook, coding
from qualbench.export import docx as docx_export, refi

from . import cache, project, show, widgets

TOP = "(top level)"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


PICKED = "cb_code"  # the "Code to edit" selectbox
_NEXT = "cb_code_next"  # the code to select on the next run (a widget's value cannot change once it is drawn)


def act(run, message, *, select=None) -> None:
    """Run one codebook change; on success flash ``message`` (a string or a function of the result) and rerun.

    ``select`` (a path, or a function of the result giving one; "" for none) is the code
    chosen for editing after the rerun, so a renamed or merged code stays in view.
    """
    with widgets.error_box():
        result = run()
        st.session_state["flash"] = message(result) if callable(message) else message
        if select is not None:
            st.session_state[_NEXT] = select(result) if callable(select) else select
        st.rerun()


def flash() -> None:
    """The last action's message, at the top of the page and as a toast (the form may be far down)."""
    if st.session_state.get("flash"):
        show.toast(st.session_state["flash"], icon=":material/check_circle:")
    widgets.flash()


def pick_code(paths: list[str]) -> str | None:
    """The "Code to edit" selectbox; returns the chosen path."""
    if _NEXT in st.session_state:
        wanted = st.session_state.pop(_NEXT)
        st.session_state[PICKED] = wanted if wanted in paths else None
    return st.selectbox("Code to edit", paths, index=None, key=PICKED,
                        placeholder="Choose a code to edit, move, merge, split or delete")


def _path(db, code_id: int) -> str:
    return codebook.paths(db).get(code_id, "")


def _ink(color: str) -> str:
    """Black or white, whichever reads on ``color``."""
    try:
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    except (TypeError, ValueError):
        return "#000000"
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def tree_table(db, all_codes: list[dict]) -> None:
    """The codebook as a table: the code indented by depth, its colour as a swatch, its counts."""
    import pandas as pd

    counts = cache.run(codebook.counts, db).set_index("id")
    frame = pd.DataFrame([{
        "code": "\u2003" * c["depth"] + ("└ " if c["depth"] else "") + c["name"],
        "colour": c["color"], "key": c.get("shortcut") or "",
        "codings": counts.loc[c["id"], "codings"], "documents": counts.loc[c["id"], "documents"],
        "codings with sub-codes": counts.loc[c["id"], "codings_total"],
        "documents with sub-codes": counts.loc[c["id"], "documents_total"],
        "description": c["description"] or "",
    } for c in all_codes], columns=["code", "colour", "key", "codings", "documents", "codings with sub-codes",
                                    "documents with sub-codes", "description"])
    styled = frame.style.apply(lambda col: [f"background-color: {v}; color: {_ink(v)}" for v in col], subset=["colour"])
    st.dataframe(styled, hide_index=True, width="stretch", key="cb_table",
                 column_config={"code": st.column_config.TextColumn("code", width="medium"),
                                "colour": st.column_config.TextColumn("colour", width="small"),
                                "key": st.column_config.TextColumn("key", width="small", help="keyboard shortcut on the coding page"),
                                "description": st.column_config.TextColumn("description", width="large")})


def edit_form(db, code: dict, who: str | None) -> None:
    """Name, colour, definitions and shortcut of one code."""
    k = code["id"]
    with st.form(f"cb_edit_{k}"):
        left, mid, right = st.columns([4, 1, 1])
        name = left.text_input("Name", code["name"], key=f"cb_name_{k}")
        color = mid.color_picker("Colour", code["color"], key=f"cb_color_{k}")
        shortcut = right.text_input("Shortcut", code.get("shortcut") or "", max_chars=1, key=f"cb_shortcut_{k}",
                                    help="one key that applies this code on the coding page; empty for none")
        fields = {f: st.text_area(f.capitalize(), code[f] or "", key=f"cb_{f}_{k}", height=80)
                  for f in ("description", "inclusion", "exclusion", "example")}
        if st.form_submit_button("Save", type="primary", disabled=not who):
            act(lambda: codebook.update_code(db, k, who=who, name=name, color=color, shortcut=shortcut, **fields),
                lambda row: f"Saved “{row['name']}”.", select=lambda row: _path(db, k))


def _others(all_codes: list[dict], code: dict) -> list[str]:
    """Paths of the codes that are neither ``code`` nor below it."""
    return [c["path"] for c in all_codes if c["path"] != code["path"] and not c["path"].startswith(code["path"] + "/")]


def move_form(db, code: dict, all_codes: list[dict], who: str | None) -> None:
    k = code["id"]
    parents = [TOP, *_others(all_codes, code)]
    current = code["path"].rsplit("/", 1)[0] if code["depth"] else TOP
    siblings = [c for c in all_codes if c["parent_id"] == code["parent_id"]]
    with st.form(f"cb_move_{k}"):
        left, right = st.columns([3, 1])
        parent = left.selectbox("New parent", parents, index=parents.index(current), key=f"cb_parent_{k}")
        position = right.number_input("Position (0 = first)", min_value=0, step=1, key=f"cb_position_{k}",
                                      value=[c["id"] for c in siblings].index(k))
        if st.form_submit_button("Move", disabled=not who):
            act(lambda: codebook.move_code(db, k, who=who, parent=None if parent == TOP else parent, position=int(position)),
                lambda row: f"Moved “{code['name']}” to {parent}, position {int(position)}.", select=lambda row: _path(db, k))


def merge_form(db, code: dict, all_codes: list[dict], who: str | None) -> None:
    k = code["id"]
    st.caption("Its codings, sub-codes and memos move to the target; the code itself goes. Undo splits it out again.")
    target = st.selectbox("Merge into…", _others(all_codes, code), index=None, key=f"cb_merge_{k}", placeholder="Choose the target code")
    if st.button("Merge", disabled=not who or target is None, key=f"cb_merge_go_{k}"):
        act(lambda: codebook.merge_codes(db, k, target, who=who),
            lambda n: f"Merged “{code['path']}” into “{target}”: {n['moved']} coding(s) moved, {n['collapsed']} identical ones joined, "
                      f"{n['children']} sub-code(s) and {n['memos']} memo(s) moved.", select=target)


def split_form(db, code: dict, who: str | None) -> None:
    k = code["id"]
    frame = coding.codings(db, code=k)
    if frame.empty:
        st.caption("This code has no codings of its own to split off.")
        return
    label = {int(r.id): f"{' '.join(str(r.excerpt).split())[:90]} — {r.document}, {r.coder}" for r in frame.itertuples()}
    with st.form(f"cb_split_form_{k}", clear_on_submit=True):
        chosen = st.multiselect("Codings to split off", list(label), format_func=label.get, key=f"cb_split_{k}",
                                placeholder="Choose codings by their excerpt")
        name = st.text_input("Name of the new code (a sibling of this one)", key=f"cb_split_name_{k}")
        if st.form_submit_button("Split", disabled=not who):
            act(lambda: codebook.split_code(db, k, chosen, who=who, new_name=name),
                f"Split {len(chosen)} coding(s) off “{code['path']}” into “{' '.join(name.split())}”.")


def delete_form(db, code: dict, counts, who: str | None) -> None:
    k = code["id"]
    row = counts.set_index("id").loc[k]
    children = sum(1 for p in counts["path"] if p.startswith(code["path"] + "/"))
    n = int(row["codings_total"])
    confirm = True
    if n or children:
        what = f"it, its {children} sub-code(s) and their {n} codings" if children else f"it and its {n} codings"
        confirm = st.checkbox(f"Yes, delete {what} (Undo brings them back)", key=f"cb_delete_ok_{k}")
    if st.button("Delete", disabled=not who or not confirm, key=f"cb_delete_go_{k}", icon=":material/delete:"):
        act(lambda: codebook.delete_code(db, k, force=bool(n or children) and confirm, who=who),
            lambda s: f"Deleted “{code['path']}” ({s['codes']} code(s), {s['codings']} coding(s)). Undo in the sidebar restores it.",
            select="")


def memos(db, code: dict, who: str | None) -> None:
    """The code's memo entries, newest first, and a field to add one."""
    k = code["id"]
    entries = codebook.code_memos(db, k)
    for entry in entries:
        st.markdown(f"**{show.md(entry['created_at'][:16].replace('T', ' '))} · {show.md(entry['author'])}**")
        show.text(entry["text"], key="memo")
    if not entries:
        st.caption("No memos on this code yet.")
    with st.form(f"cb_memo_form_{k}", clear_on_submit=True):
        text = st.text_area("New memo", key=f"cb_memo_{k}", height=90, placeholder="What you noticed, decided or want to check")
        if st.form_submit_button("Add memo", disabled=not who):
            act(lambda: codebook.add_code_memo(db, k, text, who=who), f"Memo added to “{code['path']}”.")


def add_form(db, all_codes: list[dict], who: str | None) -> None:
    with st.form("cb_add", clear_on_submit=True):
        left, mid, right = st.columns([3, 3, 1])
        name = left.text_input("Name", key="cb_add_name")
        parent = mid.selectbox("Parent", [TOP, *(c["path"] for c in all_codes)], key="cb_add_parent")
        color = right.color_picker("Colour", codebook.PALETTE[len(all_codes) % len(codebook.PALETTE)], key="cb_add_color")
        if st.form_submit_button("Add the code", disabled=not who):
            act(lambda: codebook.add_code(db, name, who=who, parent=None if parent == TOP else parent, color=color),
                select=lambda new_id: _path(db, new_id), message=f"Added “{' '.join(name.split())}”{'' if parent == TOP else ' under “' + parent + '”'}.")


def _on_click(write):
    """A download written when it is clicked (Streamlit calls it on another thread; the
    session's connection is safe to share, see ui/project.py)."""
    db = project.db()

    def make() -> bytes:
        data = write(db)
        return data.encode("utf-8") if isinstance(data, str) else data
    return make


def downloads() -> None:
    a, b, c = st.columns(3)
    a.download_button("Codebook as YAML", _on_click(codebook.dump_yaml), "codebook.yaml", "application/yaml", icon=":material/data_object:")
    b.download_button("Codebook in Word", _on_click(docx_export.codebook_docx), "codebook.docx", WORD, icon=":material/description:")
    c.download_button("REFI-QDA codebook (.qdc)", _on_click(refi.codebook_qdc), "codebook.qdc", "application/xml",
                      icon=":material/swap_horiz:")


def upload(db, who: str | None) -> None:
    """Load a YAML or .qdc codebook: the plan first, then the button that applies it."""
    uploads = st.session_state.setdefault("cb_uploads", 0)  # a new key empties the uploader once a file is loaded
    file = st.file_uploader("Codebook file (.yaml or .qdc)", type=["yaml", "yml", "qdc"], key=f"cb_upload_{uploads}")
    if file is None:
        return
    with widgets.error_box():
        plan = codebook.load(db, file.getvalue(), who=who or "anonymous", name=file.name, dry_run=True)
        changes = [c for c in plan if c.action != "keep"]
        kept = len(plan) - len(changes)
        st.markdown(f"**{len(changes)} change(s)** from {show.md(file.name)}"
                    + (f"; {kept} code(s) not in the file are kept" if kept else "") + ":")
        st.markdown("\n".join(f"- {show.md(c)}" for c in changes) or "- nothing: the project already matches the file")
        if st.button("Apply this plan", type="primary", disabled=not who or not changes, key="cb_upload_go"):
            def apply():
                done = codebook.load(db, file.getvalue(), who=who, name=file.name)
                st.session_state["cb_uploads"] = uploads + 1
                return done

            act(apply,
                lambda done: f"Loaded {file.name}: {sum(c.action != 'keep' for c in done)} change(s).")
