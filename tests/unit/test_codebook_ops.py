"""Codebook editing (issue 5): update, move, merge, split, delete, code memos, counts; undo of each; CLI."""

import os
import subprocess
import sys

import pytest

from qualbench import codebook, coding, documents, store
from qualbench.errors import CodebookProblem, NotFound, QualbenchError

from ..conftest import ROOT

ALPHA = "One two three four five six seven eight nine ten eleven twelve."
BETA = "Alpha beta gamma delta epsilon zeta eta theta iota kappa."


def snapshot(db):
    """Every code, coding and memo row in full: what undo must give back exactly."""
    return {table: store.rows(db, f"SELECT * FROM {table} ORDER BY id") for table in ("codes", "codings", "memos")}


def n_events(db):
    return store.rows(db, "SELECT count(*) AS n FROM events")[0]["n"]


def last_event(db):
    return store.events(db, limit=1)[0]


def span(text, word):
    start = text.index(word)
    return start, start + len(word)


@pytest.fixture
def proj(db):
    """Two documents; codes P (P/C1, P/C2), Q (Q/C1, Q/D), R; a few codings by ann and bob."""
    a = documents.import_bytes(db, ALPHA.encode(), "alpha.txt", who="t").document_id
    b = documents.import_bytes(db, BETA.encode(), "beta.txt", who="t").document_id
    ids = {"docA": a, "docB": b}
    ids["P"] = codebook.add_code(db, "P", who="t", color="#111111")
    ids["P/C1"] = codebook.add_code(db, "C1", who="t", parent="P", color="#222222")
    ids["P/C2"] = codebook.add_code(db, "C2", who="t", parent="P", color="#333333", shortcut="2")
    ids["Q"] = codebook.add_code(db, "Q", who="t", color="#444444")
    ids["Q/C1"] = codebook.add_code(db, "C1", who="t", parent="Q", color="#555555")
    ids["Q/D"] = codebook.add_code(db, "D", who="t", parent="Q", color="#666666")
    ids["R"] = codebook.add_code(db, "R", who="t", color="#777777", shortcut="r")
    return db, ids


def code_row(db, code_id):
    return store.rows(db, "SELECT * FROM codes WHERE id = ?", [code_id])[0]


# --- update -------------------------------------------------------------------------------


def test_update_renames_recolours_and_edits_definitions_and_undo_restores(proj):
    db, ids = proj
    before = snapshot(db)
    row = codebook.update_code(db, "P/C1", who="ann", name="  Citizen   asks ", color="#abcdef", description="What they ask",
                               inclusion="in", exclusion="out", example="ex", shortcut="k")
    assert row["name"] == "Citizen asks" and row["color"] == "#abcdef" and row["shortcut"] == "k"
    assert (row["description"], row["inclusion"], row["exclusion"], row["example"]) == ("What they ask", "in", "out", "ex")
    assert codebook.resolve(db, "P/Citizen asks")["id"] == ids["P/C1"]
    event = last_event(db)
    assert (event["action"], event["entity"], event["entity_id"], event["who"]) == ("update", "code", ids["P/C1"], "ann")
    assert event["before"]["name"] == "C1" and event["after"]["name"] == "Citizen asks"
    assert "reverted" in coding.undo(db, who="ann")
    assert snapshot(db) == before


def test_update_clears_a_shortcut_and_a_no_change_writes_nothing(proj):
    db, ids = proj
    events = n_events(db)
    codebook.update_code(db, "R", who="ann", name="R", color="#777777")
    assert n_events(db) == events
    assert codebook.update_code(db, "R", who="ann", shortcut="")["shortcut"] is None
    assert n_events(db) == events + 1


