"""Coding in Chromium: select text in the component, apply codes, and find exact offsets in the database."""

import time
import unicodedata

import pytest

from qualbench import codebook, coding, documents, store

from .support import passage_start, screenshot, select_passage, sign_in, wait_for_app

pytestmark = pytest.mark.browser

TRANSCRIPT = unicodedata.normalize("NFC", (
    "Interviewer: Can you say more about the form on the self-service screen?\n\n"
    "R: Så går vi på kontoret, og så siger hun: Ærligt talt, jeg forstår det ikke. Øh, det er jo MitID igen.\n\n"
    "Interviewer: And then?\n\n"
    "R: She sent me 👍🏽 and a 🎉 afterwards, and wrote q\u0303ok in the chat, which means fine.\n\n"
    "Interviewer: Thank you."))
CODER = "Browser Coder"


def _codings_now(db_path, coder, *, count, timeout=15):
    """The coder's codings once there are ``count`` of them (the app writes from its own process)."""
    deadline = time.time() + timeout
    while True:
        db = store.open_project(db_path, create=False)
        try:
            found = coding.codings(db, coder=coder) if store.rows(db, "SELECT 1 FROM coders WHERE name = ?", [coder]) else None
        finally:
            db.close()
        if found is not None and len(found) == count or time.time() > deadline:
            return found


def _open(page, server, doc_id, coder=CODER):
    page.goto(f"{server.url}/coding?document={doc_id}")
    wait_for_app(page)
    sign_in(page, coder)
    page.locator(".qb-turn").first.wait_for()


def _code_button(page, db_path, path):
    db = store.open_project(db_path, create=False)
    code_id = codebook.resolve(db, path)["id"]
    db.close()
    return page.locator(f".st-key-apply_{code_id} button").first


def _selected(page, start, end):
    page.get_by_text(f"({start}–{end})").first.wait_for()


def _select_and_see(page, needle, start, end):
    """Drag over ``needle`` until the page shows it as selected.

    On a busy machine the previous action's rerun can redraw the component while the mouse
    is dragging, and the drag is lost (as a researcher would see and simply drag again).
    """
    for attempt in range(3):
        wait_for_app(page)
        select_passage(page, needle)
        try:
            page.get_by_text(f"({start}–{end})").first.wait_for(timeout=10_000)
            return
        except Exception:
            if attempt == 2:
                raise


