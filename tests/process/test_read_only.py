"""A project on a read-only disk opens for reading (issue 19): lists work, a change is one sentence.

The disk is made read-only with a read-only bind mount in a mount namespace of its own
(`unshare -m`, which needs root, as CI has); elsewhere the test is skipped.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _read_only_run(folder: Path, script: str) -> subprocess.CompletedProcess:
    command = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && {script}"
    return subprocess.run(["unshare", "-m", "sh", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def read_only_folder(sample_file, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    shutil.copy(sample_file, folder / "project.db")
    probe = _read_only_run(folder, f"touch {folder}/x")
    if "Read-only file system" not in probe.stderr:
        pytest.skip(f"cannot make a read-only mount here: {probe.stderr.strip()[:200]}")
    return folder


def test_a_read_only_project_can_be_read_but_not_changed(read_only_folder):
    db = read_only_folder / "project.db"
    python = sys.executable
    listed = _read_only_run(read_only_folder, f"{python} -m qualbench --db {db} documents --format csv")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == 15  # the header and the sample's 14 documents
    excerpts = _read_only_run(read_only_folder, f"{python} -m qualbench --db {db} codings --coder 'Signe Holm' --format csv")
    assert excerpts.returncode == 0 and len(excerpts.stdout.splitlines()) > 100
    refused = _read_only_run(read_only_folder, f"{python} -m qualbench --db {db} code 1 Unlearning 0 5 --coder X")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"error: The project file {db} is read-only, so nothing can be changed in it. "
        "Copy it to a folder you may write to, or ask for write permission."]
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["project.db"]