@pytest.mark.parametrize("change, message", [
    ({"name": "a/b"}, "contains “/”"),
    ({"name": "C2"}, "already a code “C2” under “P”"),
    ({"name": "   "}, "needs a name"),
    ({"color": "red"}, "Bad colour 'red'"),
    ({"color": "#12345"}, "Bad colour"),
    ({"shortcut": "R"}, "already used by “R”"),
    ({"shortcut": "ab"}, "one key"),
])
def test_update_refuses_bad_input_and_writes_nothing(proj, change, message):
    db, ids = proj
    before, events = snapshot(db), n_events(db)
    with pytest.raises(CodebookProblem, match=message):
        codebook.update_code(db, "P/C1", who="ann", **change)
    assert snapshot(db) == before and n_events(db) == events


def test_update_of_an_unknown_code_says_so(proj):
    db, _ = proj
    with pytest.raises(NotFound, match="No code “Nope”"):
        codebook.update_code(db, "Nope", who="ann", name="X")


def test_renaming_to_a_name_used_elsewhere_in_the_tree_is_fine(proj):
    db, ids = proj
    codebook.update_code(db, "P/C2", who="ann", name="D")  # Q/D exists, but under another parent
    assert codebook.paths(db)[ids["P/C2"]] == "P/D"


# --- move ---------------------------------------------------------------------------------


def positions(db, parent_id):
    return [(r["id"], r["position"]) for r in store.rows(
        db, "SELECT id, position FROM codes WHERE ifnull(parent_id, 0) = ifnull(?, 0) ORDER BY position, id", [parent_id])]


def test_move_under_another_parent_renumbers_both_sibling_groups_and_undo_restores(proj):
    db, ids = proj
    a = ids["docA"]
    coding_id = coding.apply(db, a, "P/C2", *span(ALPHA, "three"), coder="ann")
    before = snapshot(db)
    row = codebook.move_code(db, "P/C1", who="ann", parent="R")
    assert row["parent_id"] == ids["R"] and row["position"] == 0
    assert positions(db, ids["P"]) == [(ids["P/C2"], 0)]
    assert codebook.paths(db)[ids["P/C1"]] == "R/C1"
    assert store.rows(db, "SELECT code_id FROM codings WHERE id = ?", [coding_id])[0]["code_id"] == ids["P/C2"]
    assert last_event(db)["action"] == "move"
    assert coding.undo(db, who="ann") == "moved the code back"
    assert snapshot(db) == before


def test_move_to_the_top_at_a_position_and_reorder_among_siblings(proj):
    db, ids = proj
    before = snapshot(db)
    codebook.move_code(db, "Q/D", who="ann", parent=None, position=1)
    assert positions(db, None) == [(ids["P"], 0), (ids["Q/D"], 1), (ids["Q"], 2), (ids["R"], 3)]
    assert positions(db, ids["Q"]) == [(ids["Q/C1"], 0)]
    codebook.move_code(db, "R", who="ann", position=0)  # no parent given: reorder in place
    assert positions(db, None) == [(ids["R"], 0), (ids["P"], 1), (ids["Q/D"], 2), (ids["Q"], 3)]
    codebook.move_code(db, "R", who="ann", position=99)  # past the end: last
    assert positions(db, None)[-1] == (ids["R"], 3)
    assert [c["path"] for c in codebook.codes(db)][:2] == ["P", "P/C1"]
    for _ in range(3):
        coding.undo(db, who="ann")
    assert snapshot(db) == before


def test_move_that_changes_nothing_writes_no_event(proj):
    db, ids = proj
    events = n_events(db)
    codebook.move_code(db, "P/C2", who="ann", parent="P", position=1)
    codebook.move_code(db, "P/C2", who="ann")
    assert n_events(db) == events


@pytest.mark.parametrize("code, parent, position, message", [
    ("P", "P", None, "cannot be moved under itself"),
    ("P", "P/C1", None, "its own descendant “P/C1”"),
    ("P/C1", "Q", None, "already a code “C1” under “Q”"),
    ("Q/C1", None, -1, "whole number"),
])
def test_move_refuses_cycles_clashes_and_bad_positions(proj, code, parent, position, message):
    db, _ = proj
    before, events = snapshot(db), n_events(db)
    with pytest.raises(CodebookProblem, match=message):
        codebook.move_code(db, code, who="ann", parent=parent, position=position)
    assert snapshot(db) == before and n_events(db) == events


