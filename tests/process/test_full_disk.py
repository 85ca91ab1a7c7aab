"""A full disk is one sentence, and nothing written before it is lost (issue 19).

The project lives on a 3 MB tmpfs mounted in a mount namespace of its own (`unshare -m`,
which needs root, as CI has); elsewhere the test is skipped. A script fills the disk
with documents until SQLite cannot write, through the CLI as a researcher would.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FILL = r'''
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from qualbench import cli, store

folder = Path({folder!r})
store.open_project(folder / "p.db").close()
for i in range(400):
    note = folder / f"note{{i}}.txt"
    try:
        note.write_text(f"Feltnote {{i}}: " + " ".join(f"ord{{i}}x{{k}}" for k in range(3000)), encoding="utf-8")
    except OSError:
        break
    code = cli.main(["--db", str(folder / "p.db"), "import", str(note)])
    note.unlink()
    if code != 0:
        break
print("stopped at", i, "exit", code)
'''


def test_a_full_disk_is_a_sentence_and_loses_nothing(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    script = FILL.format(root=str(ROOT), folder=str(folder))
    command = f"mount -t tmpfs -o size=3m tmpfs {folder} && {sys.executable} -c '{script.replace(chr(39), chr(34))}'"
    done = subprocess.run(["unshare", "-m", "sh", "-c", command + f" ; cp {folder}/p.db* {tmp_path}/"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot mount a small disk here: {done.stderr.strip()[:200]}")
    assert "Traceback" not in done.stderr, done.stderr
    assert "stopped at" in done.stdout and "exit 1" in done.stdout, (done.stdout, done.stderr)
    assert "error: " in done.stderr and "The disk holding the project is full" in done.stderr, done.stderr
    # the project as the full disk left it opens, and every document that was imported is whole
    from qualbench import documents, store

    db = store.open_project(tmp_path / "p.db", create=False)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        listed = documents.list_documents(db)
        assert len(listed) > 0
        for row in store.rows(db, "SELECT id, text FROM documents"):
            assert row["text"].endswith("x2999")
    finally:
        db.close()
