"""Retrieval of coded excerpts: OR / AND / NOT on hand-built overlaps, filters, context, and clear errors.

The project below is built so that every Boolean rule has a case that must pass and a
case that must not: two codings by one coder that overlap, two that only touch, two that
overlap but are by two coders (never paired: DESIGN.md, "Co-occurrence"), a child code,
two documents with different case attributes.
"""

import csv
import itertools
import os
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from qualbench import analysis, codebook, coding, documents, retrieval, store
from qualbench.errors import NotFound, QualbenchError
from qualbench.filters import Filters

from ..conftest import ROOT

JOB = ("Interviewer: How is the counter these days?\n\n"
       "Respondent: The counter closes at noon and the phone line is busy. Citizens come anyway.\n\n"
       "Interviewer: Why do they come?\n\n"
       "Respondent: Because MitID fails, and nobody helps them with borgeren's kode.")
BORGER = ("Interviewer: Hvordan går det ved skranken?\n\n"
          "Respondent: Borgerne står i kø, og skærmen siger kode forkert. 👍🏽 Vi hjælper alligevel.\n\n"
          "Interviewer: Tak.")


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def build(db) -> dict:
    """Two documents, codes A (with child A1), B and C, and codings whose overlaps are known by construction."""
    job = documents.import_bytes(db, JOB.encode(), "job.txt", title="Jobcenter interview", kind="interview",
                                 attributes={"area": "Jobcenter", "role": "Caseworker"}, who="t").document_id
    borger = documents.import_bytes(db, BORGER.encode(), "borger.txt", title="Borgerservice interview", kind="interview",
                                    attributes={"area": "Borgerservice", "role": "Counter clerk"}, who="t").document_id
    codebook.add_code(db, "A", who="t", description="Codes of A.")
    codebook.add_code(db, "A1", who="t", parent="A", description="A child of A.")
    codebook.add_code(db, "B", who="t")
    codebook.add_code(db, "C", who="t")
    c = {}

    def code(name, document, text, quote, coder, memo="", day="2026-03-01"):
        start, end = span(text, quote)
        c[name] = coding.apply(db, document, name.split("_")[0], start, end, coder=coder, memo=memo)
        db.execute("UPDATE codings SET created_at = ? WHERE id = ?", [f"{day}T10:00:00+00:00", c[name]])
        return c[name]

    code("A_noon", job, JOB, "The counter closes at noon", "Signe", memo="Opening hours as a limit.")
    code("B_closes", job, JOB, "counter closes", "Signe")  # overlaps A_noon, same coder: an AND pair
    code("B_line", job, JOB, "closes at noon and the phone line", "Tobias", day="2026-04-02")  # overlaps A_noon, other coder
    code("B_busy", job, JOB, "phone line is busy. ", "Signe")  # ends exactly where A_anyway starts: touches, no overlap
    code("A_anyway", job, JOB, "Citizens come anyway.", "Signe")
    code("A1_mitid", job, JOB, "MitID fails", "Signe", day="2026-05-20")
    code("A_because", job, JOB, "Because MitID fails", "Tobias")  # overlaps A1_mitid, other coder
    code("C_nobody", job, JOB, "nobody helps them", "Tobias")
    code("A_queue", borger, BORGER, "Borgerne står i kø", "Signe", memo="Køen 😅")
    code("B_kode", borger, BORGER, "skærmen siger kode forkert. 👍🏽", "Signe")
    return {"job": job, "borger": borger, "codings": c}


@pytest.fixture
def project(db):
    return db, build(db)


def ids(frame) -> list[int]:
    return sorted(frame["coding_id"].tolist())


# --- OR, AND, NOT ---------------------------------------------------------------------------------


def test_or_gives_every_coding_of_any_code_and_a_parent_includes_its_children(project):
    db, p = project
    c = p["codings"]
    assert ids(retrieval.excerpts(db, codes=["A"])) == sorted([c["A_noon"], c["A_anyway"], c["A1_mitid"], c["A_because"], c["A_queue"]])
    assert ids(retrieval.excerpts(db, codes=["A"], children=False)) == sorted([c["A_noon"], c["A_anyway"], c["A_because"], c["A_queue"]])
    both = retrieval.excerpts(db, codes=["A1", "C"])
    assert ids(both) == sorted([c["A1_mitid"], c["C_nobody"]])
    assert ids(retrieval.excerpts(db, codes=["A1"], combine="or", other=["C"])) == ids(both)