def test_move_of_a_top_level_code_clashing_at_the_top(proj):
    db, _ = proj
    codebook.add_code(db, "R", who="t", parent="P")
    with pytest.raises(CodebookProblem, match="already a code “R” at the top level"):
        codebook.move_code(db, "P/R", who="ann", parent=None)


# --- merge --------------------------------------------------------------------------------


def test_merge_moves_codings_children_and_memos_collapses_duplicates_and_undo_restores(proj):
    db, ids = proj
    a, b = ids["docA"], ids["docB"]
    # P/C1 (source) and R (target) both coded "three" by ann: a duplicate; memos differ
    dup_src = coding.apply(db, a, "P/C1", *span(ALPHA, "three"), coder="ann", memo="source note")
    dup_dst = coding.apply(db, a, "R", *span(ALPHA, "three"), coder="ann", memo="target note")
    # same range, other coder: not a duplicate
    other_coder = coding.apply(db, a, "P/C1", *span(ALPHA, "three"), coder="bob")
    # identical memo on both: collapses without repeating the memo
    same_src = coding.apply(db, b, "P/C1", *span(BETA, "gamma"), coder="bob", memo="same")
    same_dst = coding.apply(db, b, "R", *span(BETA, "gamma"), coder="bob", memo="same")
    plain = coding.apply(db, b, "P/C1", *span(BETA, "delta"), coder="ann")
    db["memos"].insert({"target_type": "coding", "target_id": dup_src, "author": "ann", "text": "coding memo", "created_at": store.now()})
    child = codebook.add_code(db, "Sub", who="t", parent="P/C1")
    coding.apply(db, a, "P/C1/Sub", *span(ALPHA, "five"), coder="ann")
    codebook.add_code_memo(db, "P/C1", "Started as a sub-theme.", who="ann")
    before = snapshot(db)

    result = codebook.merge_codes(db, "P/C1", "R", who="ann")

    assert result == {"moved": 2, "collapsed": 2, "children": 1, "memos": 1}  # other_coder, plain; dup_src, same_src
    assert not store.rows(db, "SELECT 1 FROM codes WHERE id = ?", [ids["P/C1"]])
    on_target = {r["id"]: r for r in store.rows(db, "SELECT * FROM codings WHERE code_id = ?", [ids["R"]])}
    assert set(on_target) == {dup_dst, other_coder, same_dst, plain}
    assert on_target[dup_dst]["memo"] == "target note\n\nsource note"
    assert on_target[same_dst]["memo"] == "same"
    assert not store.rows(db, "SELECT 1 FROM codings WHERE id IN (?, ?)", [dup_src, same_src])
    assert store.rows(db, "SELECT target_id FROM memos WHERE target_type = 'coding'")[0]["target_id"] == dup_dst
    assert code_row(db, child)["parent_id"] == ids["R"] and codebook.paths(db)[child] == "R/Sub"
    assert [m["text"] for m in codebook.code_memos(db, "R")] == ["Started as a sub-theme."]
    event = last_event(db)
    assert (event["action"], event["entity_id"]) == ("merge", ids["P/C1"])
    assert event["before"]["source"]["name"] == "C1" and len(event["before"]["collapsed"]) == 2

    assert "again" in coding.undo(db, who="ann")
    assert snapshot(db) == before


def test_merge_a_child_into_its_parent(proj):
    db, ids = proj
    coding.apply(db, ids["docA"], "P/C2", *span(ALPHA, "six"), coder="ann")
    codebook.merge_codes(db, "P/C2", "P", who="ann")
    assert [c["path"] for c in codebook.codes(db) if c["path"].startswith("P")] == ["P", "P/C1"]
    assert store.rows(db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [ids["P"]])[0]["n"] == 1


