"""Co-occurrence as DESIGN.md defines it: matrices worked out by hand, and the fast path equals the pairwise reference."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualbench import analysis, codebook, coding, documents, store
from qualbench.errors import NotFound, QualbenchError
from qualbench.filters import Filters

# One field note of three paragraphs (turns): 0-20, 22-42, 44-64; a second note of one paragraph 0-30.
NOTE = "\n\n".join(["a" * 20, "b" * 20, "c" * 20])


@pytest.fixture
def project(db):
    one = documents.import_bytes(db, NOTE.encode(), "one.txt", kind="fieldnote", who="t").document_id
    two = documents.import_bytes(db, ("z" * 30).encode(), "two.txt", kind="fieldnote", who="t").document_id
    theme = codebook.add_code(db, "Theme", who="t")
    codebook.add_code(db, "A", parent=theme, who="t")
    codebook.add_code(db, "B", parent=theme, who="t")
    codebook.add_code(db, "C", who="t")
    put = lambda doc, code, s, e, who="Signe": coding.apply(db, doc, code, s, e, coder=who)
    put(one, "A", 0, 50)       # long A over turns 1-3
    put(one, "B", 2, 5)        # three short B inside it, all in turn 1 ...
    put(one, "B", 10, 15)
    put(one, "B", 24, 30)      # ... and turn 2
    put(one, "C", 50, 60)      # C touches A's end (50): no overlap; C is in turn 3 with A
    put(one, "C", 45, 48, "Tobias")
    put(two, "A", 0, 10)
    put(two, "C", 10, 20)      # touching again: no overlap, but same document and same turn
    return db


def cell(frame, a, b):
    return frame.loc[a, b]


def test_overlap_counts_and_c_above_one(project):
    count = analysis.cooccurrence(project, scope="overlap")
    # A x B: Signe's long A overlaps her three B -> 3 pairs. A x C: C 45-48 lies inside A 0-50, but it is Tobias's
    # and A is Signe's: not a pair (co-occurrence is read within one coder's work); C 50-60 and the A/C in
    # document two only touch. B x C: none.
    assert cell(count, "Theme/A", "Theme/B") == 3 and cell(count, "Theme/B", "Theme/A") == 3
    assert cell(count, "Theme/A", "C") == 0 and cell(count, "Theme/B", "C") == 0
    assert np.all(np.diag(count.to_numpy()) == 0)
    c = analysis.cooccurrence(project, scope="overlap", measure="c")
    # n_A = 2, n_B = 3, n_AB = 3 -> c = 3 / (2 + 3 - 3) = 1.5: above 1, shown as it is
    assert cell(c, "Theme/A", "Theme/B") == pytest.approx(1.5)
    # n_A = 2, n_C = 3 (both coders' codings count for n), n_AC = 0 -> 0 / 5
    assert cell(c, "Theme/A", "C") == 0
    assert c.attrs["n"] == {"Theme/A": 2, "Theme/B": 3, "C": 3}


def test_turn_scope_by_hand(project):
    count = analysis.cooccurrence(project, scope="turn")
    # units holding A: turns 1, 2, 3 of one and the turn of two (4); B: turns 1, 2; C: turn 3 (Signe's 50-60 and
    # Tobias's 45-48), the turn of two. A x C: turn 3 (Signe coded A and C there) and the turn of two -> 2.
    assert cell(count, "Theme/A", "Theme/B") == 2 and cell(count, "Theme/A", "C") == 2 and cell(count, "Theme/B", "C") == 0
    c = analysis.cooccurrence(project, scope="turn", measure="c")
    assert cell(c, "Theme/A", "Theme/B") == pytest.approx(2 / (4 + 2 - 2))
    assert cell(c, "Theme/A", "C") == pytest.approx(2 / (4 + 2 - 2))


def test_document_scope_by_hand(project):
    count = analysis.cooccurrence(project, scope="document")
    assert cell(count, "Theme/A", "C") == 2 and cell(count, "Theme/A", "Theme/B") == 1 and cell(count, "Theme/B", "C") == 1
    c = analysis.cooccurrence(project, scope="document", measure="c")
    assert cell(c, "Theme/A", "C") == pytest.approx(1.0) and cell(c, "Theme/B", "C") == pytest.approx(1 / 2)


def test_a_coding_ending_where_a_turn_starts_does_not_touch_it(db):
    doc = documents.import_bytes(db, "aaaa\n\nbbbb".encode(), "x.txt", who="t").document_id  # turns 0-4, 6-10
    coding.apply(db, doc, codebook.add_code(db, "A", who="t"), 0, 4, coder="S")
    coding.apply(db, doc, codebook.add_code(db, "B", who="t"), 6, 10, coder="S")
    assert analysis.cooccurrence(db, scope="turn").loc["A", "B"] == 0
    assert analysis.cooccurrence(db, scope="document").loc["A", "B"] == 1


def test_rollup_counts_children_under_their_theme(project):
    count = analysis.cooccurrence(project, scope="overlap", rollup=True)
    assert list(count.index) == ["Theme", "C"]
    # A-with-B pairs are now inside one code and not counted; the one C inside A (45-48) is Tobias's, A is Signe's
    assert cell(count, "Theme", "C") == 0
    turn = analysis.cooccurrence(project, scope="turn", rollup=True)
    assert cell(turn, "Theme", "C") == 2  # turn 3 of one and the turn of two, Signe's both times


def test_coder_filter_and_bad_input(project):
    tobias = analysis.cooccurrence(project, filters=Filters(coders=["Tobias"]))
    assert list(tobias.index) == ["C"]  # Tobias coded only C
    signe = analysis.cooccurrence(project, scope="turn", filters=Filters(coders=["Signe"]))
    assert cell(signe, "Theme/A", "C") == 2
    with pytest.raises(NotFound, match="No coder 'Nobody'"):
        analysis.cooccurrence(project, filters=Filters(coders=["Nobody"]))
    with pytest.raises(NotFound, match="No attribute 'area'"):
        analysis.cooccurrence(project, filters=Filters(attributes={"area": ["Jobcenter"]}))
    with pytest.raises(QualbenchError, match="Unknown scope"):
        analysis.cooccurrence(project, scope="sentence")


# --- two coders: a pair is always one coder's pair (DESIGN.md, "Co-occurrence") -------------------------


@pytest.fixture
def twice(db):
    """One paragraph that Signe and Tobias each coded A (0-10) and B (2-8): the same reading, twice."""
    doc = documents.import_bytes(db, ("x" * 30).encode(), "x.txt", title="x", who="t").document_id
    for code in ("A", "B"):
        codebook.add_code(db, code, who="t")
    for coder in ("Signe", "Tobias"):
        coding.apply(db, doc, "A", 0, 10, coder=coder)
        coding.apply(db, doc, "B", 2, 8, coder=coder)
    return db


def test_two_coders_coding_the_same_passage_give_two_pairs_and_c_one(twice):
    # Worked by hand: n_A = 2, n_B = 2 (both coders' codings). Same-coder overlapping pairs: Signe's A with Signe's B,
    # Tobias's A with Tobias's B -> n_AB = 2 and c = 2 / (2 + 2 - 2) = 1. Pairing across coders gave 4 pairs and
    # a denominator of 0 (shown as c = 0).
    assert analysis.cooccurrence(twice).loc["A", "B"] == 2
    assert analysis.cooccurrence(twice, measure="c").loc["A", "B"] == pytest.approx(1.0)
    assert analysis.cooccurrence_reference(twice).loc["A", "B"] == 2
    # turn and document: one unit, in which one coder (each of them) coded both -> n_A = n_B = n_AB = 1, c = 1
    for scope in ("turn", "document"):
        assert analysis.cooccurrence(twice, scope=scope).loc["A", "B"] == 1
        assert analysis.cooccurrence(twice, scope=scope, measure="c").loc["A", "B"] == pytest.approx(1.0)
    # one coder alone: n_A = n_B = n_AB = 1, c = 1
    signe = analysis.cooccurrence(twice, measure="c", filters=Filters(coders=["Signe"]))
    assert signe.loc["A", "B"] == pytest.approx(1.0) and signe.attrs["n"] == {"A": 1, "B": 1}


def test_the_passage_two_coders_coded_is_listed_once_with_both_coders(twice):
    passages = analysis.cell_excerpts(twice, "A", "B")
    assert passages[["start", "end", "coders", "pairs", "text"]].values.tolist() == [[2, 8, "Signe, Tobias", 2, "x" * 6]]
    assert passages["pairs"].sum() == analysis.cooccurrence(twice).loc["A", "B"]
    turns = analysis.cell_excerpts(twice, "A", "B", scope="turn")
    assert turns[["start", "end", "coders"]].values.tolist() == [[0, 30, "Signe, Tobias"]]
    assert analysis.cell_excerpts(twice, "A", "A").empty  # the diagonal: a code does not co-occur with itself


def test_in_a_unit_one_coder_must_have_coded_both(db):
    # Two paragraphs (turns 0-10, 12-22). Turn 1: Signe coded A, Tobias coded B. Turn 2: both coded A and B.
    # By hand: units holding A = 2, holding B = 2; units where one coder coded both = turn 2 only -> n_AB = 1,
    # c = 1 / (2 + 2 - 1) = 1/3. Turn 1 counts for n_A and n_B, not for n_AB. Overlap scope: the codings in
    # turn 1 overlap but are by two coders (0 pairs); turn 2 gives one pair per coder -> n_AB = 2.
    doc = documents.import_bytes(db, ("a" * 10 + "\n\n" + "b" * 10).encode(), "t.txt", kind="fieldnote", who="t").document_id
    for code in ("A", "B"):
        codebook.add_code(db, code, who="t")
    coding.apply(db, doc, "A", 0, 6, coder="Signe")
    coding.apply(db, doc, "B", 3, 9, coder="Tobias")
    for coder in ("Signe", "Tobias"):
        coding.apply(db, doc, "A", 12, 18, coder=coder)
        coding.apply(db, doc, "B", 14, 20, coder=coder)
    turn = analysis.cooccurrence(db, scope="turn")
    assert turn.loc["A", "B"] == 1 and turn.attrs["n"] == {"A": 2, "B": 2}
    assert analysis.cooccurrence(db, scope="turn", measure="c").loc["A", "B"] == pytest.approx(1 / 3)
    assert analysis.cooccurrence(db, scope="document").loc["A", "B"] == 1  # one document: one coder coded both
    assert analysis.cooccurrence(db, scope="overlap").loc["A", "B"] == 2
    assert analysis.cooccurrence(db, scope="overlap", measure="c").loc["A", "B"] == pytest.approx(2 / (3 + 3 - 2))
    passages = analysis.cell_excerpts(db, "A", "B", scope="turn")
    assert passages[["start", "end", "coders", "text"]].values.tolist() == [[12, 22, "Signe, Tobias", "b" * 10]]
    overlap = analysis.cell_excerpts(db, "A", "B")
    assert overlap[["start", "end", "coders", "pairs"]].values.tolist() == [[14, 18, "Signe, Tobias", 2]]


def test_c_is_undefined_where_its_denominator_is_zero_or_less(db, tmp_path):
    # One coder: two long A codings (0-30, 5-35) each overlap both short B codings (10-12, 20-22): n_A = n_B = 2,
    # n_AB = 4, so n_A + n_B - n_AB = 0: c is undefined (NaN), not 0. With a third A and a third B (all overlapping)
    # n_AB = 9 and the denominator is 3 + 3 - 9 = -3: undefined too.
    doc = documents.import_bytes(db, ("y" * 40).encode(), "y.txt", title="y", who="t").document_id
    for code in ("A", "B", "C"):
        codebook.add_code(db, code, who="t")
    for start, end in ((0, 30), (5, 35)):
        coding.apply(db, doc, "A", start, end, coder="S")
    for start, end in ((10, 12), (20, 22)):
        coding.apply(db, doc, "B", start, end, coder="S")
    coding.apply(db, doc, "C", 36, 40, coder="S")  # apart from both: n_AC = 0, c = 0 / (2 + 1) = 0, defined
    c = analysis.cooccurrence(db, measure="c")
    assert np.isnan(c.loc["A", "B"]) and np.isnan(c.loc["B", "A"])
    assert c.loc["A", "C"] == 0 and c.loc["A", "A"] == 0
    assert analysis.cooccurrence(db).loc["A", "B"] == 4
    assert np.isnan(analysis.cooccurrence_reference(db, measure="c").loc["A", "B"])
    coding.apply(db, doc, "A", 1, 33, coder="S")
    coding.apply(db, doc, "B", 25, 27, coder="S")
    assert analysis.cooccurrence(db).loc["A", "B"] == 9 and np.isnan(analysis.cooccurrence(db, measure="c").loc["A", "B"])


def test_the_cooccurrence_command_leaves_an_undefined_c_blank(tmp_path):
    import subprocess
    import sys

    from ..conftest import ROOT

    path = tmp_path / "p.db"
    db = store.open_project(path)
    doc = documents.import_bytes(db, ("y" * 40).encode(), "y.txt", title="y", who="t").document_id
    for code in ("A", "B", "C"):
        codebook.add_code(db, code, who="t")
    for start, end in ((0, 30), (5, 35)):  # as above: n_A = n_B = 2, n_AB = 4, undefined
        coding.apply(db, doc, "A", start, end, coder="S")
    for start, end in ((10, 12), (20, 22)):
        coding.apply(db, doc, "B", start, end, coder="S")
    coding.apply(db, doc, "C", 6, 9, coder="S")  # overlaps both A, neither B: n_AC = 2, c = 2 / (2 + 1 - 2) = 2; B x C: 0
    db.close()
    out = tmp_path / "c.csv"
    done = subprocess.run([sys.executable, "-m", "qualbench", "--db", str(path), "cooccurrence", "--measure", "c", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 cells have an undefined c" in done.stdout  # A x B and B x A
    assert out.read_text(encoding="utf-8").splitlines() == ["code,A,B,C", "A,0.0000,,2.0000", "B,,0.0000,0.0000",
                                                            "C,2.0000,0.0000,0.0000"]


def test_a_code_held_by_no_unit_gives_an_undefined_c_in_the_turn_scope(db):
    # A transcript: a turn is what a speaker says, without the "Interviewer: " label. A and B coded only on the
    # label "Interviewer" overlap each other (overlap scope: n_AB = 1, c = 1 / (1 + 1 - 1) = 1), but no turn
    # holds either: n_A = n_B = n_AB = 0 and c = 0 / 0 is undefined.
    text = "Interviewer: How is it?\n\nRespondent: Fine.\n\nInterviewer: Why?\n\nRespondent: Because."
    doc = documents.import_bytes(db, text.encode(), "x.txt", kind="interview", who="t").document_id
    assert documents.turns(db, doc)[0]["start"] == len("Interviewer: ")  # the label lies outside every turn
    for code in ("A", "B"):
        coding.apply(db, doc, codebook.add_code(db, code, who="t"), 0, len("Interviewer"), coder="S")
    assert analysis.cooccurrence(db, measure="c").loc["A", "B"] == 1
    turn = analysis.cooccurrence(db, scope="turn", measure="c")
    assert turn.attrs["n"] == {"A": 0, "B": 0} and np.isnan(turn.loc["A", "B"])
    assert np.isnan(analysis.cooccurrence_reference(db, scope="turn", measure="c").loc["A", "B"])


projects = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3), st.integers(0, 58), st.integers(1, 30), st.integers(0, 1)),
                    min_size=1, max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects)
def test_fast_equals_pairwise_reference_on_random_projects(spec):
    db = store.open_project(":memory:")
    texts = [NOTE, "q" * 60, "\n\n".join(["r" * 9] * 6)]
    docs = [documents.import_bytes(db, t.encode(), f"d{i}.txt", who="t").document_id for i, t in enumerate(texts)]
    theme = codebook.add_code(db, "T", who="t")
    codes = [codebook.add_code(db, f"K{i}", parent=theme if i < 2 else None, who="t") for i in range(4)]
    rows = []
    for d, k, start, length, coder in spec:
        n = len(texts[d])
        start = min(start, n - 1)
        rows.append({"document_id": docs[d], "code_id": codes[k], "start": start, "end": min(n, start + length), "coder": ["S", "T"][coder]})
    coding.apply_many(db, rows, who="t")
    for scope in analysis.SCOPES:
        for measure in analysis.MEASURES:
            for rollup in (False, True):
                fast = analysis.cooccurrence(db, scope=scope, measure=measure, rollup=rollup)
                slow = analysis.cooccurrence_reference(db, scope=scope, measure=measure, rollup=rollup)
                assert list(fast.index) == list(slow.index)
                assert np.allclose(fast.to_numpy(dtype=float), slow.to_numpy(dtype=float), equal_nan=True), (scope, measure, rollup)


def test_frequencies_by_code_count_words_once(project):
    table = analysis.frequencies(project).set_index("code")
    # Each paragraph of NOTE is one 20-letter word. A: 0-50 in one covers the a-, b- and part of the c-word (3),
    # 0-10 in two part of the z-word (1).
    assert list(table.loc["Theme/A", ["codings", "documents"]]) == [2, 2]
    assert table.loc["Theme/A", "words_coded"] == 3 + 1
    # B: three separate codings, each holding part of one word
    assert table.loc["Theme/B", "words_coded"] == 3
    # C: 45-48 and 50-60 lie in the c-word, and 10-20 in two: the overlap-free union is still counted range by range
    assert table.loc["C", "words_coded"] == 3


def test_words_coded_counts_overlapping_codings_of_one_code_once(db):
    doc = documents.import_bytes(db, "en to tre fire fem".encode(), "x.txt", who="t").document_id
    code = codebook.add_code(db, "A", who="t")
    coding.apply(db, doc, code, 0, 9, coder="S")   # "en to tre"
    coding.apply(db, doc, code, 3, 14, coder="T")  # "to tre fire"
    assert analysis.frequencies(db).loc[0, "words_coded"] == 4


def test_frequencies_by_document_and_attribute(project):
    documents.set_attributes(project, "one", {"area": "Jobcenter"}, who="t")
    by_doc = analysis.frequencies(project, by="document")
    assert list(by_doc.columns) == ["one", "two"] and by_doc.loc["C", "one"] == 2 and by_doc.loc["C", "two"] == 1
    by_area = analysis.frequencies(project, by="area", rollup=True)
    assert list(by_area.columns) == ["(not set)", "Jobcenter"]
    assert by_area.loc["Theme", "Jobcenter"] == 4 and by_area.loc["Theme", "(not set)"] == 1
    with pytest.raises(NotFound, match="No attribute 'region'"):
        analysis.frequencies(project, by="region")


def test_frequencies_by_document_keep_two_documents_of_one_title_apart(db):
    # Two documents titled "interview" (ids 1 and 2) and one "notes" (3): A coded twice in the first interview,
    # once in the second, once in the notes. Keyed by title the two interviews would be summed (3).
    first, second, notes = (documents.import_bytes(db, text.encode(), f"{i}.txt", title=title, who="t").document_id
                            for i, (title, text) in enumerate([("interview", "one two"), ("interview", "three four"), ("notes", "five")]))
    codebook.add_code(db, "A", who="t")
    coding.apply(db, first, "A", 0, 3, coder="S")
    coding.apply(db, first, "A", 4, 7, coder="S")
    coding.apply(db, second, "A", 0, 5, coder="S")
    coding.apply(db, notes, "A", 0, 4, coder="S")
    table = analysis.frequencies(db, by="document")
    assert list(table.columns) == [f"interview ({first})", f"interview ({second})", "notes"]
    assert table.loc["A"].tolist() == [2, 1, 1]
    assert analysis.document_labels({1: "x", 2: "y", 3: "x"}) == {1: "x (1)", 2: "y", 3: "x (3)"}


def test_the_passages_behind_a_cell(project):
    pairs = analysis.cell_excerpts(project, "Theme/A", "Theme/B")
    # Signe's A 0-50 overlaps her three B: three stretches, each one pair, each her own
    assert pairs["pairs"].sum() == analysis.cooccurrence(project).loc["Theme/A", "Theme/B"] == 3
    assert pairs[["start", "end", "coders"]].values.tolist() == [[2, 5, "Signe"], [10, 15, "Signe"], [24, 30, "Signe"]]
    assert pairs["text"].tolist() == [NOTE[2:5], NOTE[10:15], NOTE[24:30]]
    assert analysis.cell_excerpts(project, "Theme/A", "C").empty  # Tobias's C inside Signe's A is no pair
    turns = analysis.cell_excerpts(project, "Theme/A", "C", scope="turn")
    assert len(turns) == analysis.cooccurrence(project, scope="turn").loc["Theme/A", "C"] == 2
    assert set(turns["text"]) == {"c" * 20, "z" * 30} and set(turns["coders"]) == {"Signe"}
    docs = analysis.cell_excerpts(project, "Theme/A", "C", scope="document")
    assert docs[["start", "end"]].values.tolist() == [[0, len(NOTE)], [0, 30]]
    with pytest.raises(NotFound, match="No code “Gone”"):
        analysis.cell_excerpts(project, "Theme/A", "Gone")
