"""Clicking a co-occurrence cell in Chromium lists the passages behind it; the dashboard draws."""

import io
import re

import pytest
from PIL import Image

from qualbench import analysis, store

from .support import screenshot, wait_for_app

pytestmark = pytest.mark.browser


def darkest_point(png: bytes) -> tuple[tuple[int, int], int]:
    """The pixel of the darkest blue in a heatmap screenshot (the cell with the highest value), and its darkness (r + g).

    The colour legend, at the right edge, is left out of the search.
    """
    image = Image.open(io.BytesIO(png)).convert("RGB")
    best, where = 10**9, (0, 0)
    legend = _legend_left(image)
    for y in range(0, image.height, 3):
        for x in range(0, legend, 3):
            r, g, b = image.getpixel((x, y))
            if b > r + 60 and r + g < best:  # blue cells only, not black text
                best, where = r + g, (x, y)
    return where, best


def drawn_darkest_point(page, chart) -> tuple[int, int]:
    """The darkest cell once vega has drawn the whole heatmap (on a busy machine it draws late)."""
    previous = None
    for _ in range(30):
        where, darkness = darkest_point(chart.screenshot())
        if darkness < 120 and where == previous:  # a dark cell, the same in two screenshots running
            return where
        previous = where
        page.wait_for_timeout(500)
    raise AssertionError("the heatmap never showed a dark cell")


def _legend_left(image) -> int:
    """The x where the legend's gradient column starts: the right-most run of blue pixels."""
    for x in range(image.width - 1, 0, -1):
        column = [image.getpixel((x, y)) for y in range(0, image.height, 5)]
        if sum(1 for r, g, b in column if b > r + 60) > 3:
            while x > 0 and sum(1 for y in range(0, image.height, 5) if (lambda p: p[2] > p[0] + 60)(image.getpixel((x, y)))) > 3:
                x -= 1
            return x - 5
    return image.width


def test_clicking_a_cell_lists_its_passages(page, app_server):
    page.goto(app_server.url + "/charts")
    wait_for_app(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    x, y = drawn_darkest_point(page, chart)
    chart.click(position={"x": x, "y": y})
    wait_for_app(page)
    heading = page.get_by_role("heading", name=re.compile(r".+ × .+: \d+ pairs of codings"))
    heading.wait_for()
    a, b, count, passages = re.match(r"(.+) × (.+): (\d+) pairs of codings by the same coder, in (\d+) passages?",
                                     heading.inner_text()).groups()
    assert int(count) >= 5  # the darkest cell of the sample's overlap matrix (8: Signe Holm's 3 and Tobias Berg's 5)
    db = store.open_project(app_server.db_path, create=False)
    expected = analysis.cell_excerpts(db, a, b)  # each passage once, with its coders
    assert (int(count), int(passages)) == (int(expected["pairs"].sum()), len(expected))
    assert int(count) == analysis.cooccurrence(db).loc[a, b]
    screenshot(page, "charts_cell_clicked")


def test_dashboard_draws_its_charts(page, app_server):
    page.goto(app_server.url + "/dashboard")
    wait_for_app(page)
    page.wait_for_function("""() => document.querySelectorAll('[data-testid="stVegaLiteChart"]').length === 2""")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "dashboard")
