"""The project database: schema, versions, refusal of foreign files, events in the same transaction."""

import builtins
import sqlite3
import threading
import time

import pytest

from qualbench import documents, store
from qualbench.errors import NotAQualbenchDatabase, QualbenchError

DESIGN_COLUMNS = {
    "documents": {"id", "title", "kind", "text", "sha256", "source_name", "source_format", "imported_at", "imported_by"},
    "document_attributes": {"document_id", "name", "value"},
    "turns": {"document_id", "index", "start", "end", "speaker", "timestamp"},
    "codes": {"id", "name", "parent_id", "color", "description", "inclusion", "exclusion", "example", "position"},
    "codings": {"id", "document_id", "code_id", "start", "end", "coder", "memo", "created_at"},
    "memos": set(), "coders": {"name", "role"}, "events": {"who", "at", "action", "before", "after"}, "saved_views": {"name"},
}


def test_schema_has_the_design_tables_and_columns(db):
    for table, columns in DESIGN_COLUMNS.items():
        assert table in db.table_names()
        assert columns <= set(db[table].columns_dict), table
    assert "documents_fts" in db.table_names()


def test_foreign_keys_wal_and_identity(tmp_path):
    db = store.open_project(tmp_path / "p.db")
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA application_id").fetchone()[0] == store.APPLICATION_ID
    assert store.schema_version(db) == store.SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError):
        db["turns"].insert({"document_id": 999, "index": 0, "start": 0, "end": 1})


def test_a_file_that_is_not_a_project_is_refused_unchanged(tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_bytes(b"just some notes, not a database")
    with pytest.raises(NotAQualbenchDatabase, match="not a Qualbench project"):
        store.open_project(text_file)
    assert text_file.read_bytes() == b"just some notes, not a database"

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotAQualbenchDatabase, match="SQLite database but not a Qualbench project"):
        store.open_project(other)
    assert other.read_bytes() == before


