"""The agreement page in Chromium on the sample's two coders; the Word table downloads and opens."""

import re

import docx
import pytest

from .support import download, screenshot, wait_for_app

pytestmark = pytest.mark.browser


def test_agreement_page_and_word_download(page, app_server, tmp_path):
    page.goto(app_server.url + "/agreement")
    wait_for_app(page)
    page.get_by_text(re.compile(r"\d+ codes over \d+ documents")).wait_for()  # the table itself is drawn on a canvas
    assert page.get_by_text("Where only one coder coded").count() == 1
    screenshot(page, "agreement")
    target = download(page, "Download Word table", tmp_path)
    document = docx.Document(target)
    table = document.tables[0]
    assert table.rows[0].cells[0].text == "code"
    assert table.rows[-1].cells[0].text == "(all codes)"
    assert "Signe Holm" in document.paragraphs[1].text and "Tobias Berg" in document.paragraphs[1].text
