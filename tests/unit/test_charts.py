"""Charts render to PNG and SVG, with every code labelled, also for 40 codes."""

import struct

import pandas as pd

from qualbench import analysis, charts


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
