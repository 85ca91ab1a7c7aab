"""ui.show in Chromium: what the browser shows is the text, character for character, in every
kind of element that renders Markdown, with no link, no image and no request (issue 19)."""

import pytest

from .conftest import AppServer
from .show_samples import BLOCK, HOST, LINES
from .support import screenshot

pytestmark = pytest.mark.browser

# (element kind, CSS selector inside the sample's container or of its widget) -> text shown
WHERE = {
    "markdown": ".st-key-s{i}_markdown [data-testid='stMarkdownContainer']",
    "caption": ".st-key-s{i}_caption [data-testid='stCaptionContainer']",
    "title": ".st-key-s{i}_title h1",
    "subheader": ".st-key-s{i}_subheader h3",
    "success": ".st-key-s{i}_success [data-testid='stAlertContentSuccess'] [data-testid='stMarkdownContainer']",
    "info": ".st-key-s{i}_info [data-testid='stAlertContentInfo'] [data-testid='stMarkdownContainer']",
    "warning": ".st-key-s{i}_warning [data-testid='stAlertContentWarning'] [data-testid='stMarkdownContainer']",
    "error": ".st-key-s{i}_error [data-testid='stAlertContentError'] [data-testid='stMarkdownContainer']",
    "button": ".st-key-s{i}_button button [data-testid='stMarkdownContainer']",
    "tab": ".st-key-s{i}_tab [data-testid='stTab'] >> nth=0",
    "expander": ".st-key-s{i}_expander summary [data-testid='stMarkdownContainer']",
    "selectbox label": ".st-key-s{i}_selectbox [data-testid='stWidgetLabel']",
    "multiselect chip": ".st-key-s{i}_multiselect [data-tag] > span",
    "radio label": ".st-key-s{i}_radio [data-testid='stWidgetLabel']",
    "radio option": ".st-key-s{i}_radio [role='radiogroup'] [data-testid='stMarkdownContainer']",
    "text_input label": ".st-key-s{i}_text_input [data-testid='stWidgetLabel']",
    "checkbox label": ".st-key-s{i}_checkbox [data-testid='stMarkdownContainer']",
    "metric label": ".st-key-s{i}_metric [data-testid='stMetricLabel']",
}


@pytest.fixture(scope="module")
def show_server(sample_file, tmp_path_factory):
    server = AppServer(tmp_path_factory.mktemp("show") / "unused.db", script="tests/browser/apps/show_app.py")
    yield server
    server.stop()


def test_user_text_reads_exactly_as_written_everywhere(page, show_server):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(show_server.url)
    page.get_by_text("end of the page").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=30_000)
    page.wait_for_timeout(500)
    wrong = {}
    for i, line in enumerate(LINES):
        for kind, selector in WHERE.items():
            found = page.locator(selector.format(i=i)).first
            shown = found.inner_text(timeout=5_000).strip()
            if shown != line:
                wrong[(i, kind)] = shown
        assert page.locator(f".st-key-s{i}_text_input input").input_value() == line
        assert page.locator(f".st-key-s{i}_selectbox input[role='combobox']").input_value() == line  # format_func output
    assert wrong == {}
    # a block keeps its lines; Markdown folds leading spaces, so show.md's block has none and show.text keeps them
    assert page.locator(".st-key-block_markdown [data-testid='stMarkdownContainer']").inner_text() == BLOCK["markdown"]
    assert page.locator(".st-key-block_text .qb-show-body").inner_text() == BLOCK["text"]
    assert page.locator(".st-key-block_text .qb-show > div").first.inner_text() == LINES[0]

    page.locator(".st-key-s0_toast_button button").click()
    toast = page.locator("[data-testid='stToast']").first
    toast.wait_for()
    if toast.get_by_text("view more").count():
        toast.get_by_text("view more").click()
    assert toast.locator("[data-testid='stMarkdownContainer']").first.inner_text().strip() == LINES[0]
    page.locator(".st-key-s1_button [data-testid='stTooltipHoverTarget']").first.hover()
    tip = page.locator("[data-testid='stTooltipContent']").first
    tip.wait_for()
    assert tip.inner_text().strip() == LINES[1]
    screenshot(page, "show_every_element")

    assert page.locator("img").count() == 0
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    assert [h for h in hrefs if not h.startswith(show_server.url)] == []
    assert [u for u in requests if HOST in u or not u.startswith((show_server.url, "data:", "blob:"))] == []
