"""The command line as scripts use it: exit 0 on success, 1 with one line on bad input, never a traceback."""

import os
import subprocess
import sys

import pytest

from qualbench import documents

from ..conftest import DATA, ROOT


def qb(*args, cwd=None, env=None):
    result = subprocess.run([sys.executable, "-m", "qualbench", *map(str, args)], cwd=cwd or ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert "Traceback" not in result.stderr + result.stdout
    return result


def one_line_error(result):
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_init_import_documents_codings(tmp_path):
    db = tmp_path / "p.db"
    assert qb("--db", db, "init").returncode == 0
    done = qb("--db", db, "import", DATA / "interview.docx", DATA / "timestamps.txt", "--kind", "interview",
              "--attr", "area=Borgerservice", "--attr", "site=Havnstrup")
    assert done.returncode == 0 and done.stdout.count("imported as") == 2
    listing = qb("documents", "--db", db, "--format", "csv")  # --db also after the command
    assert listing.stdout.splitlines()[0] == "id,title,kind,words,codings"
    assert listing.stdout.splitlines()[1].startswith("1,interview,interview,")
    text = qb("--db", db, "documents").stdout
    assert "timestamps" in text and "words" in text.splitlines()[0]


def test_default_database_comes_from_the_environment(tmp_path):
    db = tmp_path / "env.db"
    assert qb("init", env={"QUALBENCH_DB": str(db)}).returncode == 0
    assert db.exists()
    assert qb("init", cwd=tmp_path, env={"QUALBENCH_DB": ""}).returncode == 0
    assert (tmp_path / "workbench.db").exists()


def test_import_reports_each_bad_file_and_keeps_the_good_ones(tmp_path):
    db = tmp_path / "p.db"
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "fake.docx").write_text("plain text")
    result = qb("--db", db, "import", tmp_path / "empty.txt", DATA / "interview.srt", tmp_path / "fake.docx", tmp_path / "missing.txt")
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["empty.txt", "fake.docx", str(tmp_path / "missing.txt")]
    assert "interview.srt: imported" in result.stdout
    assert qb("--db", db, "documents", "--format", "csv").stdout.count("\n") == 2


@pytest.mark.parametrize("args, message", [
    (["import", "x.txt", "--attr", "area"], "NAME=VALUE"),
    (["import", "x.txt", "--kind", "survey"], "invalid choice"),
    (["frobnicate"], "invalid choice"),
    (["code", "99", "Nope", "0", "5", "--coder", "A"], "No document '99'"),
])
def test_bad_arguments_give_one_line(tmp_path, args, message):
    db = tmp_path / "p.db"
    qb("--db", db, "init")
    assert message in one_line_error(qb("--db", db, *args))


def test_not_a_project_is_refused_unchanged(tmp_path):
    stray = tmp_path / "notes.db"
    stray.write_text("hello")
    assert "not a Qualbench project" in one_line_error(qb("--db", stray, "documents"))
    assert stray.read_text() == "hello"


def test_codebook_load_dry_run_then_load_then_dump(tmp_path):
    db = tmp_path / "p.db"
    dry = qb("--db", db, "codebook", "load", ROOT / "codebook.yaml", "--dry-run")
    assert dry.returncode == 0 and "would add Cross-pressure" in dry.stdout
    assert "Would change 28 code(s)" in dry.stdout
    assert qb("--db", db, "codebook", "dump", "--out", tmp_path / "empty.yaml").returncode == 0  # nothing loaded yet
    assert "- name:" not in (tmp_path / "empty.yaml").read_text()
    assert qb("--db", db, "codebook", "load", ROOT / "codebook.yaml").returncode == 0
    assert qb("--db", db, "codebook", "dump", "--out", tmp_path / "out.yaml").returncode == 0
    assert "Generalist knowledge" in (tmp_path / "out.yaml").read_text()
    again = qb("--db", db, "codebook", "load", tmp_path / "out.yaml")
    assert "Changed 0 code(s)" in again.stdout


def test_bad_codebooks_are_refused_with_every_problem_and_change_nothing(tmp_path):
    db = tmp_path / "p.db"
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes:\n  - name: A\n    color: red\n  - name: A\n  - name: B\n    parent: C\n  - name: C\n    parent: B\n")
    line = one_line_error(qb("--db", db, "codebook", "load", bad))
    assert "bad colour 'red'" in line and "duplicate code “A”" in line and "parent cycle" in line and "line 4" in line
    assert "- name:" not in qb("--db", db, "codebook", "dump", "--out", tmp_path / "x.yaml").stdout
    assert qb("--db", db, "codings", "--format", "csv").stdout.strip() == "id,document,code,start,end,coder,memo,excerpt"


def test_code_and_codings(tmp_path):
    db = tmp_path / "p.db"
    qb("--db", db, "import", DATA / "interview.srt")
    qb("--db", db, "codebook", "load", ROOT / "codebook.yaml")
    text = documents.parse((DATA / "interview.srt").read_bytes(), "interview.srt").text
    start = text.index("Min datter.")
    end = start + len("Min datter. Hun har min kode.")
    done = qb("--db", db, "code", "interview", "Co-service/Relatives as helpers", start, end, "--coder", "Signe Holm", "--memo", "datteren har koden")
    assert done.returncode == 0, done.stderr
    assert "'Min datter. Hun har min kode.'" in done.stdout
    rows = qb("--db", db, "codings", "--coder", "Signe Holm", "--format", "csv").stdout.splitlines()
    assert rows[1].split(",")[2:6] == ["Co-service/Relatives as helpers", str(start), str(end), "Signe Holm"]
    assert "No code “Nope”" in one_line_error(qb("--db", db, "code", "1", "Nope", start, end, "--coder", "X"))
    assert "outside" in one_line_error(qb("--db", db, "code", "1", "Unlearning", "100", "5000", "--coder", "X"))
    assert "must be before" in one_line_error(qb("--db", db, "code", "1", "Unlearning", "10", "10", "--coder", "X"))
    assert "No coder" in one_line_error(qb("--db", db, "codings", "--coder", "Nobody"))


