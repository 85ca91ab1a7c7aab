"""The project database: schema, versions, refusal of foreign files, events in the same transaction."""

import shutil
import sqlite3

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
    old_bytes = path.read_bytes()
    db = store.open_project(path)
    assert store.schema_version(db) == store.SCHEMA_VERSION
    assert (tmp_path / "old.db.bak").read_bytes() == old_bytes
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
    shutil.copy(path, tmp_path / "copy.db")