@pytest.mark.parametrize("source, target, message", [
    ("P", "P", "into itself"),
    ("P", "P/C2", "its own descendant “P/C2”"),
    ("P", "Q", "both have child codes named “C1”"),
])
def test_merge_refuses_and_writes_nothing(proj, source, target, message):
    db, ids = proj
    coding.apply(db, ids["docA"], "P/C1", *span(ALPHA, "six"), coder="ann")
    before, events = snapshot(db), n_events(db)
    with pytest.raises(CodebookProblem, match=message):
        codebook.merge_codes(db, source, target, who="ann")
    assert snapshot(db) == before and n_events(db) == events


def test_merge_on_the_sample_project_and_undo_restores_exactly(sample_db):
    before = snapshot(sample_db)
    source = codebook.resolve(sample_db, "Cross-pressure/Efficiency targets")
    target = codebook.resolve(sample_db, "Cross-pressure/Organisational limits")
    n_source = store.rows(sample_db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [source["id"]])[0]["n"]
    n_target = store.rows(sample_db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [target["id"]])[0]["n"]
    result = codebook.merge_codes(sample_db, source["path"], target["path"], who="Signe Holm")
    assert result["moved"] + result["collapsed"] == n_source == 22
    after = store.rows(sample_db, "SELECT count(*) AS n FROM codings WHERE code_id = ?", [target["id"]])[0]["n"]
    assert after == n_target + result["moved"]
    coding.undo(sample_db, who="Signe Holm")
    assert snapshot(sample_db) == before


# --- split --------------------------------------------------------------------------------


def test_split_moves_chosen_codings_to_a_new_sibling_and_undo_restores(proj):
    db, ids = proj
    a = ids["docA"]
    c1 = coding.apply(db, a, "P/C1", *span(ALPHA, "one".capitalize()), coder="ann")
    c2 = coding.apply(db, a, "P/C1", *span(ALPHA, "two"), coder="ann")
    c3 = coding.apply(db, a, "P/C1", *span(ALPHA, "four"), coder="bob")
    before = snapshot(db)
    new_id = codebook.split_code(db, "P/C1", [c2, c3], who="ann", new_name="C1b", color="#0a0b0c")
    row = code_row(db, new_id)
    assert (row["name"], row["parent_id"], row["color"], row["position"]) == ("C1b", ids["P"], "#0a0b0c", 2)
    moved = {r["id"]: r["code_id"] for r in store.rows(db, "SELECT id, code_id FROM codings")}
    assert moved == {c1: ids["P/C1"], c2: new_id, c3: new_id}
    assert last_event(db)["action"] == "split"
    assert "removed the code split off" in coding.undo(db, who="ann")
    assert snapshot(db) == before


def test_split_refuses_foreign_missing_or_no_codings_and_name_clashes(proj):
    db, ids = proj
    mine = coding.apply(db, ids["docA"], "P/C1", *span(ALPHA, "two"), coder="ann")
    theirs = coding.apply(db, ids["docA"], "R", *span(ALPHA, "two"), coder="ann")
    before, events = snapshot(db), n_events(db)
    with pytest.raises(CodebookProblem, match=f"Coding\\(s\\) {theirs} do not belong to “P/C1”"):
        codebook.split_code(db, "P/C1", [mine, theirs], who="ann", new_name="New")
    with pytest.raises(NotFound, match="No coding\\(s\\) 999"):
        codebook.split_code(db, "P/C1", [mine, 999], who="ann", new_name="New")
    with pytest.raises(CodebookProblem, match="at least one coding"):
        codebook.split_code(db, "P/C1", [], who="ann", new_name="New")
    with pytest.raises(CodebookProblem, match="already a code “C2” under “P”"):
        codebook.split_code(db, "P/C1", [mine], who="ann", new_name="C2")
    with pytest.raises(CodebookProblem, match="Bad colour"):
        codebook.split_code(db, "P/C1", [mine], who="ann", new_name="New", color="blue")
    assert snapshot(db) == before and n_events(db) == events


def test_undo_of_a_split_is_refused_once_the_new_code_is_in_use(proj):
    db, ids = proj
    mine = coding.apply(db, ids["docA"], "P/C1", *span(ALPHA, "two"), coder="ann")
    new_id = codebook.split_code(db, "P/C1", [mine], who="ann", new_name="New")
    coding.apply(db, ids["docA"], new_id, *span(ALPHA, "nine"), coder="bob")
    with pytest.raises(QualbenchError, match="cannot be undone"):
        coding.undo(db, who="ann")
    assert code_row(db, new_id)["name"] == "New"


