"""Every page of the workbench loads in Chromium without an error; screenshots to look at."""

import re

import pytest

from .support import choose, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def nav_links(page):
    return page.locator('[data-testid="stSidebarNav"] a')


def test_every_page_loads(page, app_server):
    page.goto(app_server.url)
    wait_for_app(page)
    links = nav_links(page)
    names = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
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

    choose(page, "Open a document", "notat")
    page.get_by_text("Hun vil have hjælp til MitID.").wait_for()
    screenshot(page, "documents_reader")
    page.get_by_role("tab", name="Attributes and details").click()
    page.get_by_text("Yes, delete “notat”").click()
    page.get_by_role("button", name="Delete document").click()
    wait_for_app(page)
    page.get_by_text("Deleted “notat”").wait_for()


def test_sign_in_and_undo_from_the_sidebar(page, fresh_server):
    from qualbench import documents, store

    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    choose(page, "Who is coding?", "Someone else")
    page.get_by_label("Your name").fill("Karen Østergaard")
    page.get_by_label("Your name").press("Enter")
    wait_for_app(page)
    choose(page, "Open a document", "Observation: a day at the counter")
    page.get_by_role("tab", name="Attributes and details").click()
    page.get_by_test_id("stForm").get_by_label("site").fill("Et andet sted")
    page.get_by_role("button", name="Save").click()
    wait_for_app(page)
    db = store.open_project(fresh_server.db_path, create=False)
    doc_id = documents.resolve(db, "Observation: a day at the counter, Borgerservice Havnstrup")["id"]
    assert documents.attributes_by_document(db)[doc_id]["site"] == "Et andet sted"
    assert store.events(db, limit=1)[0]["who"] == "Karen Østergaard"
    page.get_by_role("button", name="Undo: set-attributes document").click()
    wait_for_app(page)
    page.get_by_text("Undone: restored the document's attributes").wait_for()
    assert documents.attributes_by_document(db)[doc_id]["site"] == "Borgerservice Havnstrup"
    screenshot(page, "sidebar_after_undo")


def test_a_deep_link_on_a_fresh_server_runs_through_the_workbench(page, fresh_server):
    """The first request goes straight to a page URL: it must still get workbench.py (sidebar, wide layout)."""
    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    assert page.get_by_role("heading", name="Documents").count() >= 1
    assert page.get_by_label("Who is coding?").count() == 1
    names = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [n.strip().splitlines()[-1] for n in names][:2] == ["Overview", "Documents"]


def test_hostile_text_renders_as_text_and_runs_nothing(page, fresh_server):
    from qualbench import documents, store

    db = store.open_project(fresh_server.db_path, create=False)
    hostile = ("Interviewer: <script>window.__pwned = 1</script> hvad så?\n\n"
               "R: <img src=x onerror=\"window.__pwned = 2\"> **ikke fed** [et link](javascript:alert(1))\n\n"
               "Interviewer: <b>tak</b>")
    documents.import_bytes(db, hostile.encode(), "fjendtlig.txt", who="test")
    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    choose(page, "Open a document", "fjendtlig")
    page.get_by_text("<script>window.__pwned = 1</script> hvad så?").wait_for()
    assert page.get_by_text('<img src=x onerror="window.__pwned = 2">', exact=False).count() == 1
    assert page.get_by_text("**ikke fed** [et link](javascript:alert(1))").count() == 1
    assert page.evaluate("window.__pwned") is None
    assert page.locator('[data-testid="stMainBlockContainer"] img[src="x"]').count() == 0
    screenshot(page, "reader_hostile_text")


def test_an_upload_over_the_limit_is_refused_in_the_page(page, fresh_server, tmp_path):
    from qualbench import store

    before = store.open_project(fresh_server.db_path, create=False)["documents"].count
    big = tmp_path / "for_stor.txt"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)  # one MB over the 50 MB limit
    page.goto(fresh_server.url + "/documents")
    wait_for_app(page)
    page.get_by_text("Import documents").click()
    page.locator('input[type="file"]').set_input_files(str(big))
    page.get_by_text("must be 50.0MB or smaller").wait_for()  # Streamlit's own check, before anything is sent
    assert "for_stor.txt" in page.locator('[data-testid="stFileUploader"]').inner_text()
    screenshot(page, "upload_too_large")
    assert page.get_by_role("button", name="Import", exact=True).is_disabled()
    assert store.open_project(fresh_server.db_path, create=False)["documents"].count == before
