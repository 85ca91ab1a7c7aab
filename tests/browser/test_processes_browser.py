"""The workbench in Chromium beside the CLI (issue 12): a CLI run must not break the server's hold
on the project file, and a coding made in the browser afterwards is seen by the CLI."""

import csv
import io
import re
from pathlib import Path

import pytest

from qualbench import codebook, store

from ..process.test_store_processes import cli
from .support import screenshot, select_passage, sign_in, wait_for_app

pytestmark = pytest.mark.browser
CODER = "Beside The Cli"


def test_the_workbench_keeps_working_beside_the_cli(page, browser, fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    doc = store.rows(db, "SELECT id, text FROM documents ORDER BY id LIMIT 1")[0]
    code_id = codebook.resolve(db, "Cross-pressure")["id"]
    db.close()
    words = re.search(r"\w{4,} \w{4,} \w{4,}", doc["text"])
    needle = words.group(0)

    page.goto(f"{fresh_server.url}/coding?document={doc['id']}")
    wait_for_app(page)
    sign_in(page, CODER)
    page.locator(".qb-turn").first.wait_for()
    # a colleague's session opens beside the first one (the server holds a connection for each)
    colleague = browser.new_context(viewport={"width": 1200, "height": 900})
    other = colleague.new_page()
    other.goto(f"{fresh_server.url}/documents")
    wait_for_app(other)
    other.goto(f"{fresh_server.url}/")
    wait_for_app(other)
    wal = Path(f"{fresh_server.db_path}-wal")
    for args in (["documents"], ["codings", "--format", "csv"], ["documents", "--format", "csv"]):
        cli(fresh_server.db_path, *args)  # read-only commands beside the running server
        assert wal.exists(), "a CLI run removed the server's write-ahead log"
    # the page still works: a rerun (choosing the document again) and then coding
    page.goto(f"{fresh_server.url}/coding?document={doc['id']}")
    wait_for_app(page)
    sign_in(page, CODER)
    page.locator(".qb-turn").first.wait_for()
    select_passage(page, needle)
    page.get_by_text(f"({words.start()}–{words.end()})").first.wait_for()
    page.locator(f".st-key-apply_{code_id} button").first.click()
    wait_for_app(page)
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "disk I/O error" not in text and "Traceback" not in text
    screenshot(page, "coding_beside_the_cli")
    # the CLI sees the browser's coding (the server writes into the log every process shares)
    for _ in range(20):
        rows = list(csv.DictReader(io.StringIO(cli(fresh_server.db_path, "codings", "--coder", CODER, "--format", "csv").stdout)))
        if rows:
            break
        page.wait_for_timeout(250)
    assert [(int(r["start"]), int(r["end"]), r["excerpt"]) for r in rows] == [(words.start(), words.end(), needle)]
    colleague.close()