# --- delete -------------------------------------------------------------------------------


def test_delete_refuses_a_code_in_use_and_says_how_much(proj):
    db, ids = proj
    coding.apply(db, ids["docA"], "P/C1", *span(ALPHA, "two"), coder="ann")
    coding.apply(db, ids["docB"], "P", *span(BETA, "beta"), coder="ann")
    before, events = snapshot(db), n_events(db)
    with pytest.raises(QualbenchError, match="“P” has 1 coding\\(s\\) and 2 child code\\(s\\) with 1 coding\\(s\\) of their own;"):
        codebook.delete_code(db, "P", who="ann")
    with pytest.raises(QualbenchError, match="“P/C1” has 1 coding\\(s\\) and 0 child code\\(s\\)"):
        codebook.delete_code(db, "P/C1", who="ann")
    with pytest.raises(QualbenchError, match="“Q” has 0 coding\\(s\\) and 2 child code\\(s\\)"):
        codebook.delete_code(db, "Q", who="ann")
    assert snapshot(db) == before and n_events(db) == events


def test_delete_an_unused_leaf_needs_no_force(proj):
    db, ids = proj
    assert codebook.delete_code(db, "R", who="ann") == {"codes": 1, "codings": 0, "memos": 0}
    assert "R" not in codebook.paths(db).values()


def test_forced_delete_removes_the_subtree_codings_and_memos_and_undo_restores_same_ids(proj):
    db, ids = proj
    c1 = coding.apply(db, ids["docA"], "P/C1", *span(ALPHA, "two"), coder="ann", memo="m")
    coding.apply(db, ids["docB"], "P", *span(BETA, "beta"), coder="bob")
    keep = coding.apply(db, ids["docB"], "R", *span(BETA, "beta"), coder="bob")
    grandchild = codebook.add_code(db, "Deep", who="t", parent="P/C1")
    coding.apply(db, ids["docA"], grandchild, *span(ALPHA, "ten"), coder="ann")
    db["memos"].insert({"target_type": "coding", "target_id": c1, "author": "ann", "text": "on a coding", "created_at": store.now()})
    codebook.add_code_memo(db, "P/C2", "child memo", who="ann")
    codebook.add_code_memo(db, "R", "unrelated memo", who="ann")
    before = snapshot(db)
    assert codebook.delete_code(db, "P", who="ann", force=True) == {"codes": 4, "codings": 3, "memos": 2}
    left = snapshot(db)
    assert {c["name"] for c in left["codes"]} == {"Q", "C1", "D", "R"}
    assert [c["id"] for c in left["codings"]] == [keep]
    assert [m["text"] for m in left["memos"]] == ["unrelated memo"]
    event = last_event(db)
    assert (event["action"], event["entity_id"], len(event["before"]["codes"])) == ("delete", ids["P"], 4)
    assert "restored the code “P”" in coding.undo(db, who="ann")
    assert snapshot(db) == before


# --- code memos ---------------------------------------------------------------------------


def test_code_memos_are_dated_entries_newest_first_and_undoable(proj):
    db, ids = proj
    first = codebook.add_code_memo(db, "Q", "  First thoughts. ", who="ann")
    second = codebook.add_code_memo(db, "Q", "Narrowed after interview 3.", who="bob")
    memos = codebook.code_memos(db, "Q")
    assert [(m["id"], m["text"], m["author"]) for m in memos] == [(second, "Narrowed after interview 3.", "bob"), (first, "First thoughts.", "ann")]
    assert all(m["created_at"].startswith("20") and "T" in m["created_at"] for m in memos)
    stored = store.rows(db, "SELECT target_type, target_id FROM memos WHERE id = ?", [first])[0]
    assert stored == {"target_type": "code", "target_id": ids["Q"]}
    assert codebook.code_memos(db, "R") == []
    with pytest.raises(QualbenchError, match="empty"):
        codebook.add_code_memo(db, "Q", "   ", who="ann")
    assert coding.undo(db, who="bob") == "removed the code memo just written"
    assert [m["id"] for m in codebook.code_memos(db, "Q")] == [first]


