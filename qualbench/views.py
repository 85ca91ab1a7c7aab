"""Saved views: named chart settings a PI saves and anyone reopens on the data as they are now."""

from __future__ import annotations

import json

import pandas as pd
import sqlite_utils

from . import codebook, store
from .errors import NotFound, QualbenchError


def save(db: sqlite_utils.Database, name: str, *, kind: str, settings: dict, who: str) -> None:
    """Save (or replace) a named view; one event."""
    name = " ".join((name or "").split())
    if not name:
        raise QualbenchError("A saved view needs a name.")
    before = store.rows(db, "SELECT * FROM saved_views WHERE name = ?", [name])
    row = {"name": name, "kind": kind, "settings": json.dumps(settings, ensure_ascii=False, sort_keys=True),
           "created_by": who, "created_at": store.now()}
    with db.atomic():
        db.execute("DELETE FROM saved_views WHERE name = ?", [name])
        view_id = db["saved_views"].insert(row).last_pk
        store.record(db, who=who, action="save", entity="view", entity_id=view_id, before=before[0] if before else None, after=row)


def listing(db: sqlite_utils.Database) -> pd.DataFrame:
    return pd.DataFrame(store.rows(db, "SELECT name, kind, created_by, created_at FROM saved_views ORDER BY name"),
                        columns=["name", "kind", "created_by", "created_at"])


def open_view(db: sqlite_utils.Database, name: str) -> tuple[dict, dict, list[str]]:
    """(view row, settings that still fit, problems): what no longer exists is dropped and named."""
    found = store.rows(db, "SELECT * FROM saved_views WHERE name = ?", [name])
    if not found:
        raise NotFound(f"No saved view “{name}”.")
    view = found[0]
    settings = json.loads(view["settings"])
    problems = []
    coders = {r["name"] for r in store.rows(db, "SELECT name FROM coders")}
    gone = [c for c in settings.get("coders", []) if c not in coders]
    if gone:
        problems.append(f"coder(s) {', '.join(gone)} no longer in the project; shown for the others")
        settings["coders"] = [c for c in settings["coders"] if c in coders]
    attributes = {r["name"] for r in store.rows(db, "SELECT DISTINCT name FROM document_attributes")}
    for name_ in [a for a in settings.get("attributes", {}) if a not in attributes]:
        problems.append(f"attribute {name_} is no longer on any document; its filter is dropped")
        settings["attributes"].pop(name_)
    paths = set(codebook.paths(db).values())
    cell = settings.get("cell")
    if cell and not all(p in paths for p in cell):
        problems.append(f"the selected cell {cell[0]} × {cell[1]} names a code that was merged, renamed or deleted")
        settings.pop("cell")
    return view, settings, problems
