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


# --- issue 12: figures that are right ----------------------------------------------------------------


def _document(db, text, title, turns):
    """A document stored as it is given (turns as offset ranges), bypassing the file parsers."""
    parsed = documents.ParsedDocument(text=text, turns=[documents.Turn(s, e) for s, e in turns])
    return documents.add_document(db, parsed, title=title, who="t").document_id


def test_a_document_with_nul_and_control_characters_counts_every_character(db):
    # 100 characters, a NUL at 2 and a control character at 30: SQLite's length() stops at the NUL (2).
    # Hand count for code A: Signe 0-20, Tobias 0-10 -> both 10, Signe only 10, Tobias only 0, neither 100 - 20 = 80.
    text = "ab\x00" + "c" * 27 + "\x01" + "d" * 69
    doc = _document(db, text, "nul", [(0, 50), (50, 100)])
    db.execute("UPDATE documents SET text = ? WHERE id = ?", [text, doc])  # as a project imported before the importer dropped them
    assert len(db.execute("SELECT text FROM documents WHERE id = ?", [doc]).fetchone()[0]) == 100
    codebook.add_code(db, "A", who="t")
    coding.apply(db, doc, "A", 0, 20, coder="Signe")
    coding.apply(db, doc, "A", 0, 10, coder="Tobias")
    row = agreement.compare(db, ["Signe", "Tobias"]).set_index("code").loc["A"]
    assert list(row[["both", "first_only", "second_only", "neither"]]) == [10, 10, 0, 80]
    assert row["agreement_percent"] == pytest.approx(90.0)
    by_document = agreement.compare(db, ["Signe", "Tobias"], by_document=True).iloc[0]
    assert by_document["characters"] == 100 and by_document["neither"] == 80


def test_the_word_table_rounds_once_from_the_exact_value(db):
    # Hand-worked: 139 characters; Signe 0-40, Tobias 0-35 and 40-54 -> both 35, Signe only 5, Tobias only 14, neither 85.
    # p_o = 120/139; p1 = 40/139, p2 = 49/139; p_e = (40*49 + 99*90)/139^2 = 10870/19321;
    # kappa = (120*139 - 10870) / (19321 - 10870) = 5810/8451 = 0.687493..., so three places give 0.687 (not 0.688,
    # which is what rounding first to four places, 0.6875, and then to three gives).
    import io

    import docx

    from qualbench.export.methods import agreement_docx

    doc = _document(db, "x" * 139, "d", [(0, 139)])
    codebook.add_code(db, "A", who="t")
    coding.apply(db, doc, "A", 0, 40, coder="Signe")
    for start, end in [(0, 35), (40, 54)]:
        coding.apply(db, doc, "A", start, end, coder="Tobias")
    frame = agreement.compare(db, ["Signe", "Tobias"])
    assert frame.loc[0, "kappa"] == pytest.approx(5810 / 8451, abs=1e-12)  # the exact value, not 0.6875
    table = docx.Document(io.BytesIO(agreement_docx(frame, project="T"))).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert table.rows[1].cells[header.index("kappa")].text == "0.687"
    assert agreement.rounded(frame).loc[0, "kappa"] == 0.6875  # the CSV and the page: four places, from the exact value


def test_repeated_documents_and_codes_count_once(project):
    db, doc = project
    once = agreement.compare(db, ["Signe", "Tobias"], documents=[doc], codes=["A"])
    twice = agreement.compare(db, ["Signe", "Tobias"], documents=[doc, doc], codes=["A", "A", "A"])
    assert len(twice) == 2 and list(twice["code"]) == ["A", "(all codes)"]
    assert twice.iloc[0]["neither"] == once.iloc[0]["neither"] == len(TEXT) - 30
    assert twice.attrs["documents"] == ["notes"]
    found = agreement.disagreements(db, ["Signe", "Tobias"], documents=[doc, doc], codes=["A", "A"])
    assert len(found) == 2  # (10, 20) and (50, 52), each once


