"""The project database: schema, migrations, connections and the change log.

A Qualbench project is one SQLite file, opened through sqlite-utils. The file
carries ``PRAGMA application_id`` (so a stray SQLite file is never mistaken for
a project) and its schema version in ``PRAGMA user_version``. Opening an older
project copies it to ``<name>.bak`` (SQLite's backup API) and migrates it forward;
opening a file that is not a Qualbench project raises :class:`NotAQualbenchDatabase`
and leaves the file untouched.

Several processes may share the file; see "opening" below for the rules that keep
that safe. Every change goes through :func:`record` inside ``with db.atomic():``
(which begins with ``BEGIN IMMEDIATE``) so that the change and its ``events`` row are
one transaction, and writers queue instead of failing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .errors import NotAQualbenchDatabase, QualbenchError, StoreProblem

APPLICATION_ID = 0x5142_4E43  # "QBNC"
SCHEMA_VERSION = 3
DOCUMENT_KINDS = ("interview", "observation", "fieldnote", "other")
CODER_ROLES = ("coder", "reviewer", "admin")
DEFAULT_DB = "workbench.db"


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


# Tables whose ids people and the change log refer to: an id once given is never given again
# (AUTOINCREMENT), so that an undo, a link or a script holding an old id can never reach
# someone else's newer row.
NEVER_REUSED = ("documents", "codes", "codings", "memos")
_ENTITY = {"documents": "document", "codes": "code", "codings": "coding", "memos": "memo"}


def _v3_ids_never_reused(db: sqlite_utils.Database) -> None:
    """Rebuild the tables of NEVER_REUSED with ``INTEGER PRIMARY KEY AUTOINCREMENT``.

    SQLite's 12-step table rebuild: a new table with the same columns, the rows copied,
    the old table dropped and the new one renamed, its indexes and triggers made again
    (migrate() runs this with foreign keys off, then checks them). The sequence starts
    after the highest id the table or the change log has ever seen, so ids given and
    deleted before the migration are not given again either.
    """
    for table in NEVER_REUSED:
        sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
        extras = [r[0] for r in db.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL", [table])]
        rebuilt, n = re.subn(r"\bid INTEGER PRIMARY KEY\b(?! AUTOINCREMENT)", "id INTEGER PRIMARY KEY AUTOINCREMENT", sql, count=1)
        if not n:
            continue
        rebuilt = re.sub(rf'^CREATE TABLE "?{table}"?', f'CREATE TABLE "{table}_rebuilt"', rebuilt)
        db.execute(rebuilt)
        db.execute(f'INSERT INTO "{table}_rebuilt" SELECT * FROM "{table}"')
        db.execute(f'DROP TABLE "{table}"')
        db.execute(f'ALTER TABLE "{table}_rebuilt" RENAME TO "{table}"')
        for statement in extras:
            db.execute(statement)
        seen = db.execute(f'SELECT max(ifnull((SELECT max(id) FROM "{table}"), 0), '
                          "ifnull((SELECT max(entity_id) FROM events WHERE entity = ?), 0))", [_ENTITY[table]]).fetchone()[0]
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, seen])
    db.execute("CREATE INDEX IF NOT EXISTS events_undoes ON events (undoes)")
    problems = db.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise QualbenchError(f"The project's links between tables are broken ({len(problems)} rows, e.g. {problems[0]}); "
                             "it was not migrated and is unchanged.")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    lambda db: db.executescript(_V1),  # 0 -> 1: documents, turns, codes, codings, memos, events
    _v2_fts,  # 1 -> 2: code shortcuts, saved views, project settings, full-text search
    _v3_ids_never_reused,  # 2 -> 3: ids of documents, codes, codings and memos never reused; index on events.undoes
]
assert len(MIGRATIONS) == SCHEMA_VERSION


# --- opening -------------------------------------------------------------------
#
# Several processes share one project file (the workbench server with its sessions, the
# CLI, scripts, a backup). SQLite's locks are POSIX advisory locks, and a process loses
# every lock it holds on a file the moment it closes *any* descriptor of that file. So
# this module never opens the project file with Python's own I/O and never opens a
# throwaway connection to look at it: what a file is (SQLite or not, Qualbench or not,
# which schema) is read through the very connection that is then kept, before anything
# is written. The .bak before a migration is made with SQLite's backup API, from that
# connection. (SQLite's own connections in one process share their locks, so a second
# connection of this process never drops the first one's.)


def _pragma(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


class ProjectDatabase(sqlite_utils.Database):
    """A sqlite-utils Database whose write transactions begin with ``BEGIN IMMEDIATE``.

    ``BEGIN IMMEDIATE`` takes the write lock at the start, so two processes (or two
    sessions) that write at once queue on the busy timeout instead of one failing with
    "database is locked" when its deferred read transaction tries to become a write.
    Nested ``atomic()`` blocks are savepoints, as in sqlite-utils. The connection is in
    autocommit mode (``isolation_level=None``): Python's sqlite3 never opens a hidden
    transaction, so a write outside ``atomic()`` commits at once and holds no lock.

    The connection may be shared between threads (Streamlit runs a session's scripts and
    its download callbacks on different threads): a re-entrant lock is held for the whole
    of a transaction, so another thread's transaction waits for it instead of being
    folded into it.
    """

    read_only = False  # opened read-only (a write-protected file, folder or disk): reading works, writing is refused

    def __init__(self, conn: sqlite3.Connection, **kwargs):
        self._transaction_lock = threading.RLock()
        super().__init__(conn, **kwargs)

    @contextlib.contextmanager
    def atomic(self):
        with self._transaction_lock:
            if self.conn.in_transaction:  # nested in this thread's own transaction: a savepoint
                with super().atomic():
                    yield self
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    @property
    def path(self) -> str:
        """The project file this connection is on ("" for an in-memory project)."""
        return self.conn.execute("PRAGMA database_list").fetchone()[2]


BUSY_TIMEOUT_SECONDS = 30


def connect(path: str | os.PathLike, *, read_only: bool = False, immutable: bool = False) -> ProjectDatabase:
    """A connection on ``path`` with foreign keys on, a 30 s busy timeout and autocommit.

    It changes nothing in the file: WAL mode and the schema are :func:`open_project`'s
    business, after it has checked what the file is. ``read_only`` opens it for reading
    only; ``immutable`` also tells SQLite that nobody writes it (a project on a read-only
    disk, where no other process can be writing either).
    """
    target, uri = str(path), False
    if read_only:
        target, uri = f"{Path(path).resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}", True
    conn = sqlite3.connect(target, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, uri=uri)
    db = ProjectDatabase(conn)
    db.read_only = read_only
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    return db


def _identity(db: ProjectDatabase, path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of schema objects), read through ``db`` itself."""
    try:
        return (_pragma(db.conn, "application_id"), _pragma(db.conn, "user_version"),
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "not a database" in str(exc):
            raise NotAQualbenchDatabase(f"{path} is not a Qualbench project (not an SQLite database); it was left unchanged.") from exc
        raise explain(exc, path=path) from exc


def backup_path(path: Path) -> Path:
    """Where the copy before a migration goes: ``<file>.bak``, or ``<file>.2.bak``... if taken (never overwritten)."""
    candidate, n = Path(f"{path}.bak"), 1
    while candidate.exists():
        n += 1
        candidate = Path(f"{path}.{n}.bak")
    return candidate


def backup(db: ProjectDatabase, target: str | os.PathLike) -> Path:
    """A consistent copy of the project in ``target`` (SQLite's backup API; safe while others write)."""
    target = Path(target)
    copy = sqlite3.connect(str(target))
    try:
        db.conn.backup(copy)
    finally:
        copy.close()
    return target


def open_project(path: str | os.PathLike | None = None, *, create: bool = True) -> ProjectDatabase:
    """Open (and, with ``create``, make) a project database and bring its schema up to date.

    A file that is not a Qualbench project is refused unchanged. A project written by
    an older version is first copied to ``<file>.bak`` (with the backup API); one from a
    newer version is refused. ``":memory:"`` gives a fresh in-memory project (tests).
    Open once and keep the connection: one per CLI run, one per browser session.
    """
    path = Path(path) if path is not None else default_db_path()
    if str(path) == ":memory:":
        db = connect(":memory:")
        migrate(db)
        return db
    exists = path.is_file() and path.stat().st_size > 0
    if not exists and not create:
        raise QualbenchError(f"No project at {path}. Create one with: python -m qualbench --db {path} init --sample")
    if path.is_dir():
        raise QualbenchError(f"{path} is a folder, not a project file.")
    if not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return _open_read_only(path)
    try:
        db = connect(path)
    except sqlite3.Error as exc:
        raise explain(exc, path=path) from exc
    try:
        app_id, version, objects = _identity(db, path)
        if app_id != APPLICATION_ID and objects > 0:
            raise NotAQualbenchDatabase(f"{path} is an SQLite database but not a Qualbench project; it was left unchanged.")
        if version > SCHEMA_VERSION:
            raise QualbenchError(
                f"{path} was written by a newer Qualbench (schema {version}, this one knows {SCHEMA_VERSION}); "
                "upgrade Qualbench to open it.")
        if 0 < version < SCHEMA_VERSION:
            backup(db, backup_path(path))
        if _pragma(db.conn, "journal_mode") != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        migrate(db)
    except sqlite3.Error as exc:
        db.close()
        raise explain(exc, path=path) from exc
    except BaseException:
        db.close()
        raise
    return db


def _open_read_only(path: Path) -> ProjectDatabase:
    """A write-protected project (file, folder or disk), opened for reading: pages and CLI
    commands that read work, a change is refused with a sentence saying the file is read-only."""
    db = None
    try:
        db = connect(path, read_only=True)
        try:
            app_id, version, objects = _identity(db, path)
        except StoreProblem:  # WAL without its -shm file, which a read-only folder cannot hold: nobody writes it
            db.close()
            db = connect(path, read_only=True, immutable=True)
            app_id, version, objects = _identity(db, path)
        if app_id != APPLICATION_ID and objects > 0:
            raise NotAQualbenchDatabase(f"{path} is an SQLite database but not a Qualbench project; it was left unchanged.")
        if version != SCHEMA_VERSION:
            newer = version > SCHEMA_VERSION
            raise QualbenchError(f"{path} is read-only and was written by {'a newer' if newer else 'an older'} Qualbench "
                                 f"(schema {version}, this one knows {SCHEMA_VERSION}), so it cannot be "
                                 f"{'read here; upgrade Qualbench' if newer else 'brought up to date; copy it to a folder you may write to'}.")
        db.execute("PRAGMA query_only = ON")
        return db
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        raise explain(exc, path=path) from exc
    except BaseException:
        if db is not None:
            db.close()
        raise


def migrate(db: sqlite_utils.Database, *, to: int = SCHEMA_VERSION) -> None:
    """Run the migrations from the database's version up to ``to``, each in one transaction.

    The version is read again inside each write transaction, so two processes opening an
    old project at once migrate it once.
    """
    if _pragma(db.conn, "user_version") >= to:
        return
    # Rebuilding a table drops the old one, which with foreign keys on would cascade into its
    # children; so migrations run with them off, and each checks them before it commits.
    foreign_keys = _pragma(db.conn, "foreign_keys")
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            with db.atomic():
                version = _pragma(db.conn, "user_version")
                if version >= to:
                    return
                if version == 0:
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                MIGRATIONS[version](db)
                db.execute(f"PRAGMA user_version = {version + 1}")
    finally:
        db.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


# --- database errors in words ------------------------------------------------------

_EXPLAINED = {
    "SQLITE_BUSY": "The project is busy: another program (a CLI command, a script, a backup or another session) "
                   "kept it locked for {timeout} seconds. Nothing was changed; try again in a moment.",
    "SQLITE_LOCKED": "The project is busy: another program (a CLI command, a script, a backup or another session) "
                     "kept it locked for {timeout} seconds. Nothing was changed; try again in a moment.",
    "SQLITE_FULL": "The disk holding the project is full, so the change was not saved (nothing was lost). "
                   "Free some space and try again.",
    "SQLITE_READONLY": "The project file {path} is read-only, so nothing can be changed in it. "
                       "Copy it to a folder you may write to, or ask for write permission.",
    "SQLITE_IOERR": "The project file {path} could not be read or written (a disk or file-system error: {detail}). "
                    "Nothing more was changed; check the disk, then reload the page.",
    "SQLITE_CORRUPT": "The project file {path} is damaged ({detail}). Stop using it and restore the latest backup.",
    "SQLITE_NOTADB": "{path} is not a Qualbench project (not an SQLite database); it was left unchanged.",
    "SQLITE_CANTOPEN": "The project file {path} cannot be opened (does its folder exist, and may you write to it?).",
    "SQLITE_PERM": "Permission to the project file {path} was refused.",
}


def explain(exc: sqlite3.Error, *, path: str | os.PathLike | None = None) -> QualbenchError:
    """A database error as one clear sentence (a :class:`StoreProblem`), for the UI and the CLI."""

    name = getattr(exc, "sqlite_errorname", "") or ""
    base = name.split("_")[0] + "_" + name.split("_")[1] if name.count("_") >= 2 else name  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    detail = str(exc)
    if not base:  # errors raised by the sqlite3 module itself carry no code
        lowered = detail.lower()
        base = next((code for code, words in (("SQLITE_BUSY", "locked"), ("SQLITE_FULL", "full"), ("SQLITE_READONLY", "readonly"),
                                              ("SQLITE_IOERR", "i/o"), ("SQLITE_CORRUPT", "malformed"),
                                              ("SQLITE_CANTOPEN", "unable to open")) if words in lowered), "")
    template = _EXPLAINED.get(base)
    where = str(path) if path else "the project file"
    if template is None:
        return StoreProblem(f"The project database reported an error ({detail}); nothing more was changed.")
    return StoreProblem(template.format(path=where, detail=detail, timeout=BUSY_TIMEOUT_SECONDS))


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


def refuse_project_file(db: sqlite_utils.Database, path: str | os.PathLike, *, what: str) -> None:
    """Refuse to read the project's own file as a document or codebook.

    Reading it with plain file I/O while this process holds a connection to it would drop
    the process's SQLite locks (see "opening" above); ``os.stat`` opens nothing.
    """
    own = getattr(db, "path", "") or ""
    try:
        same = bool(own) and os.path.samestat(os.stat(path), os.stat(own))
    except OSError:
        return
    if same:
        raise QualbenchError(f"{path} is this project's own file, not {what}.")


def state(db: sqlite_utils.Database) -> int:
    """A number that changes with every change to the project, by any process: the last ``events`` id.

    Every change writes its ``events`` row in the same transaction, so figures computed
    from the project can be cached on this number (ui/cache.py): a rerun that changed
    nothing recomputes nothing, and a coding made by the CLI invalidates the cache at once.
    """
    return db.execute("SELECT ifnull(max(id), 0) FROM events").fetchone()[0]


def later_change(db: sqlite_utils.Database, event: dict) -> dict | None:
    """The newest change to the same thing (entity and id) after ``event`` that still stands, if any.

    A change stands until an undo (or a refused undo) names it in ``undoes``; undo events
    themselves are not changes here. Undo uses this to refuse wiping out someone's later work.
    """
    found = rows(db, """
        SELECT e.who, e.at, e.action FROM events e
        WHERE e.entity = ? AND e.entity_id = ? AND e.id > ? AND e.undoes IS NULL
          AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undoes = e.id)
        ORDER BY e.id DESC LIMIT 1""", [event["entity"], event["entity_id"], event["id"]])
    return found[0] if found else None


def by_whom(change: dict | None) -> str:
    """" by Tobias Berg at 2026-12-01 10:14" for a change from :func:`later_change`, "" for none."""
    return f" by {change['who']} at {change['at'][:16].replace('T', ' ')}" if change else ""


def rows(db: sqlite_utils.Database, sql: str, params: list | tuple | dict = ()) -> list[dict]:
    """Run a query and return its rows as dicts."""
    cursor = db.execute(sql, params)
    cols = [c[0] for c in cursor.description]
    return [dict(zip(cols, values)) for values in cursor.fetchall()]


def ensure_coder(db: sqlite_utils.Database, name: str, *, role: str = "coder", who: str | None = None) -> str:
    """Make sure a coder exists (added with an event if new); returns the cleaned name."""
    from .names import clean_name

    if not " ".join((name or "").split()):
        raise QualbenchError("A coder needs a name.")
    clean = clean_name(name, what="The coder's name")  # no bidi or control characters: a name reads as what it is
    if role not in CODER_ROLES:
        raise QualbenchError(f"Unknown coder role {role!r}; use one of {', '.join(CODER_ROLES)}.")
    if rows(db, "SELECT 1 FROM coders WHERE name = ?", [clean]):
        return clean
    with db.atomic():  # looked up again inside the write transaction: another process may have added them
        if not rows(db, "SELECT 1 FROM coders WHERE name = ?", [clean]):
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
