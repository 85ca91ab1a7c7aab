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
    # A x B: the long A overlaps all three B -> 3 pairs. A x C: C 45-48 (Tobias) lies inside A 0-50 -> 1;
    # C 50-60 and the A/C in document two only touch. B x C: none.
    assert cell(count, "Theme/A", "Theme/B") == 3 and cell(count, "Theme/B", "Theme/A") == 3
    assert cell(count, "Theme/A", "C") == 1 and cell(count, "Theme/B", "C") == 0
    assert np.all(np.diag(count.to_numpy()) == 0)
    c = analysis.cooccurrence(project, scope="overlap", measure="c")
    # n_A = 2, n_B = 3, n_AB = 3 -> c = 3 / (2 + 3 - 3) = 1.5: above 1, shown as it is
    assert cell(c, "Theme/A", "Theme/B") == pytest.approx(1.5)
    # n_A = 2, n_C = 3, n_AC = 1 -> 1 / 4
    assert cell(c, "Theme/A", "C") == pytest.approx(0.25)


def test_turn_scope_by_hand(project):
    count = analysis.cooccurrence(project, scope="turn")
    # units holding A: turns 1, 2, 3 of one and the turn of two (4); B: turns 1, 2; C: turn 3, turn of two
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
    assert cell(count, "Theme", "C") == 1  # A-with-B pairs are now inside one code and not counted


def test_coder_filter_and_bad_input(project):
    signe = analysis.cooccurrence(project, filters=Filters(coders=["Signe"]))
    assert cell(signe, "Theme/A", "C") == 0  # the overlapping C was Tobias's
    with pytest.raises(NotFound, match="No coder 'Nobody'"):
        analysis.cooccurrence(project, filters=Filters(coders=["Nobody"]))
    with pytest.raises(NotFound, match="No attribute 'area'"):
        analysis.cooccurrence(project, filters=Filters(attributes={"area": ["Jobcenter"]}))
    with pytest.raises(QualbenchError, match="Unknown scope"):
        analysis.cooccurrence(project, scope="sentence")


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
                assert np.allclose(fast.to_numpy(dtype=float), slow.to_numpy(dtype=float)), (scope, measure, rollup)


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


def test_the_passages_behind_a_cell(project):
    pairs = analysis.cell_excerpts(project, "Theme/A", "Theme/B")
    assert len(pairs) == analysis.cooccurrence(project).loc["Theme/A", "Theme/B"] == 3
    assert sorted(pairs["Theme/B"]) == sorted([NOTE[2:5], NOTE[10:15], NOTE[24:30]])
    turns = analysis.cell_excerpts(project, "Theme/A", "C", scope="turn")
    assert len(turns) == analysis.cooccurrence(project, scope="turn").loc["Theme/A", "C"] == 2
    assert set(turns["text"]) == {"c" * 20, "z" * 30}
    with pytest.raises(NotFound, match="No code “Gone”"):
        analysis.cell_excerpts(project, "Theme/A", "Gone")