@pytest.fixture
def rotating(db):
    """Three coders, three documents of four paragraphs, each document coded by two of them (a rotating design)."""
    text = "\n\n".join(["a" * 8, "b" * 8, "c" * 8, "d" * 8])  # paragraphs 0-8, 10-18, 20-28, 30-38
    turns = [(0, 8), (10, 18), (20, 28), (30, 38)]
    ids = [_document(db, text.replace("a", letter), f"doc{i}", turns) for i, letter in enumerate("xyz", 1)]
    codebook.add_code(db, "A", who="t")
    coded = {  # document -> coder -> paragraphs coded with A
        ids[0]: {"Ann": [0, 1], "Ben": [0]},
        ids[1]: {"Ben": [2], "Cas": [2, 3]},
        ids[2]: {"Ann": [1, 3], "Cas": [3]},
    }
    for doc, by_coder in coded.items():
        for coder, paragraphs in by_coder.items():
            for p in paragraphs:
                coding.apply(db, doc, "A", *turns[p], coder=coder)
    return db, ids, coded


def test_unit_level_treats_documents_a_coder_did_not_code_as_missing(rotating):
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": a value a coder did not give is missing, and
    # units with fewer than two values are not pairable. Here each unit has values from the two coders of its
    # document; the third is missing (np.nan for the `krippendorff` package, the independent oracle).
    db, ids, coded = rotating
    frame = agreement.compare(db, ["Ann", "Ben", "Cas"], level="unit")
    assert frame.attrs["documents"] == ["doc1", "doc2", "doc3"]
    matrix = [[np.nan if coder not in coded[doc] else float(p in coded[doc][coder]) for doc in ids for p in range(4)]
              for coder in ["Ann", "Ben", "Cas"]]
    expected = krippendorff.alpha(reliability_data=np.array(matrix), level_of_measurement="nominal")
    row = frame.set_index("code").loc["A"]
    assert row["alpha"] == pytest.approx(expected, abs=1e-12) and row["units"] == 12
    # what it is not: the same matrix with the missing values read as "not coded"
    wrong = krippendorff.alpha(reliability_data=np.nan_to_num(np.array(matrix)), level_of_measurement="nominal")
    assert abs(wrong - expected) > 0.01
    # two coders at character level keep the documents both coded
    assert agreement.compare(db, ["Ann", "Ben"]).attrs["documents"] == ["doc1"]


def test_a_coder_without_codings_in_the_compared_documents_is_named(project):
    db, doc = project
    compared, _ = agreement.scope(db, ["Signe", "Tobias"], documents=[doc])  # a document both coded is fine
    assert [(d["title"], d["coded_by"]) for d in compared] == [("notes", ["Signe", "Tobias"])]
    other_id = db.execute("SELECT id FROM documents WHERE title = 'other'").fetchone()[0]
    with pytest.raises(QualbenchError, match="Tobias has no codings in the documents compared"):
        agreement.compare(db, ["Signe", "Tobias"], documents=[other_id])


@pytest.fixture
def two_sizes(db):
    """NVivo's published example (1,000 characters) and a 500-character document the coders agree on fully."""
    big = _document(db, "x" * 1000, "big", [(0, 1000)])
    small = _document(db, "y" * 500, "small", [(0, 500)])
    codebook.add_code(db, "A", who="t")
    # big: both 50, first only 100, second only 50, neither 800 (NVivo help, "Run a coding comparison query")
    for start, end in [(0, 100), (100, 150)]:
        coding.apply(db, big, "A", start, end, coder="Signe")
    for start, end in [(50, 100), (900, 950)]:
        coding.apply(db, big, "A", start, end, coder="Tobias")
    # small: both coded 0-40 -> 40 both, 460 neither: kappa 1
    coding.apply(db, small, "A", 0, 40, coder="Signe")
    coding.apply(db, small, "A", 0, 40, coder="Tobias")
    return db