def test_and_gives_the_overlapping_stretch_of_one_coders_pair_and_touching_is_not_overlapping(project):
    db, p = project
    c = p["codings"]
    frame = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"], children=False)
    # Signe's A_noon x her B_closes overlap; Tobias's B_line overlaps A_noon too, but a coding of another coder is
    # never paired; A_anyway x B_busy (both Signe's) only touch; A_queue x B_kode are apart
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["excerpt"] == "counter closes" and JOB[row["start"]:row["end"]] == "counter closes"
    assert (row["coding_id"], row["other_coding_id"]) == (c["A_noon"], c["B_closes"])
    assert (row["code"], row["other_code"], row["coder"], row["other_coder"]) == ("A", "B", "Signe", "Signe")
    assert (row["coders"], row["pairs"]) == ("Signe", 1)
    assert row["memo"] == "Opening hours as a limit." and row["other_memo"] == ""
    union = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"], stretch="union")
    assert union["excerpt"].tolist() == ["The counter closes at noon"]


def test_and_never_pairs_a_coding_with_itself_nor_with_another_coders(project):
    db, p = project
    # A1_mitid is in both sides (A includes its child A1) and overlaps itself; Tobias's A_because overlaps it,
    # but it is another coder's: no pair at all
    assert retrieval.excerpts(db, codes=["A"], combine="and", other=["A1"]).empty
    assert retrieval.excerpts(db, codes=["A"], combine="and", other=["A"]).empty


def test_not_keeps_the_codings_that_overlap_no_coding_of_the_other_code_by_their_coder(project):
    db, p = project
    c = p["codings"]
    frame = retrieval.excerpts(db, codes=["A"], combine="not", other=["B"])
    # only A_noon overlaps a B of its own coder (B_closes); A_anyway only touches B_busy
    assert ids(frame) == sorted([c["A_anyway"], c["A1_mitid"], c["A_because"], c["A_queue"]])
    # a coding of a code that is itself in B counts as coded B (A1_mitid); Tobias's A_because overlaps A1_mitid,
    # which is Signe's, so it stays
    assert ids(retrieval.excerpts(db, codes=["A"], combine="not", other=["A1"])) == sorted(
        [c["A_noon"], c["A_anyway"], c["A_because"], c["A_queue"]])


# Worked by hand: "0123456789 abcdefghij klmnopqrst" (31 characters, one paragraph).
TWO = "0123456789 abcdefghij klmnopqrst"


@pytest.fixture
def two_coders(db):
    """Signe and Tobias each code A on 0-10 and B on 5-15 (stretch 5-10); Tobias also codes A 12-20 and B 18-25
    (stretch 18-20), and Signe a second A 3-8 that overlaps her own A 0-10 and her B 5-15 (stretch 5-8)."""
    doc = documents.import_bytes(db, TWO.encode(), "two.txt", title="Two coders", who="t").document_id
    for name in ("A", "B"):
        codebook.add_code(db, name, who="t")
    made = {}
    for coder, memo in (("Signe", "Her reading."), ("Tobias", "His reading.")):
        made[f"A {coder}"] = coding.apply(db, doc, "A", 0, 10, coder=coder, memo=memo)
        made[f"B {coder}"] = coding.apply(db, doc, "B", 5, 15, coder=coder)
    made["A Tobias 2"] = coding.apply(db, doc, "A", 12, 20, coder="Tobias")
    made["B Tobias 2"] = coding.apply(db, doc, "B", 18, 25, coder="Tobias", memo="Late.")
    made["A Signe 2"] = coding.apply(db, doc, "A", 3, 8, coder="Signe")
    return db, made


