"""The project database: schema, migrations, connections and the change log.

A Qualbench project is one SQLite file, opened through sqlite-utils. The file
carries ``PRAGMA application_id`` (so a stray SQLite file is never mistaken for
a project) and its schema version in ``PRAGMA user_version``. Opening an older
project copies it to ``<name>.bak`` and migrates it forward; opening a file that
is not a Qualbench project raises :class:`NotAQualbenchDatabase` and leaves the
file untouched.

Every change goes through :func:`record` inside ``with db.atomic():`` so that the
change and its ``events`` row are one transaction.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .errors import NotAQualbenchDatabase, QualbenchError

APPLICATION_ID = 0x5142_4E43  # "QBNC"
SCHEMA_VERSION = 2
DOCUMENT_KINDS = ("interview", "observation", "fieldnote", "other")
CODER_ROLES = ("coder", "reviewer", "admin")
DEFAULT_DB = "workbench.db"
SQLITE_HEADER = b"SQLite format 3\x00"


def default_db_path() -> Path:
    """``QUALBENCH_DB`` if set, else ``workbench.db`` in the working folder."""
    return Path(os.environ.get("QUALBENCH_DB") or DEFAULT_DB)


def now() -> str:
    """The current time as an ISO 8601 UTC string with seconds (how all times are stored)."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# --- schema --------------------------------------------------------------------
# Each migration brings a database from version i to i + 1. Never edit a released
# migration; add a new one and raise SCHEMA_VERSION.

_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other'
        CHECK (kind IN ('interview', 'observation', 'fieldnote', 'other')),
    text TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    source_name TEXT,
    source_format TEXT,
    imported_at TEXT NOT NULL,
    imported_by TEXT
);
CREATE TABLE document_attributes (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (document_id, name)
);
CREATE TABLE turns (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    "index" INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker TEXT,
    timestamp TEXT,
    PRIMARY KEY (document_id, "index"),
    CHECK (0 <= start AND start < "end")
);
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    parent_id INTEGER REFERENCES codes(id),
    color TEXT NOT NULL DEFAULT '#888888',
    description TEXT NOT NULL DEFAULT '',
    inclusion TEXT NOT NULL DEFAULT '',
    exclusion TEXT NOT NULL DEFAULT '',
    example TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX codes_sibling_name ON codes (ifnull(parent_id, 0), name);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    role TEXT NOT NULL DEFAULT 'coder' CHECK (role IN ('coder', 'reviewer', 'admin'))
);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    coder TEXT NOT NULL REFERENCES coders(name) ON UPDATE CASCADE,
    memo TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (0 <= start AND start < "end"),
    UNIQUE (document_id, code_id, start, "end", coder)
);
CREATE INDEX codings_document ON codings (document_id, start);
CREATE INDEX codings_code ON codings (code_id);
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('project', 'document', 'code', 'coding')),
    target_id INTEGER,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX memos_target ON memos (target_type, target_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before TEXT,
    after TEXT,
    undoes INTEGER REFERENCES events(id)
);
CREATE INDEX events_who ON events (who, id);
"""

_V2 = """
ALTER TABLE codes ADD COLUMN shortcut TEXT;
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE project (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _v2_fts(db: sqlite_utils.Database) -> None:
    db.executescript(_V2)
    # Diacritics are kept: in Danish "år" (year) and "ar" (scar) are different words.
    db["documents"].enable_fts(
        ["title", "text"], tokenize="unicode61 remove_diacritics 0", create_triggers=True
    )


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    lambda db: db.executescript(_V1),  # 0 -> 1: documents, turns, codes, codings, memos, events
    _v2_fts,  # 1 -> 2: code shortcuts, saved views, project settings, full-text search
]
assert len(MIGRATIONS) == SCHEMA_VERSION


# --- opening -------------------------------------------------------------------


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