def test_agreement_command(tmp_path, sample_path):
    out = tmp_path / "agreement.csv"
    done = qb("--db", sample_path, "agreement", "--coders", "Signe Holm", "Tobias Berg", "--level", "unit", "--out", out)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("code,units,coded_units,alpha") and lines[-1].startswith("(all codes),")
    assert "No coder “Nobody”" in one_line_error(qb("--db", sample_path, "agreement", "--coders", "Signe Holm", "Nobody", "--out", out))
    assert "at least two coders" in one_line_error(qb("--db", sample_path, "agreement", "--coders", "Signe Holm", "--out", out))
    assert ".csv or .docx" in one_line_error(qb("--db", sample_path, "agreement", "--coders", "Signe Holm", "Tobias Berg", "--out", tmp_path / "x.pdf"))
    word = tmp_path / "agreement.docx"
    assert qb("--db", sample_path, "agreement", "--coders", "Signe Holm", "Tobias Berg", "--out", word).returncode == 0
    assert word.stat().st_size > 5000


def test_cooccurrence_command(tmp_path, sample_path):
    import pandas as pd

    out = tmp_path / "co.csv"
    done = qb("--db", sample_path, "cooccurrence", "--scope", "turn", "--measure", "c", "--coder", "Signe Holm", "--out", out)
    assert done.returncode == 0, done.stderr
    matrix = pd.read_csv(out, index_col="code")
    assert list(matrix.index) == list(matrix.columns) and (matrix.to_numpy() <= 1).all()
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert "No attribute 'region'" in one_line_error(qb("--db", sample_path, "cooccurrence", "--where", "region=Nord", "--out", out))
    assert "No coder 'Nobody'" in one_line_error(qb("--db", sample_path, "cooccurrence", "--coder", "Nobody", "--out", out))
    assert ".csv, .png or .svg" in one_line_error(qb("--db", sample_path, "cooccurrence", "--out", tmp_path / "co.pdf"))
    assert qb("--db", sample_path, "cooccurrence", "--out", tmp_path / "co.png").returncode == 0
    assert (tmp_path / "co.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert qb("--db", sample_path, "frequencies", "--by", "site", "--out", tmp_path / "f.svg").returncode == 0
    assert (tmp_path / "f.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")


def test_frequencies_command(tmp_path, sample_path):
    out = tmp_path / "f.csv"
    assert qb("--db", sample_path, "frequencies", "--by", "area", "--rollup", "--out", out).returncode == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == "code,Borgerservice,Hjemmepleje,Jobcenter,Socialforvaltning"
    assert qb("--db", sample_path, "frequencies", "--out", out).returncode == 0
    assert out.read_text(encoding="utf-8").splitlines()[0] == "code,codings,documents,words_coded"
    assert "No attribute 'nothing'" in one_line_error(qb("--db", sample_path, "frequencies", "--by", "nothing", "--out", out))


def test_codebook_qdc_load_and_dump(tmp_path, sample_path):
    db = tmp_path / "p.db"
    (tmp_path / "x.qdc").write_text("<CodeBook/>")
    assert "x.qdc: not a valid REFI-QDA codebook" in one_line_error(qb("--db", db, "codebook", "load", tmp_path / "x.qdc"))
    assert "no codes" in one_line_error(qb("--db", db, "codebook", "dump", "--out", tmp_path / "y.qdc"))
    assert qb("--db", db, "codebook", "dump", "--out", tmp_path / "cb.docx").returncode == 0
    assert qb("--db", sample_path, "codebook", "dump", "--out", tmp_path / "cb.qdc").returncode == 0
    assert qb("--db", db, "codebook", "load", tmp_path / "cb.qdc").returncode == 0


def test_undo_from_the_command_line_and_its_refusal(tmp_path):
    """`undo --coder NAME` (DESIGN.md, "Command line"): the coder's last change; a change someone else
    changed since is refused with one line and skipped."""
    db = tmp_path / "p.db"
    qb("--db", db, "import", DATA / "interview.srt")
    qb("--db", db, "codebook", "load", ROOT / "codebook.yaml")
    assert qb("--db", db, "code", "1", "Unlearning", "0", "5", "--coder", "Ann").returncode == 0
    assert qb("--db", db, "code", "1", "Unlearning", "10", "20", "--coder", "Ann").returncode == 0
    undone = qb("--db", db, "undo", "--coder", "Ann")
    assert undone.returncode == 0 and "removed the coding just added" in undone.stdout
    assert "nothing left to undo" in one_line_error(qb("--db", db, "undo", "--coder", "Nobody"))
    rows = qb("--db", db, "codings", "--coder", "Ann", "--format", "csv").stdout.splitlines()
    assert len(rows) == 2 and rows[1].split(",")[3:5] == ["0", "5"]
