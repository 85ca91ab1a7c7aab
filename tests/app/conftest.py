"""AppTest fixtures: the workbench script run in-process on a private copy of the sample project."""

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
