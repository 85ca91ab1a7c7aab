"""AppTest fixtures: the workbench script run in-process on a private copy of the sample project."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from ..conftest import ROOT


@pytest.fixture
def app(sample_path, monkeypatch):
    """``workbench.py`` under AppTest on a private sample project, signed in as Signe Holm."""
    monkeypatch.setenv("QUALBENCH_DB", str(sample_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "workbench.py"), default_timeout=60)
    at.session_state["coder_choice"] = "Signe Holm"
    return at


_SHOWN = re.compile(r"\\(.)|&#(\d+);|:small\[\]", re.S)


def visible(markdown: str) -> str:
    """The text a browser shows for Markdown that ``ui.show.md`` wrote (its inverse: escapes, entities, splitters)."""
    return _SHOWN.sub(lambda m: m.group(1) if m.group(1) is not None else chr(int(m.group(2))) if m.group(2) else "", markdown)
