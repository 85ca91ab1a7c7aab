"""A database error on a page is one clear sentence, never a traceback (issue 12)."""

import sqlite3

from qualbench import store

from .test_codebook_page import button, choose, open_page


def test_a_write_while_another_program_holds_the_project_says_it_is_busy(app, sample_path, monkeypatch):
    monkeypatch.setattr(store, "BUSY_TIMEOUT_SECONDS", 1)  # the page's own connection waits 1 s, not 30
    open_page(app, sample_path)
    code = choose(app, sample_path, "Unlearning")
    app.text_area(key=f"cb_description_{code['id']}").set_value("Changed while the CLI held the file.")
    other = sqlite3.connect(sample_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        button(app, "Save").click().run()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not app.exception
    assert any("The project is busy" in e.value for e in app.error), [e.value for e in app.error]
    # nothing was half-saved, and the page works once the other writer is done
    assert store.rows(store.open_project(sample_path, create=False), "SELECT description FROM codes WHERE id = ?",
                      [code["id"]])[0]["description"] != "Changed while the CLI held the file."


def test_an_unexpected_error_on_a_page_is_a_sentence_not_a_traceback(app, monkeypatch):
    """workbench.py runs every page inside widgets.page_guard (the first run shows the Overview)."""
    from qualbench import documents

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(documents, "table", broken)
    app.run()
    assert not app.exception
    assert any("Something went wrong on this page" in e.value for e in app.error), [e.value for e in app.error]


def test_a_database_error_while_a_page_reads_is_a_sentence(app, monkeypatch):
    from qualbench import documents

    def failing(*args, **kwargs):
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorname = "SQLITE_IOERR_READ"
        raise error

    monkeypatch.setattr(documents, "table", failing)
    app.run()
    assert not app.exception
    assert any("could not be read or written" in e.value for e in app.error), [e.value for e in app.error]