# --- counts -------------------------------------------------------------------------------


def test_counts_roll_up_codes_and_distinct_documents(proj):
    db, ids = proj
    a, b = ids["docA"], ids["docB"]
    coding.apply(db, a, "P", *span(ALPHA, "two"), coder="ann")
    coding.apply(db, a, "P/C1", *span(ALPHA, "three"), coder="ann")
    coding.apply(db, a, "P/C1", *span(ALPHA, "three"), coder="bob")
    coding.apply(db, b, "P/C1", *span(BETA, "beta"), coder="ann")
    coding.apply(db, b, "P/C2", *span(BETA, "eta"), coder="ann")
    coding.apply(db, b, "Q/D", *span(BETA, "iota"), coder="bob")
    frame = codebook.counts(db)
    assert list(frame.columns) == ["id", "path", "depth", "codings", "documents", "codings_total", "documents_total"]
    got = {r.path: (r.depth, r.codings, r.documents, r.codings_total, r.documents_total) for r in frame.itertuples()}
    assert list(frame["path"]) == ["P", "P/C1", "P/C2", "Q", "Q/C1", "Q/D", "R"]
    assert got == {
        "P": (0, 1, 1, 5, 2),      # own: 1 in A; with C1 (2 in A, 1 in B) and C2 (1 in B): 5 in A and B
        "P/C1": (1, 3, 2, 3, 2),
        "P/C2": (1, 1, 1, 1, 1),
        "Q": (0, 0, 0, 1, 1),      # only its child D, in B
        "Q/C1": (1, 0, 0, 0, 0),
        "Q/D": (1, 1, 1, 1, 1),
        "R": (0, 0, 0, 0, 0),
    }


def test_counts_on_the_sample_add_up(sample_db):
    frame = codebook.counts(sample_db).set_index("path")
    total = store.rows(sample_db, "SELECT count(*) AS n FROM codings")[0]["n"]
    assert frame.loc[frame["depth"] == 0, "codings_total"].sum() == frame["codings"].sum() == total
    assert frame.loc["Cross-pressure", "codings_total"] == 18 + 30 + 59 + 22 + 31
    assert frame.loc["Cross-pressure/Organisational limits", "codings"] == 59


# --- loading YAML never deletes -----------------------------------------------------------


def test_loading_a_smaller_codebook_keeps_codes_with_codings(sample_db):
    before = snapshot(sample_db)
    changes = codebook.load(sample_db, "codes:\n  - name: Cross-pressure\n    color: '#c0392b'\n  - name: Brand new\n", who="ann")
    assert any(c.action == "keep" for c in changes)
    after = snapshot(sample_db)
    assert after["codings"] == before["codings"]
    assert {c["id"] for c in before["codes"]} <= {c["id"] for c in after["codes"]}
    assert len(after["codes"]) == len(before["codes"]) + 1


def test_loading_the_old_name_after_a_rename_adds_and_deletes_nothing(sample_db):
    codebook.update_code(sample_db, "Competence gaps/Staff training needs", who="ann", name="Training")
    before = snapshot(sample_db)
    codebook.load(sample_db, ROOT / "codebook.yaml", who="ann")
    after = snapshot(sample_db)
    assert after["codings"] == before["codings"]
    assert {c["id"] for c in before["codes"]} <= {c["id"] for c in after["codes"]}
    assert "Competence gaps/Training" in codebook.paths(sample_db).values()
    assert "Competence gaps/Staff training needs" in codebook.paths(sample_db).values()


# --- command line -------------------------------------------------------------------------


