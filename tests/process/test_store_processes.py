"""Several processes on one project file, with real processes (DESIGN.md, "Data model").

SQLite's locks are POSIX advisory locks: a process that closes any descriptor of the file
loses all its locks on it, and a CLI run beside it may then take itself for the last user and
delete the write-ahead log under it. These tests run a server-like process that keeps its
connections (tests/process/holder.py), the real CLI beside it, and N writers at once.
"""

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualbench import store

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def cli(db_path, *args, check=True) -> subprocess.CompletedProcess:
    """``python -m qualbench --db DB ARGS...`` as its own process."""
    done = subprocess.run([sys.executable, "-m", "qualbench", "--db", str(db_path), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


class Holder:
    """tests/process/holder.py, spoken to line by line."""

    def __init__(self, db_path):
        self.proc = subprocess.Popen([sys.executable, str(HERE / "holder.py"), str(db_path)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout.readline().strip() == "ready", self.proc.stderr.read()

    def ask(self, *words) -> str:
        self.proc.stdin.write("\t".join(map(str, words)) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer, self.proc.stderr.read()
        return answer

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def _coded_by(db_path, coder) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(cli(db_path, "codings", "--coder", coder, "--format", "csv").stdout)))
    return rows


def _first_document_and_code(db_path) -> tuple[int, str, str]:
    db = store.open_project(db_path, create=False)
    try:
        doc = store.rows(db, "SELECT id, text FROM documents ORDER BY id LIMIT 1")[0]
        code = store.rows(db, "SELECT name FROM codes WHERE parent_id IS NULL ORDER BY position LIMIT 1")[0]["name"]
    finally:
        db.close()
    return doc["id"], code, doc["text"]


def _word_ranges(text: str, count: int) -> list[tuple[int, int]]:
    ranges = [(m.start(), m.end()) for m in re.finditer(r"\w{3,}", text)]
    assert len(ranges) >= count
    return ranges[:count]


def test_a_cli_beside_a_server_like_process_loses_nothing(sample_path):
    """(1) The long-running process keeps a connection and opens more as new sessions do; the CLI runs
    beside it (read-only commands and a write); then a write by the long-running process must be seen
    by a third process while it still runs, and it must survive the process being killed."""
    doc_id, code, text = _first_document_and_code(sample_path)
    (s1, e1), (s2, e2) = _word_ranges(text, 2)
    holder = Holder(sample_path)
    try:
        for _ in range(3):  # sessions come and go, the CLI reads beside them
            holder.ask("open")
            cli(sample_path, "documents")
            cli(sample_path, "codings", "--format", "csv")
            assert holder.ask("wal") == "True"  # the log the server writes into is still there
            holder.ask("read")
            holder.ask("close")
        cli(sample_path, "code", str(doc_id), code, str(s1), str(e1), "--coder", "Cli Coder")
        assert holder.ask("count", "Cli Coder") == "1"  # the CLI's write reaches the server
        coding_id = holder.ask("code", doc_id, code, s2, e2, "Server Coder")
        assert coding_id.isdigit()
        assert holder.ask("wal") == "True"
        # a third process sees the server's write while the server still runs
        seen = _coded_by(sample_path, "Server Coder")
        assert [(int(r["start"]), int(r["end"])) for r in seen] == [(s2, e2)]
        assert [r["excerpt"] for r in seen] == [text[s2:e2]]
    finally:
        holder.kill()  # kill -9: no clean close, no checkpoint
    assert [int(r["id"]) for r in _coded_by(sample_path, "Server Coder")] == [int(coding_id)]
    assert len(_coded_by(sample_path, "Cli Coder")) == 1
    db = sqlite3.connect(sample_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


WRITERS, EACH = 8, 40


def _start_writers(sample_path, tmp_path, coders):
    doc_id, code, text = _first_document_and_code(sample_path)
    ranges = _word_ranges(text, len(coders) * EACH)
    start_file = tmp_path / "go"
    procs = []
    for k, coder in enumerate(coders):
        mine = [[doc_id, code, s, e] for s, e in ranges[k * EACH:(k + 1) * EACH]]
        (tmp_path / f"ranges{k}.json").write_text(json.dumps(mine))
        procs.append(subprocess.Popen([sys.executable, str(HERE / "writer.py"), str(sample_path), coder,
                                       str(tmp_path / f"ranges{k}.json"), str(start_file)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT))
    time.sleep(1.5)  # let every writer import and open the project
    start_file.write_text("go")
    return procs


@pytest.mark.slow
def test_eight_writers_at_once_all_arrive(sample_path, tmp_path):
    """(2) 8 processes x 40 codings through coding.apply at the same moment: none fails, all arrive,
    each with its event. Some writers share a coder name, so the first coding of a new coder races too."""
    coders = [f"Writer {k % 5}" for k in range(WRITERS)]
    procs = _start_writers(sample_path, tmp_path, coders)
    results = [(p.wait(180), p.stdout.read(), p.stderr.read()) for p in procs]
    for rc, out, err in results:
        assert rc == 0, err
        assert out.split()[-1] == str(EACH)
    db = store.open_project(sample_path, create=False)
    try:
        made = store.rows(db, "SELECT count(*) AS n FROM codings WHERE coder LIKE 'Writer %'")[0]["n"]
        events = store.rows(db, "SELECT count(*) AS n FROM events WHERE entity = 'coding' AND action = 'add' AND who LIKE 'Writer %'")[0]["n"]
        coders_added = store.rows(db, "SELECT count(*) AS n FROM coders WHERE name LIKE 'Writer %'")[0]["n"]
    finally:
        db.close()
    assert (made, events, coders_added) == (WRITERS * EACH, WRITERS * EACH, 5)


@pytest.mark.slow
def test_a_writer_killed_mid_change_leaves_no_half_change(sample_path, tmp_path):
    """kill -9 during writes: the file is intact, and every coding that arrived has its event."""
    procs = _start_writers(sample_path, tmp_path, [f"Killed {k}" for k in range(3)])
    time.sleep(0.6)
    for p in procs:
        p.send_signal(signal.SIGKILL)
    for p in procs:
        p.wait(10)
    db = store.open_project(sample_path, create=False)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for k in range(3):
            made = store.rows(db, "SELECT count(*) AS n FROM codings WHERE coder = ?", [f"Killed {k}"])[0]["n"]
            events = store.rows(db, "SELECT count(*) AS n FROM events WHERE entity = 'coding' AND action = 'add' AND who = ?",
                                [f"Killed {k}"])[0]["n"]
            assert made == events
    finally:
        db.close()
