"""Hostile names and text on every page, a plain page load, and a rebound host name, in Chromium (issue 19).

A project (the sample plus tests/hostile.py) whose document title and text, coder, code,
attribute, saved view, memo and project name carry Markdown, HTML, links and remote images
pointing at tracker.invalid. Every page is visited with Playwright recording each request:
none may leave for another machine, no ``<img>`` or ``<a href>`` may come from user text,
and the hostile text reads exactly as stored where the page shows it.
"""

import re
import shutil
from urllib.parse import urlsplit

import pytest

from qualbench import codebook, documents, store

from .. import hostile
from .conftest import CHROMIUM, CHROMIUM_ARGS, AppServer
from .support import choose, screenshot, wait_for_app

pytestmark = pytest.mark.browser

LOCAL = {"127.0.0.1", "localhost"}
REBOUND = "attacker.example"  # a name the test's Chromium resolves to 127.0.0.1, as a DNS-rebinding page makes it


def _foreign(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL]


def _no_user_links_or_images(page) -> None:
    images = page.eval_on_selector_all("img", "es => es.map(e => e.src)")
    links = page.eval_on_selector_all("a[href]", "es => es.map(e => e.href)")
    assert _foreign(images) == [] and _foreign(links) == []
    assert page.locator(f"img[src*='{hostile.HOST}'], a[href*='{hostile.HOST}'], a[href^='mailto:']").count() == 0


def _text(page, selector: str) -> str:
    found = page.locator(selector).first
    found.wait_for()  # visible: a tab's or an expander's content is in the page before it shows
    return found.inner_text().strip()


