"""Every page of the workbench loads in Chromium without an error; screenshots to look at."""

import re

import pytest

from .support import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def nav_links(page):
    return page.locator('[data-testid="stSidebarNav"] a')


def test_every_page_loads(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    links = nav_links(page)
    names = [links.nth(i).inner_text().strip() for i in range(links.count())]
    assert "Overview" in names and "Documents" in names
    for i, name in enumerate(names):
        nav_links(page).nth(i).click()
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        screenshot(page, "page_" + re.sub(r"\W+", "_", name.lower()))


def test_documents_upload_read_and_delete(page, fresh_server, tmp_path):
    from ..conftest import DATA

    (tmp_path / "broken.docx").write_bytes(b"this is not a zip")
    (tmp_path / "notat.txt").write_bytes("Kl. 10.05 kommer en borger.\r\n\r\nHun vil have hjælp til MitID.".encode("cp1252"))
    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    page.get_by_text("Import documents").click()
    page.locator('input[type="file"]').set_input_files([str(DATA / "interview.docx"), str(tmp_path / "broken.docx"), str(tmp_path / "notat.txt")])
    page.get_by_role("button", name="Import", exact=True).click()
    wait_for_app(page)
    page.get_by_text("notat.txt: imported").wait_for()
    assert page.get_by_text("broken.docx: not a Word (.docx) file").count() == 1
    assert page.get_by_text("interview.docx: imported").count() == 1
    screenshot(page, "documents_import")

    page.get_by_label("Open a document").click()  # the selectbox
    page.get_by_role("option", name="notat").click()
    wait_for_app(page)
    page.get_by_text("Hun vil have hjælp til MitID.").wait_for()
    screenshot(page, "documents_reader")
    page.get_by_role("tab", name="Attributes and details").click()
    page.get_by_text("Yes, delete “notat”").click()
    page.get_by_role("button", name="Delete document").click()
    wait_for_app(page)
    page.get_by_text("Deleted “notat”").wait_for()
