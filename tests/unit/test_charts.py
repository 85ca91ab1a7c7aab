"""Charts render to PNG and SVG, with every code labelled, also for 40 codes."""

import struct

import numpy as np
import pandas as pd
import pytest

from qualbench import analysis, charts, codebook, coding, documents


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_cooccurrence_heatmap_of_the_sample(sample_db):
    matrix = analysis.cooccurrence(sample_db, measure="c")
    chart = charts.heatmap(matrix, title="Co-occurrence", value="c")
    width, height = png_size(charts.to_png(chart))
    assert width > 600 and height > 600
    svg = charts.to_svg(chart)
    for code in ("Boundary confusion/Acting on behalf", "Privacy distance/Credentials and screens"):
        assert code in svg


def test_forty_codes_keep_their_labels():
    names = [f"Theme {i // 5 + 1}/Code number {i + 1}" for i in range(40)]
    matrix = pd.DataFrame([[(i * j) % 7 for j in range(40)] for i in range(40)], index=names, columns=names)
    svg = charts.to_svg(charts.heatmap(matrix, title="40 codes"))
    assert all(name in svg for name in names)
    width, height = png_size(charts.to_png(charts.heatmap(matrix, title="40 codes"), scale=1))
    assert height >= 40 * 14


def test_frequency_bars(sample_db):
    table = analysis.frequencies(sample_db)
    svg = charts.to_svg(charts.bars(table, title="Codings per code"))
    assert "Cross-pressure/Organisational limits" in svg and "Codings per code" in svg


def test_network_of_themes(sample_db):
    matrix = analysis.cooccurrence(sample_db, scope="turn", measure="c", rollup=True)
    sizes = analysis.frequencies(sample_db, rollup=True)
    chart = charts.network(matrix, sizes, title="Themes", value="c")
    svg = charts.to_svg(chart)
    assert all(theme in svg for theme in matrix.index)
    edges = chart.layer[0].data
    assert len(edges) == int((matrix.to_numpy() > 0).sum() / 2)  # one edge per co-occurring pair
    assert set(edges.columns) >= {"row", "column", "c"}


@pytest.fixture
def undefined(db):
    """By hand: one coder's two long A (0-30, 5-35) each overlap both short B (10-12, 20-22): n_A = n_B = 2, n_AB = 4,
    so c = 4 / (2 + 2 - 4) is undefined; C 6-9 overlaps both A: n_AC = 2, c = 2 / (2 + 1 - 2) = 2."""
    doc = documents.import_bytes(db, ("y" * 40).encode(), "y.txt", title="y", who="t").document_id
    for code in ("A", "B", "C"):
        codebook.add_code(db, code, who="t")
    for start, end in ((0, 30), (5, 35)):
        coding.apply(db, doc, "A", start, end, coder="S")
    for start, end in ((10, 12), (20, 22)):
        coding.apply(db, doc, "B", start, end, coder="S")
    coding.apply(db, doc, "C", 6, 9, coder="S")
    return analysis.cooccurrence(db, measure="c")


def test_an_undefined_c_is_an_empty_marked_cell_whose_tooltip_says_why(undefined):
    assert np.isnan(undefined.loc["A", "B"])
    chart = charts.heatmap(undefined, title="c", value="c")
    cells = chart.data.set_index(["row", "column"])
    ab = cells.loc[("A", "B")]
    assert not ab["defined"] and pd.isna(ab["c"]) and ab["shown"] == "undefined"  # never drawn as 0
    assert "c is undefined: n_A + n_B − n_AB = 2 + 2 − 4 = 0" in ab["why"]
    ac = cells.loc[("A", "C")]
    assert ac["defined"] and ac["c"] == 2 and ac["shown"] == "2" and "c exceeds 1" in ac["why"]
    assert cells.loc[("B", "C"), "why"] == "n_AB = 0, n_A = 2, n_B = 1"
    spec = chart.to_dict()
    assert {"field": "why", "type": "nominal", "title": "how"} in spec["layer"][0]["encoding"]["tooltip"]
    svg = charts.to_svg(chart)
    assert svg.count(f'fill="{charts.UNDEFINED_FILL}"') == 2  # A x B and B x A, in grey; every other cell in blue
    width, _ = png_size(charts.to_png(chart))
    assert width > 0


def test_a_frequency_heatmap_has_no_cooccurrence_tooltip(sample_db):
    table = analysis.frequencies(sample_db, by="area")
    chart = charts.heatmap(table, title="Codings by area", columns_title="area")
    assert chart.data["defined"].all()
    assert all(t.get("field") != "why" for t in chart.to_dict()["layer"][0]["encoding"]["tooltip"])


def test_an_empty_matrix_still_draws(db):
    # a filter that leaves no codings: a 0 x 0 matrix (its maximum is NaN) gives a chart, not a Vega error
    matrix = analysis.cooccurrence(db, measure="c")
    assert matrix.empty
    assert png_size(charts.to_png(charts.heatmap(matrix, title="nothing", value="c")))[0] > 0
