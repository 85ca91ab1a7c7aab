"""The two boundaries of DESIGN.md hold: the core never imports Streamlit, pages never write SQL."""

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import qualbench

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_without_streamlit():
    modules = sorted(m.name for m in pkgutil.walk_packages(qualbench.__path__, "qualbench.") if not m.name.endswith("__main__"))
    assert "qualbench.store" in modules and "qualbench.documents" in modules
    script = (
        "import sys; sys.modules['streamlit'] = None\n"  # any `import streamlit` now raises ImportError
        f"import importlib\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        "print('ok', len(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_core_source_never_mentions_streamlit_import():
    offenders = [p.name for p in (ROOT / "qualbench").rglob("*.py") if re.search(r"^\s*(import|from)\s+streamlit", p.read_text(), re.M)]
    assert offenders == []


# SQL keywords as SQL is written (upper case), and the calls that run SQL.
SQL = re.compile(r"\b(SELECT\s[^\n]+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"
                 r"|\.execute(many|script)?\(|store\.rows\(|\bsqlite3\b|\bsqlite_utils\b|\.(insert|upsert|update)(_all)?\(")


def test_pages_hold_no_sql():
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert pages, "no pages found"
    offenders = {p.name: SQL.search(p.read_text()).group(0) for p in pages if SQL.search(p.read_text())}
    assert offenders == {}


def test_sql_detector_catches_sql():
    assert SQL.search('rows = store.rows(db, "SELECT id FROM codes")')
    assert SQL.search("db.execute('DELETE FROM codings')")
    assert SQL.search('db["codes"].insert({"name": "x"})')
    assert not SQL.search("st.selectbox('Select a document from the list', options)")
    assert not SQL.search("documents.update_document(db, doc_id, title=title, who=who)")