def test_nvivo_average_weights_each_documents_kappa_by_its_size(two_sizes):
    # NVivo computes kappa per code and document (source); its help averages across sources weighting each
    # by its size. big: kappa = (.85 - .78) / .22 = 7/22 (0.318, NVivo's example); small: kappa 1.
    # Weighted by size: (7/22 * 1000 + 1 * 500) / 1500 = 6/11 = 0.5454...; percent: (85 * 1000 + 100 * 500) / 1500 = 90.
    # Qualbench's pooled kappa adds the two tables instead: (90, 100, 50, 1260) -> p_o = .9,
    # p_e = (190 * 140 + 1310 * 1360) / 1500^2 = 0.803644..., kappa = 0.4907...
    db = two_sizes
    rows = agreement.compare(db, ["Signe", "Tobias"]).set_index("code")
    assert rows.loc["A", "nvivo_kappa"] == pytest.approx(6 / 11)
    assert rows.loc["A", "nvivo_agreement_percent"] == pytest.approx(90.0)
    assert rows.loc["A", "nvivo_averaged"] == 2
    p_e = (190 * 140 + 1310 * 1360) / 1500 ** 2
    assert rows.loc["A", "kappa"] == pytest.approx((0.9 - p_e) / (1 - p_e))
    by_document = agreement.compare(db, ["Signe", "Tobias"], by_document=True).set_index("document")
    assert list(by_document["characters"]) == [1000, 500]
    assert by_document.loc["big", "kappa"] == pytest.approx(7 / 22) and by_document.loc["small", "kappa"] == pytest.approx(1.0)


def test_nvivo_average_counts_a_document_in_total_agreement_as_kappa_1(db):
    # NVivo's example document (kappa 7/22) and a second one both coders coded with B only: nobody used A
    # there (p_e = 1, our kappa undefined), which NVivo lists as K = 1 and 100 % ("If the users are in
    # complete agreement then the Kappa coefficient (K) = 1", NVivo help, "Run a Coding Comparison query").
    # Weighted by size: (1000 * 7/22 + 500 * 1) / 1500 = 6/11, and (1000 * 85 % + 500 * 100 %) / 1500 = 90 %.
    big = _document(db, "x" * 1000, "big", [(0, 1000)])
    small = _document(db, "y" * 500, "small", [(0, 500)])
    codebook.add_code(db, "A", who="t")
    codebook.add_code(db, "B", who="t")
    for start, end in [(0, 100), (100, 150)]:
        coding.apply(db, big, "A", start, end, coder="Signe")
    for start, end in [(50, 100), (900, 950)]:
        coding.apply(db, big, "A", start, end, coder="Tobias")
    for coder in ("Signe", "Tobias"):
        coding.apply(db, small, "B", 0, 10, coder=coder)
    rows = agreement.compare(db, ["Signe", "Tobias"], codes=["A"]).set_index("code")
    assert rows.loc["A", "nvivo_kappa"] == pytest.approx(6 / 11) and rows.loc["A", "nvivo_averaged"] == 2
    assert rows.loc["A", "nvivo_agreement_percent"] == pytest.approx(90.0)


def test_column_meanings_name_the_coders(project):
    db, _ = project
    meanings = agreement.column_meanings(agreement.compare(db, ["Signe", "Tobias"]))
    assert "Signe" in meanings["first_only"] and "Tobias" in meanings["second_only"]
    assert {"both", "neither", "kappa", "nvivo_kappa", "verdict"} <= set(meanings)


def test_unit_level_two_coders_a_document_one_did_not_code_adds_no_pairable_unit(project):
    # Krippendorff (2011): a unit with a single value is not pairable. "other" was coded by Signe alone, so its
    # unit is missing for Tobias and alpha and kappa are those of "notes" alone.
    db, doc = project
    other = db.execute("SELECT id FROM documents WHERE title = 'other'").fetchone()[0]
    both = agreement.compare(db, ["Signe", "Tobias"], level="unit", documents=[doc, other], codes=["A", "B"]).set_index("code")
    alone = agreement.compare(db, ["Signe", "Tobias"], level="unit", documents=[doc], codes=["A", "B"]).set_index("code")
    assert both.loc["B", "units"] == alone.loc["B", "units"] + 1
    assert both.loc["B", "alpha"] == pytest.approx(alone.loc["B", "alpha"]) and both.loc["B", "kappa"] == pytest.approx(alone.loc["B", "kappa"])
    assert both.loc["(all codes)", "alpha"] == pytest.approx(alone.loc["(all codes)", "alpha"])