def test_and_lists_each_distinct_stretch_once_with_the_coders_who_coded_it(two_coders):
    db, made = two_coders
    frame = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"])
    # Same-coder pairs of A and B: Signe A 0-10 x B 5-15 -> 5-10; Tobias A 0-10 x B 5-15 -> 5-10;
    # Signe A 3-8 x B 5-15 -> 5-8; Tobias A 12-20 x B 18-25 -> 18-20 (and Tobias A 12-20 x B 5-15 -> 12-15).
    # Pairing across coders would add Signe's A x Tobias's B and the reverse: 5-10 twice more, 5-8 once more.
    got = frame[["start", "end", "excerpt", "coders", "pairs"]].values.tolist()
    assert got == [[5, 8, TWO[5:8], "Signe", 1], [5, 10, TWO[5:10], "Signe, Tobias", 2],
                   [12, 15, TWO[12:15], "Tobias", 1], [18, 20, TWO[18:20], "Tobias", 1]]
    both = frame.iloc[1]
    assert both["coder"] == both["other_coder"] == "Signe, Tobias"
    # the first pair (coders in alphabetical order): Signe's A 0-10 and her B
    assert (both["coding_id"], both["other_coding_id"]) == (made["A Signe"], made["B Signe"])
    assert both["memo"] == "Signe: Her reading.\nTobias: His reading." and both["other_memo"] == ""
    assert frame.iloc[3]["other_memo"] == "Late."  # one coder: the memo as it is
    assert frame["pairs"].sum() == analysis.cooccurrence(db).loc["A", "B"] == 5
    assert set(retrieval.AND_COLUMNS) <= set(frame.columns) and set(retrieval.COLUMNS) <= set(frame.columns)
    # within one coder's codes, two overlapping codings make one pair, listed once (Signe's A 0-10 and A 3-8)
    same = retrieval.excerpts(db, codes=["A"], combine="and", other=["A"])
    assert same[["start", "end", "coders", "pairs"]].values.tolist() == [[3, 8, "Signe", 1]]


def test_not_is_decided_by_each_codings_own_coder(two_coders):
    db, made = two_coders
    # every coding of A overlaps a coding of B by its own coder: nothing is left
    assert retrieval.excerpts(db, codes=["A"], combine="not", other=["B"]).empty
    # Tobias's A codings against Signe's B only (a coder filter would drop Signe's B too, so delete his B 5-15):
    # his A 0-10 overlaps Signe's B 5-15 alone, and is kept; his A 12-20 still overlaps his B 18-25
    db.execute("DELETE FROM codings WHERE id = ?", [made["B Tobias"]])
    assert retrieval.excerpts(db, codes=["A"], combine="not", other=["B"])["coding_id"].tolist() == [made["A Tobias"]]


def test_the_union_stretch_with_two_coders(two_coders):
    db, _ = two_coders
    # union of each same-coder pair: Signe A 0-10 x B 5-15 and Tobias's the same -> 0-15 (two pairs, one row);
    # Signe A 3-8 x B 5-15 -> 3-15; Tobias A 12-20 x B 5-15 -> 5-20; Tobias A 12-20 x B 18-25 -> 12-25
    union = retrieval.excerpts(db, codes=["A"], combine="and", other=["B"], stretch="union")
    assert union[["start", "end", "coders", "pairs"]].values.tolist() == [
        [0, 15, "Signe, Tobias", 2], [3, 15, "Signe", 1], [5, 20, "Tobias", 1], [12, 25, "Tobias", 1]]


def test_and_agrees_with_a_pairwise_check_on_the_sample_project(sample_db):
    """Every overlapping same-coder pair of two codes' codings, found by brute force, lies behind one AND row, and
    each row is one distinct stretch naming the coders of its pairs (and nothing else is a row)."""
    all_codings = coding.codings(sample_db)
    stretches_checked = 0
    for a, b in [("Cross-pressure/Citizen expectations", "Boundary confusion/Acting on behalf"),
                 ("Cross-pressure/Emotional labour", "Competence gaps/Digital exclusion"),
                 ("Co-service/Relatives as helpers", "Privacy distance/Credentials and screens")]:
        xs = list(all_codings[all_codings["code"] == a].itertuples())
        ys = list(all_codings[all_codings["code"] == b].itertuples())
        expected: dict = {}
        for x, y in itertools.product(xs, ys):
            if x.document_id == y.document_id and x.coder == y.coder and x.start < y.end and y.start < x.end:
                expected.setdefault((x.document_id, max(x.start, y.start), min(x.end, y.end)), []).append(x.coder)
        frame = retrieval.excerpts(sample_db, codes=[a], combine="and", other=[b], children=False)
        got = {(r.document_id, r.start, r.end): (r.coders, r.pairs) for r in frame.itertuples()}
        assert got == {k: (", ".join(sorted(set(v))), len(v)) for k, v in expected.items()}
        assert len(got) == len(frame)  # one row per stretch
        stretches_checked += len(expected)
    assert stretches_checked > 0


