"""Agreement over a project: what is compared, each level on a hand-built project, clear errors."""

import krippendorff
import numpy as np
import pytest

from qualbench import agreement, codebook, coding, documents
from qualbench.errors import NotFound, QualbenchError

# 100 characters of text in four paragraphs (turns): 0-23, 25-48, 50-73, 75-100
TEXT = "\n\n".join(["a" * 23, "b" * 23, "c" * 23, "d" * 25])


@pytest.fixture
def project(db):
    doc = documents.import_bytes(db, TEXT.encode(), "notes.txt", kind="fieldnote", who="t").document_id
    other = documents.import_bytes(db, ("x" * 50).encode(), "other.txt", who="t").document_id
    a = codebook.add_code(db, "A", who="t")
    b = codebook.add_code(db, "B", who="t")
    # code A: Signe 0-20 and 50-60; Tobias 0-10 and 52-60  -> both 18, Signe only 12, Tobias only 0
    for start, end in [(0, 20), (50, 60)]:
        coding.apply(db, doc, a, start, end, coder="Signe")
    for start, end in [(0, 10), (52, 60)]:
        coding.apply(db, doc, a, start, end, coder="Tobias")
    # code B: only Tobias, 75-95
    coding.apply(db, doc, b, 75, 95, coder="Tobias")
    # the other document is coded by Signe alone and is left out by default
    coding.apply(db, other, a, 0, 50, coder="Signe")
    return db, doc


def test_character_level_by_hand(project):
    db, _ = project
    frame = agreement.compare(db, ["Signe", "Tobias"])
    assert frame.attrs["documents"] == ["notes"]  # the document coded by one coder only is not compared
    rows = frame.set_index("code")
    assert list(rows.loc["A", ["both", "first_only", "second_only", "neither"]]) == [18, 12, 0, len(TEXT) - 30]
    # A: p_o = 88/100; p1 = .30, p2 = .18; p_e = .054 + .574 = .628; kappa = (.88 - .628) / .372 = 0.6774
    assert rows.loc["A", "agreement_percent"] == 88.0 and rows.loc["A", "kappa"] == pytest.approx(0.6774, abs=1e-4)
    assert list(rows.loc["B", ["both", "first_only", "second_only"]]) == [0, 0, 20]
    pooled = rows.loc["(all codes)"]  # the two tables added up: 200 character-code units
    assert list(pooled[["both", "first_only", "second_only", "neither"]]) == [18, 12, 20, 150]


def test_unit_level_by_hand(project):
    db, _ = project
    rows = agreement.compare(db, ["Signe", "Tobias"], level="unit").set_index("code")
    # A: Signe codes turns 1 and 3, Tobias turns 1 and 3 -> total agreement on 4 units
    assert rows.loc["A", "units"] == 4 and rows.loc["A", "agreement_percent"] == 100.0
    assert rows.loc["A", "alpha"] == pytest.approx(1.0)
    # B: Tobias codes turn 4 only -> alpha from the matrix [[0,0,0,0],[0,0,0,1]]
    expected = krippendorff.alpha(reliability_data=np.array([[0, 0, 0, 0], [0, 0, 0, 1]], dtype=float), level_of_measurement="nominal")
    assert rows.loc["B", "alpha"] == pytest.approx(expected, abs=1e-4)


def test_unit_level_takes_three_coders(project):
    db, doc = project
    coding.apply(db, doc, "A", 1, 5, coder="Karen")
    frame = agreement.compare(db, ["Signe", "Tobias", "Karen"], level="unit", documents=[doc])
    assert "kappa" not in frame.columns and frame.set_index("code").loc["A", "units"] == 4
    with pytest.raises(QualbenchError, match="exactly two coders"):
        agreement.compare(db, ["Signe", "Tobias", "Karen"], level="character")


def test_segment_level_by_hand(project):
    db, _ = project
    rows = agreement.compare(db, ["Signe", "Tobias"], level="segment").set_index("code")
    # A: (0,20)~(0,10) shares 10/20 = .5: no match; (50,60)~(52,60) shares 8/10 = .8: no match at .9
    assert rows.loc["A", "agreement_percent"] == 0.0
    rows = agreement.compare(db, ["Signe", "Tobias"], level="segment", min_overlap=0.8).set_index("code")
    assert rows.loc["A", "agreement_percent"] == 50.0  # 1 of 2 segments matched for each coder


def test_disagreements_side_by_side(project):
    db, _ = project
    found = agreement.disagreements(db, ["Signe", "Tobias"])
    assert list(found[["code", "start", "end", "coded_by"]].itertuples(index=False, name=None)) == [
        ("A", 10, 20, "Signe"), ("A", 50, 52, "Signe"), ("B", 75, 95, "Tobias")]
    wide = agreement.side_by_side(found, ["Signe", "Tobias"])
    assert list(wide["Signe"]) == ["a" * 10, "cc", ""] and wide["Tobias"].iloc[2] == "d" * 20
    assert wide["open"].iloc[0] == f"/coding?document={found['document_id'].iloc[0]}&offset=10"


def test_clear_errors(project):
    db, _ = project
    with pytest.raises(NotFound, match="No coder “Nobody”"):
        agreement.compare(db, ["Signe", "Nobody"])
    with pytest.raises(QualbenchError, match="at least two coders"):
        agreement.compare(db, ["Signe"])
    from qualbench import store

    store.ensure_coder(db, "Idle")
    with pytest.raises(QualbenchError, match="Idle has no codings"):
        agreement.compare(db, ["Signe", "Idle"])
    with pytest.raises(QualbenchError, match="Unknown level"):
        agreement.compare(db, ["Signe", "Tobias"], level="paragraph")


def test_an_unused_code_gives_a_defined_row(project):
    db, _ = project
    codebook.add_code(db, "Nobody used me", who="t")
    row = agreement.compare(db, ["Signe", "Tobias"], codes=["Nobody used me"]).iloc[0]
    assert row["agreement_percent"] == 100.0 and row["kappa"] is None
    assert row["note"] == "agreement is total; kappa undefined" and row["verdict"] == "undefined"


def test_sample_coders_agree_substantially(sample_db):
    frame = agreement.compare(sample_db, ["Signe Holm", "Tobias Berg"], level="unit")
    pooled = frame.iloc[-1]
    assert pooled["code"] == "(all codes)" and 0.4 < pooled["alpha"] < 0.95


def test_per_document_rows(project):
    db, doc = project
    frame = agreement.compare(db, ["Signe", "Tobias"], by_document=True)
    assert list(frame.columns[:2]) == ["code", "document"] and list(frame["document"]) == ["notes", "notes"]
    assert "(all codes)" not in set(frame["code"])


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is installed by scripts/test.sh")
def test_the_word_table_converts_in_libreoffice(project, tmp_path):
    import subprocess

    from qualbench.export.methods import agreement_docx

    db, _ = project
    path = tmp_path / "agreement.docx"
    path.write_bytes(agreement_docx(agreement.compare(db, ["Signe", "Tobias"]), project="Test"))
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and (tmp_path / "agreement.pdf").stat().st_size > 1000, done.stderr
