"""Shared fixtures: a fresh project, the sample project (built once per session and copied)."""

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualbench import sample, store  # noqa: E402

DATA = ROOT / "tests" / "data"


@pytest.fixture
def db():
    """An empty project in memory."""
    database = store.open_project(":memory:")
    yield database
    database.close()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory) -> Path:
    """The sample project built once per test session (copy it before writing)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    database = sample.open_sample(path)
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    database.close()
    return path


@pytest.fixture
def sample_path(sample_file, tmp_path) -> Path:
    """A private copy of the sample project's file."""
    target = tmp_path / "sample.db"
    shutil.copy(sample_file, target)
    return target


@pytest.fixture
def sample_db(sample_path):
    """A private, writable copy of the sample project."""
    database = store.open_project(sample_path, create=False)
    yield database
    database.close()
