"""The `agreement` command on a small project built through the CLI (issue 12)."""

import pandas as pd

from .test_cli import one_line_error, qb


def _project(tmp_path):
    db = tmp_path / "p.db"
    notes = tmp_path / "notes.txt"
    notes.write_text("\n\n".join(["a" * 23, "b" * 23, "c" * 23, "d" * 25]), encoding="utf-8")  # 100 characters
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text("codes:\n  - name: A\n  - name: B\n", encoding="utf-8")
    for args in (["init"], ["import", notes], ["codebook", "load", codebook],
                 ["code", "notes", "A", 0, 20, "--coder", "Signe"], ["code", "notes", "A", 0, 10, "--coder", "Tobias"],
                 ["code", "notes", "B", 75, 95, "--coder", "Tobias"]):
        done = qb("--db", db, *args)
        assert done.returncode == 0, done.stderr
    return db


def test_repeated_document_and_code_options_count_once(tmp_path):
    # Code A over 100 characters: both 10, Signe only 10, Tobias only 0, neither 80 (hand count).
    db = _project(tmp_path)
    out = tmp_path / "a.csv"
    done = qb("--db", db, "agreement", "--coders", "Signe", "Tobias", "--document", "notes", "--document", "1",
              "--code", "A", "--code", "A", "--out", out)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out)
    assert list(frame["code"]) == ["A", "(all codes)"]
    assert list(frame.loc[0, ["both", "first_only", "second_only", "neither"]]) == [10, 10, 0, 80]
    assert "1 code(s), 1 document(s)" in done.stdout


def test_by_document_and_nvivo_average_in_the_csv(tmp_path):
    db = _project(tmp_path)
    out = tmp_path / "per-document.csv"
    done = qb("--db", db, "agreement", "--coders", "Signe", "Tobias", "--by-document", "--out", out)
    assert done.returncode == 0, done.stderr
    frame = pd.read_csv(out)
    assert list(frame.columns[:3]) == ["code", "document", "characters"] and list(frame["characters"]) == [100, 100]
    # A: p_o = .9, p1 = .2, p2 = .1, p_e = .02 + .72 = .74, kappa = .16 / .26 = 0.615384... -> 0.6154 in the CSV
    assert frame.set_index("code").loc["A", "kappa"] == 0.6154
    summary = pd.read_csv(_write(db, tmp_path))
    assert summary.set_index("code").loc["A", "nvivo_kappa"] == 0.6154  # one document: the average is its kappa
    assert "per-document rows" in one_line_error(qb("--db", db, "agreement", "--coders", "Signe", "Tobias", "--level", "unit",
                                                    "--by-document", "--out", out))


def _write(db, tmp_path):
    out = tmp_path / "summary.csv"
    assert qb("--db", db, "agreement", "--coders", "Signe", "Tobias", "--out", out).returncode == 0
    return out
