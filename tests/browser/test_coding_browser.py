"""The coding page in Chromium: a passage link lands on the passage; coded text with markup runs nothing."""

import pytest

from qualbench import coding, codebook, documents, store

from .support import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_a_passage_link_lands_on_the_highlighted_passage(page, app_server):
    db = store.open_project(app_server.db_path, create=False)
    doc = documents.resolve(db, "Interview: digital ambassador, Borgerservice Havnstrup")
    offset = doc["text"].index("Det er en slags bordtennis")
    page.goto(app_server.url + coding.passage_link(doc["id"], offset))
    wait_for_app(page)
    focused = page.locator(".qb-turn.qb-focus").first
    focused.wait_for()
    assert "Det er en slags bordtennis, hvor borgeren er bolden." in focused.inner_text()
    assert focused.locator(".qb-seg").count() >= 1  # the coded words are highlighted
    screenshot(page, "coding_passage")


def test_markup_in_coded_text_is_shown_not_run(page, fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    text = "Interviewer: <img src=x onerror=\"window.__pwned=1\"> hej\n\nR: <script>window.__pwned=2</script> æøå 👍🏽\n\nInterviewer: ok"
    doc = documents.import_bytes(db, text.encode(), "markup.txt", who="t").document_id
    stored = documents.resolve(db, doc)["text"]
    start = stored.index("<script>")
    coding.apply(db, doc, "Cross-pressure", start, start + len("<script>window.__pwned=2</script> æøå 👍🏽"), coder="Signe Holm")
    page.goto(fresh_server.url + coding.passage_link(doc, start))
    wait_for_app(page)
    page.locator(".qb-turn.qb-focus").first.wait_for()
    assert "<script>window.__pwned=2</script> æøå 👍🏽" in page.locator(".qb-turn.qb-focus").first.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator('.qb-turn img').count() == 0
