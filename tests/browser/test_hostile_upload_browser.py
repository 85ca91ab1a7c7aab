"""Issue 19 in Chromium: a damaged file between two good ones in one upload on the Documents page.

Before, the damaged .odt (a bad CRC inside its archive) raised out of the import and
the page showed "Something went wrong"; the good file after it was never imported.
"""

import io
import zipfile

import pytest

from .support import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def damaged_odt(source: bytes) -> bytes:
    """The fixture .odt with a wrong CRC for content.xml in its directory: it opens, but reading it fails."""
    original = zipfile.ZipFile(io.BytesIO(source))
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    for info in original.infolist():
        archive.writestr(info.filename, original.read(info))
    archive.getinfo("content.xml").CRC ^= 0xFFFF
    archive.close()
    return buffer.getvalue()


def test_a_damaged_odt_between_two_good_files_gets_its_message_and_both_good_files_are_imported(page, fresh_server, tmp_path):
    from qualbench import documents, store

    from ..conftest import DATA

    good1 = DATA / "interview.docx"
    bad = tmp_path / "damaged.odt"
    bad.write_bytes(damaged_odt((DATA / "interview.odt").read_bytes()))
    good2 = tmp_path / "notat.txt"
    good2.write_text("Kl. 10.05 kommer en borger ind.\n\nHun vil have hjælp til Digital Post.", encoding="utf-8")

    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    page.get_by_text("Import documents").click()
    page.locator('input[type="file"]').set_input_files([str(good1), str(bad), str(good2)])
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    page.get_by_text("notat.txt: imported").wait_for()
    assert page.get_by_text("interview.docx: imported").count() == 1
    failure = page.get_by_text("damaged.odt: the OpenDocument (.odt) file is damaged and cannot be read (content.xml fails its checksum")
    assert failure.count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Something went wrong").count() == 0
    screenshot(page, "documents_upload_with_a_damaged_file")

    db = store.open_project(fresh_server.db_path, create=False)
    try:
        sources = set(documents.list_documents(db)["source_name"])
    finally:
        db.close()
    assert {"interview.docx", "notat.txt"} <= sources and "damaged.odt" not in sources