def test_an_older_project_is_backed_up_and_migrated(tmp_path):
    path = tmp_path / "old.db"
    old = store.connect(path)
    store.migrate(old, to=1)  # a project as version 1 wrote it
    old["documents"].insert({"title": "Gammel note", "kind": "fieldnote", "text": "Før migreringen.", "sha256": "x",
                             "imported_at": "2026-01-01T00:00:00+00:00"})
    old.close()
    db = store.open_project(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    # the .bak is the project as it was, made with SQLite's backup API (so not a byte copy)
    bak = sqlite3.connect(tmp_path / "old.db.bak")
    assert bak.execute("PRAGMA user_version").fetchone()[0] == 1
    assert bak.execute("SELECT title FROM documents").fetchall() == [("Gammel note",)]
    bak.close()
    assert store.rows(db, "SELECT title FROM documents") == [{"title": "Gammel note"}]
    assert "shortcut" in db["codes"].columns_dict
    # the full-text index of v2 covers rows written before it existed
    assert store.rows(db, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'migreringen'") == [{"rowid": 1}]


def test_a_project_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = store.open_project(path)
    db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(QualbenchError, match="newer Qualbench"):
        store.open_project(path)


def test_record_outside_a_transaction_is_a_bug(db):
    with pytest.raises(RuntimeError):
        store.record(db, who="x", action="add", entity="code")


def test_a_failed_change_leaves_neither_row_nor_event(db):
    count = db["events"].count
    with pytest.raises(ZeroDivisionError):
        with db.atomic():
            db["coders"].insert({"name": "Ada", "role": "coder"})
            store.record(db, who="Ada", action="add", entity="coder")
            1 / 0
    assert db["coders"].count == 0 and db["events"].count == count


def test_change_and_event_are_written_together(db):
    documents.import_bytes(db, "Interviewer: Hej?\n\nLone: Hej.\n\nInterviewer: Ja?".encode(), "a.txt", who="Signe")
    event = store.events(db)[0]
    assert (event["who"], event["action"], event["entity"], event["entity_id"]) == ("Signe", "import", "document", 1)
    assert event["after"]["turns"] == 3


def test_ensure_coder_cleans_and_refuses_empty(db):
    assert store.ensure_coder(db, "  Signe   Holm ") == "Signe Holm"
    assert store.ensure_coder(db, "Signe Holm") == "Signe Holm"
    assert db["coders"].count == 1
    with pytest.raises(QualbenchError):
        store.ensure_coder(db, "   ")


def test_two_connections_see_each_others_writes(tmp_path):
    path = tmp_path / "shared.db"
    writer = store.open_project(path)
    reader = store.open_project(path)
    store.ensure_coder(writer, "Tobias Berg")
    assert store.rows(reader, "SELECT name FROM coders") == [{"name": "Tobias Berg"}]


def test_opening_a_project_never_opens_its_file_with_python_io(tmp_path, monkeypatch):
    """Closing any descriptor of the file drops the process's SQLite locks (DESIGN.md, "Data model")."""
    path = tmp_path / "p.db"
    store.open_project(path).close()
    opened = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr("io.open", spy)
    held = store.open_project(path)
    again = store.open_project(path, create=False)
    again.close()
    held.close()
    assert not [f for f in opened if f.startswith(str(path))]


def test_a_second_backup_before_migration_never_overwrites_the_first(tmp_path):
    path = tmp_path / "old.db"
    (tmp_path / "old.db.bak").write_text("an earlier backup")
    old = store.connect(path)
    store.migrate(old, to=1)
    old.close()
    store.open_project(path).close()
    assert (tmp_path / "old.db.bak").read_text() == "an earlier backup"
    assert sqlite3.connect(tmp_path / "old.db.2.bak").execute("PRAGMA user_version").fetchone()[0] == 1


def test_write_transactions_begin_immediate_and_queue(tmp_path):
    """A writer that finds another's transaction open waits for it instead of failing."""
    path = tmp_path / "p.db"
    first, second = store.open_project(path), store.open_project(path)
    statements = []
    second.conn.set_trace_callback(statements.append)
    done = []

    def other_writer():
        store.ensure_coder(second, "Tobias Berg")
        done.append(time.monotonic())

    with first.atomic():
        store.ensure_coder(first, "Signe Holm")
        worker = threading.Thread(target=other_writer)
        worker.start()
        time.sleep(0.5)
        assert not done  # waiting on the busy timeout, not failed
        held_until = time.monotonic()
    worker.join(10)
    assert done and done[0] >= held_until
    assert "BEGIN IMMEDIATE" in statements
    assert {r["name"] for r in store.rows(first, "SELECT name FROM coders")} == {"Signe Holm", "Tobias Berg"}


def test_one_connection_shared_by_threads_keeps_their_transactions_apart(tmp_path):
    """Streamlit's download callbacks run on another thread than the session's script."""
    db = store.open_project(tmp_path / "p.db")
    inside = threading.Event()
    release = threading.Event()

    def long_change():
        with db.atomic():
            db["coders"].insert({"name": "Signe Holm", "role": "coder"})
            inside.set()
            release.wait(5)
            raise RuntimeError("this change is rolled back")

    worker = threading.Thread(target=lambda: pytest.raises(RuntimeError, long_change))
    worker.start()
    inside.wait(5)
    finished = []
    other = threading.Thread(target=lambda: (store.ensure_coder(db, "Tobias Berg"), finished.append(True)))
    other.start()
    time.sleep(0.3)
    assert not finished  # not folded into the first thread's transaction as a savepoint
    release.set()
    worker.join(5)
    other.join(5)
    assert [r["name"] for r in store.rows(db, "SELECT name FROM coders")] == ["Tobias Berg"]


def test_database_errors_become_one_clear_sentence():
    from qualbench.errors import StoreProblem

    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorname = "SQLITE_BUSY"
    assert isinstance(store.explain(busy), StoreProblem)
    assert "busy" in str(store.explain(busy)) and "Nothing was changed" in str(store.explain(busy))
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"
    assert "disk holding the project is full" in str(store.explain(full))
    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorname = "SQLITE_IOERR_WRITE"
    assert "could not be read or written" in str(store.explain(io, path="p.db"))
    assert "read-only" in str(store.explain(sqlite3.OperationalError("attempt to write a readonly database")))


def test_a_read_only_database_error_is_explained(tmp_path):
    path = tmp_path / "p.db"
    store.open_project(path).close()
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("CREATE TABLE x (y)")
    conn.close()
    assert "read-only" in str(store.explain(caught.value, path=path))


def test_a_foreign_wal_database_is_refused_without_files_beside_it(tmp_path):
    other = tmp_path / "birds.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE birds (name TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(NotAQualbenchDatabase):
        store.open_project(other)
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["birds.sqlite"]


def test_ids_are_never_given_again(db):
    """Ids of documents, codes, codings and memos are AUTOINCREMENT (issue 19): a deleted id stays gone."""
    for table in store.NEVER_REUSED:
        sql = store.rows(db, "SELECT sql FROM sqlite_master WHERE name = ?", [table])[0]["sql"]
        assert "AUTOINCREMENT" in sql, table
    a = db["coders"].insert({"name": "Ann", "role": "coder"})
    doc = documents.import_bytes(db, "Lone: Hej.\n\nAmir: Hej selv.\n\nLone: Ja.".encode(), "a.txt", who="t").document_id
    documents.delete_document(db, doc, who="t")
    again = documents.import_bytes(db, "En anden note.".encode(), "b.txt", who="t").document_id
    assert again > doc


def test_migrating_to_never_reused_ids_keeps_rows_links_and_search(tmp_path):
    path = tmp_path / "v2.db"
    old = store.connect(path)
    store.migrate(old, to=2)
    with old.atomic():
        old["documents"].insert({"id": 1, "title": "Note", "kind": "fieldnote", "text": "Borgeren ringer om MitID.", "sha256": "a",
                                 "imported_at": "2026-01-01T00:00:00+00:00"})
        old["turns"].insert({"document_id": 1, "index": 0, "start": 0, "end": 25})
        old["codes"].insert({"id": 1, "name": "Cross-pressure", "shortcut": "1"})
        old["coders"].insert({"name": "Ann", "role": "coder"})
        old["codings"].insert({"id": 3, "document_id": 1, "code_id": 1, "start": 0, "end": 8, "coder": "Ann", "created_at": "x"})
        # coding 9 was made and removed before the migration: the change log remembers it
        store.record(old, who="Ann", action="remove", entity="coding", entity_id=9, before={"id": 9})
    old.close()
    db = store.open_project(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert store.rows(db, "SELECT id, code_id, start FROM codings") == [{"id": 3, "code_id": 1, "start": 0}]
    assert store.rows(db, "SELECT shortcut FROM codes") == [{"shortcut": "1"}]
    assert store.rows(db, "SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'mitid'") == [{"rowid": 1}]
    new_id = db["codings"].insert({"document_id": 1, "code_id": 1, "start": 9, "end": 15, "coder": "Ann", "created_at": "y"}).last_pk
    assert new_id == 10  # after the highest id the change log has seen, not 4 or 9
    db.execute("DELETE FROM documents WHERE id = 1")  # the links still cascade
    assert store.rows(db, "SELECT count(*) AS n FROM codings")[0]["n"] == 0
    assert store.rows(db, "SELECT count(*) AS n FROM turns")[0]["n"] == 0
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_coder_names_and_titles_cannot_spoof_with_direction_controls(db):
    """A right-to-left override makes a name display as another (issue 19); qualbench/names.py refuses it."""
    with pytest.raises(QualbenchError, match="text-direction control"):
        store.ensure_coder(db, "Signe \u202eHolm")
    doc = documents.import_bytes(db, "Noter fra skranken.".encode(), "note\u202etxt.md", who="t").document_id
    assert documents.resolve(db, doc)["title"] == "notetxt"  # from a file name: the control is dropped
    with pytest.raises(QualbenchError, match="text-direction control"):
        documents.update_document(db, doc, who="t", title="Interview \u202eweivretni")


def test_the_project_file_itself_is_never_read_as_a_document_or_codebook(tmp_path):
    """Reading it with plain I/O would drop this process's locks on it; it is refused before it is opened."""
    from qualbench import codebook

    path = tmp_path / "project.txt"  # a project file under a name an importer would take
    db = store.open_project(path)
    with pytest.raises(QualbenchError, match="this project's own file"):
        documents.import_path(db, path, who="t")
    with pytest.raises(QualbenchError, match="this project's own file"):
        codebook.load(db, path, who="t")