# --- filters ----------------------------------------------------------------------------------------


def test_filter_by_attribute_kind_document_and_coder(project):
    db, p = project
    c = p["codings"]
    job_only = retrieval.excerpts(db, codes=["A"], filters=Filters(attributes={"area": ["Jobcenter"]}))
    assert set(job_only["document"]) == {"Jobcenter interview"} and len(job_only) == 4
    both_areas = retrieval.excerpts(db, codes=["A"], filters=Filters(attributes={"area": ["Jobcenter", "Borgerservice"]}))
    assert len(both_areas) == 5
    nobody = retrieval.excerpts(db, codes=["A"], filters=Filters(attributes={"area": ["Jobcenter"], "role": ["Counter clerk"]}))
    assert nobody.empty
    assert ids(retrieval.excerpts(db, codes=["A"], filters=Filters(documents=[p["borger"]]))) == [c["A_queue"]]
    assert retrieval.excerpts(db, codes=["A"], filters=Filters(kinds=["fieldnote"])).empty
    signe = retrieval.excerpts(db, codes=["A"], filters=Filters(coders=["Signe"]))
    assert set(signe["coder"]) == {"Signe"} and len(signe) == 4
    # the coder filter narrows A and B alike: Tobias's A_because overlaps no B of his
    assert len(retrieval.excerpts(db, codes=["A"], combine="and", other=["B"], filters=Filters(coders=["Signe"]))) == 1
    assert retrieval.excerpts(db, codes=["A"], combine="and", other=["B"], filters=Filters(coders=["Tobias"])).empty


