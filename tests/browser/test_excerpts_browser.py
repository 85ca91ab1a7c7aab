"""The excerpts page in Chromium: pick codes, download the Word report and the CSV, open them again."""

import csv
import io
import re

import docx
import pytest

from qualbench import retrieval, store
from qualbench.filters import Filters

from .support import download, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the multiselect labelled exactly ``label`` ("Codes" is also part of other labels)."""
    for attempt in range(3):  # a redraw while the list is open detaches it: try again
        wait_for_app(page)
        box = page.get_by_role("combobox", name=label, exact=True)
        box.click()
        box.fill(option)
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    wait_for_app(page)


def test_word_report_and_csv_download_from_the_page(page, app_server, tmp_path):
    db = store.open_project(app_server.db_path, create=False)
    expected = retrieval.excerpts(db, codes=["Unlearning"], context=200, filters=Filters(attributes={"area": ["Hjemmepleje"]}))
    page.goto(app_server.url + "/excerpts")
    wait_for_app(page)
    pick(page, "Codes", "Unlearning")
    page.get_by_text("Filters", exact=True).click()
    page.get_by_role("combobox", name="area", exact=True).wait_for()
    pick(page, "area", "Hjemmepleje")
    page.get_by_text(re.compile(r"^\d+ excerpts? from \d+ documents?$")).wait_for()
    page.get_by_text(retrieval.counts_text(expected), exact=True).wait_for()  # the rerun with these codes may still run
    assert page.get_by_text(retrieval.counts_text(expected), exact=True).count() == 1
    screenshot(page, "excerpts")

    wait_for_app(page)  # a rerun in flight redraws the button and swallows the click
    target = download(page, "Download Word report", tmp_path)
    assert target.name == "excerpts.docx"
    report = docx.Document(target)
    quoted = [p for p in report.paragraphs if p.style.name == "Excerpt"]
    # one quotation per passage and code: a passage both coders coded is quoted once, naming both
    assert len(quoted) == len(expected.drop_duplicates(["code_id", "document_id", "start", "end"])) > 0
    marked = {"".join(r.text for r in p.runs if r.font.highlight_color is not None) for p in quoted}
    assert marked == set(expected["excerpt"].str.replace(r"\n\s*\n", "\n", regex=True))
    assert ["area", "Hjemmepleje"] in [[c.text for c in row.cells] for row in report.tables[0].rows]  # the filters used

    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(info.value.path().read_text(encoding="utf-8"))))
    assert [r["excerpt"] for r in rows] == expected["excerpt"].tolist()
    assert {r["area"] for r in rows} == {"Hjemmepleje"}


def test_a_row_opens_the_coding_page_at_its_passage(page, app_server):
    db = store.open_project(app_server.db_path, create=False)
    first = retrieval.excerpts(db, codes=["Unlearning"]).iloc[0]
    page.goto(app_server.url + "/excerpts")
    wait_for_app(page)
    pick(page, "Codes", "Unlearning")
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.wait_for()
    page.wait_for_timeout(500)  # the grid is drawn on a canvas once its data has arrived
    box = grid.bounding_box()
    link = (box["x"] + 44, box["y"] + 52)  # the ↗ in the first row's "open" column
    page.mouse.move(*link)
    with page.expect_popup() as info:
        page.mouse.click(*link)
    coding_page = info.value
    assert coding_page.url.endswith(first["link"])
    wait_for_app(coding_page)
    focused = coding_page.locator(".qb-turn.qb-focus").first
    focused.wait_for()
    assert first["excerpt"][:60] in focused.inner_text()
    screenshot(coding_page, "excerpts_opened_on_coding_page")