@pytest.fixture
def transcript(fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    doc_id = documents.import_bytes(db, TRANSCRIPT.encode("utf-8"), "unicode interview.txt", who="test", kind="interview").document_id
    text = documents.resolve(db, doc_id)["text"]
    db.close()
    return fresh_server, doc_id, text


@pytest.mark.parametrize("needle", [
    "Can you say more about the form",           # ASCII
    "Ærligt talt, jeg forstår det ikke",         # Danish letters
    "👍🏽 and a 🎉",                              # emoji with a skin-tone modifier (surrogate pairs)
    "q\u0303ok",                                   # a combining accent NFC cannot fold away
])
def test_a_selected_passage_is_coded_at_its_exact_offsets(page, transcript, needle):
    server, doc_id, text = transcript
    _open(page, server, doc_id)
    start = text.index(needle)
    end = start + len(needle)
    select_passage(page, needle)
    _selected(page, start, end)
    _code_button(page, server.db_path, "Cross-pressure").click()
    found = _codings_now(server.db_path, CODER, count=1)
    assert found is not None and len(found) == 1
    row = found.iloc[0]
    assert (int(row["start"]), int(row["end"])) == (start, end)
    assert row["excerpt"] == needle and row["code"] == "Cross-pressure"
    # the new coding is highlighted in place, with its bracket in the margin
    page.get_by_text("Coded with Cross-pressure.").wait_for()
    page.locator(".qb-bracket").first.wait_for()
    highlighted = page.evaluate("""() => [...document.querySelectorAll('.qb-seg[data-c]')].map(s => s.textContent).join('')""")
    assert highlighted == needle
    assert page.locator(".qb-bracket").count() == 1


def test_keyboard_selection_and_a_shortcut_key_code_a_passage(page, transcript):
    server, doc_id, text = transcript
    _open(page, server, doc_id)
    word = "Ærligt talt"
    start = text.index(word)
    x, y = passage_start(page, word)
    page.mouse.click(x, y)                     # the caret before "Ærligt"
    for _ in range(len(word)):
        page.keyboard.press("Shift+ArrowRight")
    _selected(page, start, start + len(word))
    page.keyboard.press("1")                   # a shortcut key of the sample codebook
    found = _codings_now(server.db_path, CODER, count=1)
    assert found is not None and len(found) == 1
    assert (int(found.iloc[0]["start"]), int(found.iloc[0]["end"])) == (start, start + len(word))
    db = store.open_project(server.db_path, create=False)
    assert found.iloc[0]["code"] == coding.code_for_shortcut(db, "1")["path"] == "Cross-pressure/Citizen expectations"
    db.close()


def test_overlapping_codings_are_all_visible_and_place_is_kept(page, transcript):
    server, doc_id, text = transcript
    _open(page, server, doc_id)
    passages = [("Så går vi på kontoret, og så siger hun: Ærligt talt", "Cross-pressure"),
                ("siger hun: Ærligt talt, jeg forstår det ikke", "Boundary confusion"),
                ("Ærligt talt", "Generalist knowledge")]
    for n, (needle, code) in enumerate(passages, start=1):
        _select_and_see(page, needle, text.index(needle), text.index(needle) + len(needle))
        _code_button(page, server.db_path, code).click()
        assert len(_codings_now(server.db_path, CODER, count=n)) == n
        page.get_by_text(f"Coded with {code}.").wait_for()
    turn = page.locator(".qb-turn", has_text="Ærligt talt")
    turn.locator(".qb-bracket").nth(2).wait_for()
    colours = turn.locator(".qb-bracket").evaluate_all("bs => bs.map(b => getComputedStyle(b).borderTopColor)")
    assert len(colours) == 3 and len(set(colours)) == 3  # three brackets, each in its code's colour
    lefts = turn.locator(".qb-bracket").evaluate_all("bs => bs.map(b => Math.round(b.getBoundingClientRect().left))")
    assert len(set(lefts)) == 3  # side by side in lanes, not on top of each other
    many = page.evaluate("""() => [...document.querySelectorAll('.qb-seg.qb-many')].map(s => s.textContent).join('')""")
    assert many == "Ærligt talt"  # the three codes' common words are marked as such
    screenshot(page, "coding_overlaps")


def test_clicking_a_highlight_lists_its_codings_then_remove_and_undo(page, transcript):
    server, doc_id, text = transcript
    _open(page, server, doc_id)
    needle = "Thank you"
    select_passage(page, needle)
    _selected(page, text.index(needle), text.index(needle) + len(needle))
    _code_button(page, server.db_path, "Cross-pressure").click()
    assert len(_codings_now(server.db_path, CODER, count=1)) == 1
    page.locator(".qb-seg[data-c]", has_text="Thank").click()
    page.get_by_role("button", name="Remove").wait_for()
    screenshot(page, "coding_inspector")
    page.get_by_role("button", name="Remove").click()
    assert len(_codings_now(server.db_path, CODER, count=0)) == 0
    page.get_by_text("Coding removed").wait_for()
    page.wait_for_function("() => document.querySelector('.qb-doc').dataset.codings === '0'")  # redrawn without it
    assert page.locator(".qb-seg[data-c]").count() == 0
    page.get_by_role("button", name="Undo: remove coding").click()
    restored = _codings_now(server.db_path, CODER, count=1)
    assert len(restored) == 1 and restored.iloc[0]["excerpt"] == needle
    page.locator(".qb-seg[data-c]", has_text="Thank").wait_for()


def test_coding_keeps_the_reader_s_place_in_a_long_document(page, fresh_server):
    db = store.open_project(fresh_server.db_path, create=False)
    turns = [f"{'Interviewer' if i % 2 == 0 else 'Lone'}: Tur nummer {i} handler om borgerens selvbetjening og MitID, igen og igen." for i in range(300)]
    doc_id = documents.import_bytes(db, "\n\n".join(turns).encode(), "long.txt", who="test").document_id
    text = documents.resolve(db, doc_id)["text"]
    db.close()
    _open(page, fresh_server, doc_id)
    needle = "Tur nummer 250 handler"
    select_passage(page, needle)
    _selected(page, text.index(needle), text.index(needle) + len(needle))
    before = page.evaluate("document.querySelector('.qb-scroll').scrollTop")
    assert before > 1000
    _code_button(page, fresh_server.db_path, "Cross-pressure").click()
    assert len(_codings_now(fresh_server.db_path, CODER, count=1)) == 1
    page.get_by_text("Coded with Cross-pressure.").wait_for()
    page.locator(".qb-seg[data-c]", has_text="Tur nummer 250").wait_for()
    after = page.evaluate("document.querySelector('.qb-scroll').scrollTop")
    assert abs(after - before) < 40
    # the passage Python holds stays painted after the rerun, ready for a second code
    assert page.evaluate("CSS.highlights.has('qb-held')")