def qb(*args):
    result = subprocess.run([sys.executable, "-m", "qualbench", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in result.stderr + result.stdout
    return result


def one_line_error(result):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_cli_rename_and_merge(sample_path):
    done = qb("--db", sample_path, "codebook", "rename", "Cross-pressure/Efficiency targets", "KPI pressure", "--who", "Signe Holm")
    assert done.returncode == 0, done.stderr
    assert "“Cross-pressure/Efficiency targets” to “Cross-pressure/KPI pressure”" in done.stdout
    done = qb("--db", sample_path, "codebook", "merge", "KPI pressure", "Cross-pressure/Organisational limits")
    assert done.returncode == 0, done.stderr
    assert "Merged “Cross-pressure/KPI pressure” into “Cross-pressure/Organisational limits”" in done.stdout
    db = store.open_project(sample_path, create=False)
    try:
        paths = codebook.paths(db).values()
        assert "Cross-pressure/KPI pressure" not in paths
        events = store.events(db, limit=2)
        assert [(e["action"], e["who"]) for e in events] == [("merge", "cli"), ("update", "Signe Holm")]
        frame = codebook.counts(db).set_index("path")
        assert frame.loc["Cross-pressure/Organisational limits", "codings"] == 59 + events[0]["after"]["moved"]
        assert events[0]["after"]["moved"] + events[0]["after"]["collapsed"] == 22
        assert f"{events[0]['after']['moved']} coding(s) moved, {events[0]['after']['collapsed']} duplicate(s) collapsed" in done.stdout
    finally:
        db.close()


def test_cli_errors_are_one_line(sample_path):
    assert "No code “Nope”" in one_line_error(qb("--db", sample_path, "codebook", "merge", "Nope", "Unlearning"))
    assert "into itself" in one_line_error(qb("--db", sample_path, "codebook", "merge", "Unlearning", "Unlearning"))
    assert "contains “/”" in one_line_error(qb("--db", sample_path, "codebook", "rename", "Unlearning", "A/B"))
    assert "already a code “Co-service”" in one_line_error(qb("--db", sample_path, "codebook", "rename", "Unlearning", "Co-service"))
    one_line_error(qb("--db", sample_path, "codebook", "rename", "Unlearning"))


def test_each_operation_writes_one_event_and_undo_clashing_with_a_later_change_is_refused(proj):
    db, ids = proj
    mine = coding.apply(db, ids["docA"], "R", *span(ALPHA, "two"), coder="ann")
    steps = [
        lambda: codebook.update_code(db, "Q/D", who="ann", color="#010203"),
        lambda: codebook.move_code(db, "Q/D", who="ann", parent="P"),
        lambda: codebook.split_code(db, "R", [mine], who="ann", new_name="R2"),
        lambda: codebook.merge_codes(db, "R2", "R", who="ann"),
        lambda: codebook.add_code_memo(db, "R", "note", who="ann"),
        lambda: codebook.delete_code(db, "R", who="ann", force=True),
    ]
    for step in steps:
        events = n_events(db)
        step()
        assert n_events(db) == events + 1
    codebook.add_code(db, "R", who="bob")  # someone else takes the name meanwhile
    before, events = snapshot(db), n_events(db)
    refused = coding.undoable(db, "ann", limit=1)[0]
    with pytest.raises(QualbenchError, match="would clash with later changes"):
        coding.undo(db, who="ann")
    # nothing changed but one "undo-refused" event, and the refused change no longer blocks the earlier ones
    assert snapshot(db) == before and n_events(db) == events + 1
    assert store.events(db, limit=1)[0]["action"] == "undo-refused"
    assert coding.undoable(db, "ann", limit=1)[0]["id"] < refused["id"]


def test_loading_a_partial_codebook_appends_new_codes_after_the_existing_ones(db):
    codebook.load(db, b"codes:\n  - name: A\n  - name: B\n  - name: C\n", who="t", name="first.yaml")
    codebook.load(db, b"codes:\n  - name: Waiting\n  - name: B\n  - name: Queue\n", who="t", name="second.yaml")
    assert [c["path"] for c in codebook.codes(db)] == ["A", "B", "C", "Waiting", "Queue"]