def _inspect(path: Path) -> tuple[int, int, int] | None:
    """(application_id, user_version, table count) of an existing file, read-only."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise NotAQualbenchDatabase(f"{path} is not a Qualbench project (not an SQLite database); it was left unchanged.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            return _pragma(conn, "application_id"), _pragma(conn, "user_version"), tables
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotAQualbenchDatabase(f"{path} cannot be read as a Qualbench project ({exc}); it was left unchanged.") from exc


def connect(path: str | os.PathLike) -> sqlite_utils.Database:
    """A sqlite-utils Database on ``path`` with foreign keys on and WAL journaling.

    The connection may be used from another thread than the one that made it
    (Streamlit reruns a script in a worker thread), but never from two at once.
    """
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    if str(path) != ":memory:":
        db.enable_wal()
    return db


def open_project(path: str | os.PathLike | None = None, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and, with ``create``, make) a project database and bring its schema up to date.

    A file that is not a Qualbench project is refused unchanged. A project written by
    an older version is first copied to ``<file>.bak``; one from a newer version is
    refused. ``":memory:"`` gives a fresh in-memory project (tests).
    """
    path = Path(path) if path is not None else default_db_path()
    in_memory = str(path) == ":memory:"
    info = None if in_memory else _inspect(path)
    if info is None and not create:
        raise QualbenchError(f"No project at {path}. Create one with: python -m qualbench --db {path} init --sample")
    if info is not None:
        app_id, version, tables = info
        if app_id != APPLICATION_ID and tables > 0:
            raise NotAQualbenchDatabase(
                f"{path} is an SQLite database but not a Qualbench project; it was left unchanged."
            )
        if version > SCHEMA_VERSION:
            raise QualbenchError(
                f"{path} was written by a newer Qualbench (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade Qualbench to open it."
            )
        if 0 < version < SCHEMA_VERSION:
            shutil.copy2(path, f"{path}.bak")
    elif not in_memory:
        path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database, *, to: int = SCHEMA_VERSION) -> None:
    """Run the migrations from the database's version up to ``to``, each in one transaction."""
    version = _pragma(db.conn, "user_version")
    if version == 0:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    while version < to:
        with db.atomic():
            MIGRATIONS[version](db)
            version += 1
            db.execute(f"PRAGMA user_version = {version}")


def schema_version(db: sqlite_utils.Database) -> int:
    return _pragma(db.conn, "user_version")


# --- the change log ------------------------------------------------------------


def record(
    db: sqlite_utils.Database,
    *,
    who: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    before: object = None,
    after: object = None,
    undoes: int | None = None,
) -> int:
    """Append one ``events`` row; call it inside the ``db.atomic()`` block of the change."""
    if not db.conn.in_transaction:
        raise RuntimeError("store.record() must run inside the change's transaction (with db.atomic())")
    row = {
        "at": now(),
        "who": who or "unknown",
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
        "after": None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
        "undoes": undoes,
    }
    return db["events"].insert(row).last_pk


def events(db: sqlite_utils.Database, *, who: str | None = None, limit: int = 100) -> list[dict]:
    """The newest events first, with ``before``/``after`` decoded."""
    where, params = ("WHERE who = ?", [who]) if who else ("", [])
    rows = db.execute(f"SELECT * FROM events {where} ORDER BY id DESC LIMIT ?", [*params, limit])
    cols = [c[0] for c in rows.description]
    out = []
    for values in rows.fetchall():
        row = dict(zip(cols, values))
        for key in ("before", "after"):
            row[key] = None if row[key] is None else json.loads(row[key])
        out.append(row)
    return out


def rows(db: sqlite_utils.Database, sql: str, params: list | tuple | dict = ()) -> list[dict]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params)
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, values)) for values in cursor.fetchall()]


def ensure_coder(db: sqlite_utils.Database, name: str, *, role: str = "coder", who: str | None = None) -> str:
    """Make sure a coder exists (added with an event if new); returns the cleaned name."""
    clean = " ".join((name or "").split())
    if not clean:
        raise QualbenchError("A coder needs a name.")
    if role not in CODER_ROLES:
        raise QualbenchError(f"Unknown coder role {role!r}; use one of {', '.join(CODER_ROLES)}.")
    if not rows(db, "SELECT 1 FROM coders WHERE name = ?", [clean]):
        with db.atomic():
            pk = db["coders"].insert({"name": clean, "role": role}).last_pk
            record(db, who=who or clean, action="add", entity="coder", entity_id=pk, after={"name": clean, "role": role})
    return clean


def get_setting(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    found = rows(db, "SELECT value FROM project WHERE key = ?", [key])
    return found[0]["value"] if found else default


def set_setting(db: sqlite_utils.Database, key: str, value: str, *, who: str) -> None:
    with db.atomic():
        before = get_setting(db, key)
        db["project"].upsert({"key": key, "value": value}, pk="key")
        record(db, who=who, action="set", entity="project", before={key: before}, after={key: value})