def test_attributes_are_columns_of_every_row(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"])
    assert {"area", "role"} <= set(frame.columns)
    assert frame.attrs["attributes"] == ["area", "role"]
    row = frame[frame["document"] == "Borgerservice interview"].iloc[0]
    assert (row["area"], row["role"]) == ("Borgerservice", "Counter clerk")


def test_filter_by_date_coded(project):
    db, p = project
    c = p["codings"]
    assert ids(retrieval.excerpts(db, codes=["A", "B"], created_from="2026-04-01")) == sorted([c["B_line"], c["A1_mitid"]])
    assert ids(retrieval.excerpts(db, codes=["A", "B"], created_from="2026-04-02", created_to="2026-04-02")) == [c["B_line"]]
    assert c["A1_mitid"] not in ids(retrieval.excerpts(db, codes=["A"], created_to="2026-05-19"))


def test_filter_by_words_in_the_excerpt(project):
    db, p = project
    c = p["codings"]
    assert ids(retrieval.excerpts(db, codes=["A", "B", "C"], words="NOON")) == sorted([c["A_noon"], c["B_line"]])
    assert retrieval.excerpts(db, codes=["A", "B"], words="oon").empty  # a word's start, not its middle
    assert ids(retrieval.excerpts(db, codes=["A", "B"], words="noon phone")) == [c["B_line"]]  # every word
    assert ids(retrieval.excerpts(db, codes=["A", "B"], words='"the phone line"')) == [c["B_line"]]  # a phrase
    assert ids(retrieval.excerpts(db, codes=["A", "B"], words="borger")) == [c["A_queue"]]  # "Borgerne", ignoring case
    assert ids(retrieval.excerpts(db, codes=["B"], words="kode 👍🏽")) == [c["B_kode"]]


# --- the rows ---------------------------------------------------------------------------------------


def test_rows_carry_turn_speaker_memo_and_a_link_to_the_coding_page(project):
    db, p = project
    row = retrieval.excerpts(db, codes=["A"], children=False).iloc[0]
    assert row["excerpt"] == "The counter closes at noon"
    assert (row["turn"], row["speaker"]) == (2, "Respondent")  # the document's second turn
    assert row["memo"] == "Opening hours as a limit."
    assert row["link"] == f"/coding?document={p['job']}&offset={row['start']}"
    assert row["link"] == coding.passage_link(p["job"], JOB.index("The counter"))


def test_context_in_characters_never_cuts_a_word_and_turn_context_is_the_whole_turn(project):
    db, _ = project
    row = retrieval.excerpts(db, codes=["C"], context=12).iloc[0]
    start, end = span(JOB, "nobody helps them")
    assert JOB[start - len(row["context_before"]):start] == row["context_before"]
    assert JOB[end:end + len(row["context_after"])] == row["context_after"]
    assert 0 < len(row["context_before"]) <= 12 and 0 < len(row["context_after"]) <= 12
    assert JOB[start - len(row["context_before"]) - 1].isspace()  # begins at a word
    assert row["context_before"] == "fails, and " and row["context_after"] == " with"
    turn = retrieval.excerpts(db, codes=["C"], context="turn").iloc[0]
    last = documents.turns(db, int(turn["document_id"]))[-1]  # the speaker's label is not part of the turn
    assert (turn["turn"], last["speaker"]) == (last["index"] + 1, "Respondent")
    assert turn["context_before"] + turn["excerpt"] + turn["context_after"] == JOB[last["start"]:last["end"]]
    assert turn["context_before"] + turn["excerpt"] + turn["context_after"] == "Because MitID fails, and nobody helps them with borgeren's kode."
    none = retrieval.excerpts(db, codes=["C"]).iloc[0]
    assert none["context_before"] == none["context_after"] == ""


def test_counts_and_the_query_in_words(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["A"], combine="not", other=["B"], filters=Filters(attributes={"area": ["Jobcenter"]}, coders=["Signe"]),
                               words="MitID", context="turn")
    assert retrieval.counts(frame) == {"excerpts": 1, "documents": 1}
    assert retrieval.counts_text(frame) == "1 excerpt from 1 document"
    words = dict(frame.attrs["description"])
    assert "“A” with its 1 sub-code NOT “B”" in words["Codes"]
    assert words["area"] == "Jobcenter" and words["Coders"] == "Signe" and words["Excerpt contains"] == "MitID"
    assert words["Context"] == "the whole turn"


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("options, message", [
    ({"codes": []}, "at least one code"),
    ({"codes": ["Nope"]}, "No code “Nope”"),
    ({"codes": ["A"], "combine": "and"}, "needs a second code"),
    ({"codes": ["A"], "combine": "xor", "other": ["B"]}, "Unknown combination"),
    ({"codes": ["A"], "created_from": "2026-02-30"}, "not a date"),
    ({"codes": ["A"], "created_from": "2026-05-01", "created_to": "2026-04-01"}, "runs backwards"),
    ({"codes": ["A"], "context": -5}, "Context"),
    ({"codes": ["A"], "filters": Filters(coders=["Nobody"])}, "No coder 'Nobody'"),
    ({"codes": ["A"], "filters": Filters(attributes={"colour": ["red"]})}, "No attribute 'colour'"),
    ({"codes": ["A"], "filters": Filters(attributes={"area": ["Jobcentre"]})}, "values of area: Borgerservice, Jobcenter"),
    ({"codes": ["A"], "filters": Filters(documents=[999])}, "No document with id 999"),
])
def test_bad_queries_say_what_is_wrong(project, options, message):
    db, _ = project
    with pytest.raises(QualbenchError, match=message.replace("(", r"\(")):
        retrieval.excerpts(db, **options)


def test_a_query_that_matches_nothing_is_an_empty_frame_with_its_columns(project):
    db, _ = project
    frame = retrieval.excerpts(db, codes=["C"], combine="and", other=["B"])
    assert frame.empty and "excerpt" in frame.columns and "other_code" in frame.columns
    assert retrieval.counts(frame) == {"excerpts": 0, "documents": 0}
    assert isinstance(pytest.raises(NotFound, retrieval.excerpts, db, codes=["Nope"]).value, QualbenchError)


# --- the `excerpts` command -----------------------------------------------------------------------


def qb(*args, cwd):
    result = subprocess.run([sys.executable, "-m", "qualbench", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_excerpts_command_writes_a_bare_name_into_exports_and_prints_the_path(sample_path, tmp_path):
    done = qb("--db", sample_path, "excerpts", "--code", "Cross-pressure", "--where", "area=Jobcenter", "--out", "cp.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "exports" / "cp.csv"
    assert done.stdout.strip().endswith(f"written to {Path('exports') / 'cp.csv'}")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    db = store.open_project(sample_path, create=False)
    expected = retrieval.excerpts(db, codes=["Cross-pressure"], filters=Filters(attributes={"area": ["Jobcenter"]}))
    assert len(rows) == len(expected) > 0
    assert {r["area"] for r in rows} == {"Jobcenter"} and all(r["code"].startswith("Cross-pressure") for r in rows)
    assert done.stdout.startswith(retrieval.counts_text(expected))


def test_excerpts_command_and_not_xlsx_docx(sample_path, tmp_path):
    db = store.open_project(sample_path, create=False)
    both = qb("--db", sample_path, "excerpts", "--code", "Cross-pressure", "--and", "Boundary confusion", "--coder", "Signe Holm",
              "--out", tmp_path / "both.xlsx", cwd=tmp_path)
    assert both.returncode == 0, both.stderr
    sheet = openpyxl.load_workbook(tmp_path / "both.xlsx").active
    expected = retrieval.excerpts(db, codes=["Cross-pressure"], combine="and", other=["Boundary confusion"], filters=Filters(coders=["Signe Holm"]))
    assert sheet.max_row - 1 == len(expected) > 0
    header = [c.value for c in sheet[1]]
    assert {"other_code", "other_coder", "area", "site", "role"} <= set(header)
    without = qb("--db", sample_path, "excerpts", "--code", "Privacy distance", "--not", "Cross-pressure", "--context", "turn",
                 "--group-by", "document", "--codebook", "--out", tmp_path / "r" / "without.docx", cwd=tmp_path)
    assert without.returncode == 0, without.stderr
    report = docx.Document(tmp_path / "r" / "without.docx")
    rows = retrieval.excerpts(db, codes=["Privacy distance"], combine="not", other=["Cross-pressure"])
    n = len(rows.drop_duplicates(["code_id", "document_id", "start", "end"]))  # a passage both coders coded is quoted once
    assert sum(p.style.name == "Excerpt" for p in report.paragraphs) == n > 0 and n < len(rows)


@pytest.mark.parametrize("args, message", [
    (["--code", "Nope", "--out", "x.csv"], "No code “Nope”"),
    (["--code", "Cross-pressure", "--where", "area=Jobcentre", "--out", "x.csv"], "No document has area = 'Jobcentre'"),
    (["--code", "Cross-pressure", "--out", "/proc/qualbench/x.csv"], "cannot be written"),
    (["--code", "Cross-pressure", "--out", "x.pdf"], "write it as .docx, .csv or .xlsx"),
    (["--code", "Cross-pressure", "--and", "Unlearning", "--not", "Co-service", "--out", "x.csv"], "not allowed with"),
])
def test_excerpts_command_bad_input_is_one_line_and_writes_nothing(sample_path, tmp_path, args, message):
    result = qb("--db", sample_path, "excerpts", *args, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert not (tmp_path / "exports").exists()


def test_excerpts_command_with_no_match_writes_an_honest_empty_report(sample_path, tmp_path):
    result = qb("--db", sample_path, "excerpts", "--code", "Cross-pressure", "--words", "zyzzyva", "--out", "none.docx", cwd=tmp_path)
    assert result.returncode == 0 and "No excerpts match this query" in result.stdout
    text = "\n".join(p.text for p in docx.Document(tmp_path / "exports" / "none.docx").paragraphs)
    assert "0 excerpts from 0 documents" in text and "No excerpts match this query" in text