@pytest.fixture(scope="module")
def hostile_server(sample_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.db"
    shutil.copy(sample_file, path)
    db = store.open_project(path, create=False)
    ids = hostile.build(db)
    ids["path"] = codebook.paths(db)[ids["code"]]
    doc = documents.resolve(db, ids["document"])
    ids["turns"] = [doc["text"][t["start"]:t["end"]] for t in documents.turns(db, ids["document"])]
    ids["excerpt_at"] = doc["text"].index(hostile.EXCERPT)
    db.close()
    server = AppServer(path)
    server.ids = ids
    yield server
    server.stop()


def _go(page, name: str) -> None:
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first.click()
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, name


def _pick(page, label: str, option: str) -> None:
    """Choose the multiselect option whose text starts with ``option`` (typed to filter the list)."""
    for attempt in range(3):
        wait_for_app(page)
        box = page.get_by_role("combobox", name=label, exact=True)
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option").filter(has_text=option).first.click(timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_every_page_shows_hostile_text_as_text_and_asks_nothing_of_another_machine(page, hostile_server):
    ids, url = hostile_server.ids, hostile_server.url
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    prefix = lambda text: text[:14]  # what a researcher types to find it in a list  # noqa: E731

    page.goto(url)
    wait_for_app(page)
    assert _text(page, "[data-testid='stMain'] h1") == hostile.PROJECT
    choose(page, "Who is coding?", prefix(hostile.CODER))
    assert page.locator("[data-testid='stSidebarUserContent'] input[role='combobox']").first.input_value() == hostile.CODER
    _no_user_links_or_images(page)
    screenshot(page, "hostile_overview")

    _go(page, "Documents")
    choose(page, "Open a document", prefix(hostile.TITLE))
    assert _text(page, "[data-testid='stMain'] h3") == hostile.TITLE
    page.locator(".qb-show-turn").first.wait_for()
    assert [t.strip() for t in page.locator(".qb-show-turn .qb-show-body").all_inner_texts()] == ids["turns"]
    _no_user_links_or_images(page)
    screenshot(page, "hostile_documents_read")
    page.get_by_role("tab", name="Attributes and details").click()
    labels = page.locator("[data-testid='stWidgetLabel']").all_inner_texts()
    assert hostile.ATTRIBUTE in [label.strip() for label in labels]
    assert any(label.strip().startswith(f"Yes, delete “{hostile.TITLE}” and its ") for label in
               page.locator("[data-testid='stCheckbox']").all_inner_texts())
    _no_user_links_or_images(page)

    _go(page, "Codebook")
    choose(page, "Code to edit", prefix(hostile.CODE))
    assert _text(page, "[data-testid='stMain'] h3") == ids["path"]
    page.get_by_role("tab", name="Memos").click()
    assert _text(page, ".qb-show-memo .qb-show-body") == hostile.MEMO
    _no_user_links_or_images(page)
    screenshot(page, "hostile_codebook")

    page.goto(f"{url}/coding?document={ids['document']}")
    wait_for_app(page)
    page.locator(".qb-doc").wait_for()
    assert hostile.EXCERPT in page.locator(".qb-doc").inner_text()
    page.locator(".qb-seg[data-c]").filter(has_text="straks").first.click()
    wait_for_app(page)
    card = page.locator(f".st-key-coding_{ids['coding']}")
    card.wait_for()
    assert card.locator("[data-testid='stMarkdownContainer']").first.inner_text().startswith(f"{ids['path']} · {hostile.CODER} · ")
    end = ids["excerpt_at"] + len(hostile.EXCERPT)
    assert _text(card, "[data-testid='stCaptionContainer']") == f"“{hostile.EXCERPT}” ({ids['excerpt_at']}–{end})"
    assert card.locator("textarea").input_value() == hostile.MEMO
    assert _text(page, f".st-key-apply_{ids['code']} button") == hostile.CODE
    _no_user_links_or_images(page)
    screenshot(page, "hostile_coding_inspector")

    _go(page, "Dashboard")
    assert _text(page, "[data-testid='stMain'] [data-testid='stCaptionContainer']") == hostile.PROJECT
    _no_user_links_or_images(page)

    _go(page, "Excerpts")
    _pick(page, "Codes", prefix(hostile.CODE))
    page.locator('[data-testid="stDataFrame"]').wait_for()
    page.get_by_text("Filters", exact=True).click()
    assert hostile.ATTRIBUTE in [label.strip() for label in page.locator("[data-testid='stWidgetLabel']").all_inner_texts()]
    assert any(ids["path"] in c for c in page.locator("[data-testid='stCaptionContainer']").all_inner_texts())
    page.locator('[data-testid="stDataFrame"]').scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    grid = page.locator('[data-testid="stDataFrame"]').bounding_box()
    page.mouse.click(grid["x"] + 14, grid["y"] + 52)  # the first row's selection box: its passage in context
    wait_for_app(page)
    page.locator("mark").first.wait_for()
    assert page.locator("mark").first.inner_text() in (hostile.EXCERPT, hostile.EXCERPT[:10])  # either coder's coding
    _no_user_links_or_images(page)
    screenshot(page, "hostile_excerpts")

    _go(page, "Charts")
    page.get_by_text("Saved views", exact=True).click()
    choose(page, "Open a saved view", prefix(hostile.VIEW))
    page.locator("[data-testid='stAlertContentInfo']").first.wait_for()
    note = [a.strip() for a in page.locator("[data-testid='stAlertContentInfo']").all_inner_texts()]
    screenshot(page, "hostile_charts")
    assert any(n.startswith(f"View “{hostile.VIEW}”, saved by {hostile.CODER} on ") for n in note), note
    _no_user_links_or_images(page)
    screenshot(page, "hostile_charts")

    _go(page, "Agreement")  # the two busiest coders are chosen: choose the hostile coder and Signe Holm instead
    box = page.get_by_role("combobox", name="Coders", exact=True)
    box.click()
    box.press("Backspace")
    box.press("Backspace")
    page.keyboard.press("Escape")
    _pick(page, "Coders", prefix(hostile.CODER))
    _pick(page, "Coders", "Signe Holm")
    page.get_by_text("Where only one coder coded").wait_for()
    screenshot(page, "hostile_agreement")
    captions = page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
    assert any(hostile.TITLE in c for c in captions)
    _no_user_links_or_images(page)

    assert _foreign(requests) == []
    assert not [u for u in requests if hostile.HOST in u]


def test_a_plain_page_load_asks_nothing_of_another_machine(page, app_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(app_server.url)
    wait_for_app(page)
    page.wait_for_timeout(1000)
    icons = page.eval_on_selector_all("link[rel~='icon']", "ls => ls.map(l => l.href)")
    assert icons and _foreign(icons) == []  # the favicon is the repository's own PNG
    assert _foreign(requests) == []


def _rebinding_browser(browser):
    """A Chromium in which ``attacker.example`` resolves to this machine, as after a DNS-rebinding attack."""
    return browser.browser_type.launch(executable_path=CHROMIUM, headless=True,
                                       args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {REBOUND} 127.0.0.1"])


def _project_shown(tab) -> bool:
    content = tab.content()
    return ("Digital citizen service" in content or tab.locator("[data-testid='stDataFrame']").count() > 0
            or tab.locator("[data-testid='stMetric']").count() > 0)


def test_a_rebound_host_name_gets_no_session(browser, app_server):
    """Streamlit's server.allowedHosts (.streamlit/config.toml) refuses the WebSocket: no script runs at all."""
    rebinding = _rebinding_browser(browser)
    try:
        tab = rebinding.new_page()
        sockets = []
        tab.on("websocket", lambda ws: sockets.append(ws))
        tab.goto(f"http://{REBOUND}:{app_server.port}/")
        tab.wait_for_timeout(6000)
        assert sockets, "the page should have tried its WebSocket"
        assert not _project_shown(tab)
        screenshot(tab, "rebound_host_streamlit_refuses")
        tab.goto(app_server.url)  # the workbench's own address still works
        wait_for_app(tab)
        assert _project_shown(tab)
    finally:
        rebinding.close()


def test_with_streamlits_check_off_the_workbench_still_refuses(browser, sample_path):
    """ui/hosts.py on its own: a server started with --server.allowedHosts '*' (Streamlit's check off)."""
    server = AppServer(sample_path, args=("--server.allowedHosts", "*"))
    rebinding = _rebinding_browser(browser)
    try:
        tab = rebinding.new_page()
        tab.goto(f"http://{REBOUND}:{server.port}/")
        tab.get_by_text("it answers only as").wait_for(timeout=30_000)
        message = _text(tab, "[data-testid='stAlertContentError']")
        assert f"reached as “{REBOUND}:{server.port}”" in message
        tab.wait_for_timeout(1000)
        assert not _project_shown(tab)
        assert not re.search(r"\.db\b", tab.locator("[data-testid='stSidebar']").inner_text() if
                             tab.locator("[data-testid='stSidebar']").count() else "")  # not even the project file
        screenshot(tab, "rebound_host_workbench_refuses")
        tab.goto(server.url)
        wait_for_app(tab)
        assert _project_shown(tab)
    finally:
        rebinding.close()
        server.stop()
