"""No CSV or XLSX the project writes holds a live spreadsheet formula (issue 19; OWASP "CSV injection").

A text cell, header or row label that starts with =, +, -, @, a tab or a carriage return gets
a leading ' (qualbench.export.tables.defuse); numbers stay numbers. Every writer is checked
with a document title, code, coder, attribute name and value and memo that are formulas
(tests/hostile.py): the excerpt table (CSV, XLSX), the CLI's excerpts, codings, documents,
cooccurrence, frequencies and agreement, and the CSV downloads of the Charts and Agreement pages.
"""

import csv
import io
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from qualbench import coding, documents, retrieval, store
from qualbench.export import tables

from .. import hostile
from ..conftest import ROOT


def _number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def live_formulas(rows: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would run: text starting with = + - @ tab or CR (a number such as -0.25 is a number)."""
    return [cell for row in rows for cell in row if cell.startswith(tables.FORMULA_START) and not _number(cell)]


def read_csv(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("'=1+2", "''=1+2"), ("'tis", "''tis"),  # a leading ' is doubled, so that one ' less is always the text
    ("a=1", "a=1"), ("", ""), (-0.25, -0.25), (3, 3), (None, None),
])
def test_defuse_prefixes_text_that_a_spreadsheet_would_run(value, expected):
    assert tables.defuse(value) == expected
    if isinstance(value, str):
        assert tables.undefuse(tables.defuse(value)) == value


def test_csv_bytes_defuses_cells_headers_and_row_labels_and_keeps_numbers():
    frame = pd.DataFrame({"=A1": ["=HYPERLINK(\"http://x\")", "ok", None], "kappa": [-0.25, 0.5, float("nan")],
                          "n": [-3, 2, 1]}, index=pd.Index(["@SUM(1)", "b", "-c"], name="+code"))
    rows = read_csv(tables.csv_bytes(frame, index=True))
    assert rows[0] == ["'+code", "'=A1", "kappa", "n"]
    assert rows[1] == ["'@SUM(1)", "'=HYPERLINK(\"http://x\")", "-0.25", "-3"]
    assert rows[3] == ["'-c", "", "", "1"]  # a missing value is blank, never 'nan'
    assert live_formulas(rows) == []
    assert read_csv(tables.csv_bytes(frame, index=True, index_label="=lbl"))[0][0] == "'=lbl"
    assert frame.iloc[0, 0].startswith("=")  # the caller's frame is left as it was


@pytest.fixture
def formulas(sample_path):
    db = store.open_project(sample_path, create=False)
    ids = hostile.build_formulas(db)
    text = documents.resolve(db, ids["document"])["text"]
    at = text.index("@SUM(A1)")
    coding.apply(db, ids["document"], ids["code"], at, at + len("@SUM(A1)"), coder="Signe Holm")  # disjoint: kappa < 0
    db.close()
    ids["path"] = sample_path
    return ids


def test_the_excerpt_table_as_csv_and_xlsx(formulas):
    from openpyxl import load_workbook

    db = store.open_project(formulas["path"], create=False)
    frame = retrieval.excerpts(db, retrieval.Query(codes=[hostile.FORMULA_CODE]))
    rows = read_csv(tables.to_csv(frame))
    assert "'" + hostile.FORMULA_ATTRIBUTE in rows[0]  # the attribute NAME, a header
    body = [cell for row in rows[1:] for cell in row]
    assert {"'" + hostile.FORMULA_VALUE, "'" + hostile.FORMULA_TITLE, "'" + hostile.FORMULA_CODE, "'" + hostile.FORMULA_MEMO} <= set(body)
    assert live_formulas(rows) == []

    sheet = load_workbook(io.BytesIO(tables.to_xlsx(frame))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert "'" + hostile.FORMULA_ATTRIBUTE in [c.value for c in next(sheet.iter_rows())]
    assert live_formulas([[str(c.value) for c in cells if isinstance(c.value, str)]]) == []


def qb(*args, cwd):
    result = subprocess.run([sys.executable, "-m", "qualbench", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_csv_and_xlsx_of_the_command_line(formulas, tmp_path):
    db = formulas["path"]
    out = {}
    qb("--db", db, "excerpts", "--code", hostile.FORMULA_CODE, "--out", tmp_path / "excerpts.csv", cwd=tmp_path)
    qb("--db", db, "excerpts", "--code", hostile.FORMULA_CODE, "--out", tmp_path / "excerpts.xlsx", cwd=tmp_path)
    out["excerpts"] = read_csv((tmp_path / "excerpts.csv").read_bytes())
    out["codings"] = read_csv(qb("--db", db, "codings", "--format", "csv", cwd=tmp_path))
    out["documents"] = read_csv(qb("--db", db, "documents", "--format", "csv", cwd=tmp_path))
    qb("--db", db, "cooccurrence", "--out", tmp_path / "co.csv", cwd=tmp_path)
    qb("--db", db, "cooccurrence", "--measure", "c", "--out", tmp_path / "co_c.csv", cwd=tmp_path)
    out["cooccurrence"] = read_csv((tmp_path / "co.csv").read_bytes())
    out["cooccurrence c"] = read_csv((tmp_path / "co_c.csv").read_bytes())
    qb("--db", db, "frequencies", "--by", hostile.FORMULA_ATTRIBUTE, "--out", tmp_path / "by_attr.csv", cwd=tmp_path)
    qb("--db", db, "frequencies", "--by", "document", "--out", tmp_path / "by_doc.csv", cwd=tmp_path)
    qb("--db", db, "frequencies", "--out", tmp_path / "by_code.csv", cwd=tmp_path)
    out["frequencies by attribute"] = read_csv((tmp_path / "by_attr.csv").read_bytes())
    out["frequencies by document"] = read_csv((tmp_path / "by_doc.csv").read_bytes())
    out["frequencies"] = read_csv((tmp_path / "by_code.csv").read_bytes())
    qb("--db", db, "agreement", "--coders", formulas["coder"], "Signe Holm", "--level", "character",
       "--out", tmp_path / "agreement.csv", cwd=tmp_path)
    out["agreement"] = read_csv((tmp_path / "agreement.csv").read_bytes())

    assert {name: live_formulas(rows) for name, rows in out.items()} == {name: [] for name in out}
    cells = {name: {cell for row in rows for cell in row} for name, rows in out.items()}
    assert "'" + hostile.FORMULA_ATTRIBUTE in out["excerpts"][0] and "'" + hostile.FORMULA_VALUE in cells["excerpts"]
    assert {"'" + hostile.FORMULA_TITLE, "'" + hostile.FORMULA_CODE, "'" + formulas["coder"], "'" + hostile.FORMULA_MEMO} <= cells["codings"]
    assert "'" + hostile.FORMULA_TITLE in cells["documents"]
    for name in ("cooccurrence", "cooccurrence c"):
        assert "'" + hostile.FORMULA_CODE in out[name][0] and "'" + hostile.FORMULA_CODE in [row[0] for row in out[name]]
    assert "'" + hostile.FORMULA_VALUE in out["frequencies by attribute"][0]  # the attribute's values are the columns
    assert "'" + hostile.FORMULA_TITLE in out["frequencies by document"][0]
    assert "'" + hostile.FORMULA_CODE in [row[0] for row in out["frequencies"]]
    header, *rows = out["agreement"]
    row = next(r for r in rows if r[header.index("code")] == "'" + hostile.FORMULA_CODE)
    kappa = row[header.index("kappa")]
    assert _number(kappa) and float(kappa) < 0  # disjoint codings: a negative kappa, written as the number it is

    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "excerpts.xlsx").active
    assert [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"] == []
    assert "'" + hostile.FORMULA_ATTRIBUTE in [c.value for c in next(sheet.iter_rows())]


def test_the_pages_csv_downloads(formulas, monkeypatch):
    """The Charts and Agreement pages' CSV buttons (their bytes, as Streamlit stores them for the download)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest

    stored = {}
    keep = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        stored[filename] = path_or_data
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setenv("QUALBENCH_DB", str(formulas["path"]))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "workbench.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/charts.py").run()
    at.radio(key="chart_kind").set_value("Codes by document").run()
    at.switch_page("pages/agreement.py")
    at.session_state["agreement_coders"] = [formulas["coder"], "Signe Holm"]
    at.run()
    assert not at.exception
    chart, agreement = read_csv(stored["chart.csv"]), read_csv(stored["agreement_character.csv"])
    assert "'" + hostile.FORMULA_TITLE in chart[0] and "'" + hostile.FORMULA_CODE in [row[0] for row in chart]
    assert "'" + hostile.FORMULA_CODE in [row[0] for row in agreement]
    assert live_formulas(chart) == [] and live_formulas(agreement) == []


WRITERS = re.compile(r"\.to_csv\(|\.to_excel\(|\bcsv\.(writer|DictWriter)\(|^\s*(from|import)\s+(openpyxl|xlsxwriter)\b", re.M)


def test_every_table_writer_goes_through_qualbench_export_tables():
    """One place writes CSV and XLSX cells: a new writer elsewhere would skip the defusing."""
    sources = [p for folder in ("qualbench", "pages", "ui") for p in (ROOT / folder).rglob("*.py")] + [ROOT / "workbench.py"]
    tables_py = ROOT / "qualbench" / "export" / "tables.py"
    offenders = {str(p.relative_to(ROOT)): m.group(0) for p in sources if p != tables_py
                 for m in [WRITERS.search(re.sub(r"\btables\.to_csv\(", "", p.read_text(encoding="utf-8")))] if m}
    assert offenders == {}
    assert WRITERS.search("frame.to_csv(out)") and WRITERS.search("    from openpyxl import Workbook")
