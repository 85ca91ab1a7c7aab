"""Reading codings in place: segments at coding boundaries, passage links, turns at an offset."""

from qualbench import coding, codebook, documents


def test_segments_split_at_every_boundary_and_keep_overlaps():
    a = {"id": 1, "start": 2, "end": 8}
    b = {"id": 2, "start": 5, "end": 12}
    parts = coding.segments(0, 10, [a, b])
    assert [(p["start"], p["end"], [c["id"] for c in p["codings"]]) for p in parts] == [
        (0, 2, []), (2, 5, [1]), (5, 8, [1, 2]), (8, 10, [2])]
    assert coding.segments(0, 4, []) == [{"start": 0, "end": 4, "codings": []}]


def test_passage_link_and_turn_at(db):
    doc = documents.import_bytes(db, "Interviewer: Hej?\n\nÅse: Jeg har min kode.\n\nInterviewer: Tak.".encode(), "å.txt", who="t").document_id
    text = documents.resolve(db, doc)["text"]
    assert coding.turn_at(db, doc, text.index("kode")) == 1
    assert coding.turn_at(db, doc, len(text) + 5) is None
    assert coding.passage_link(doc, 42) == f"/coding?document={doc}&offset=42"


# --- coding from the page: views, several codes, in-vivo, turns, shortcuts -----------------

import pytest  # noqa: E402

from qualbench.errors import QualbenchError  # noqa: E402

INTERVIEW = "Interviewer: Hvordan gik det med MitID?\n\nÅse: Hun sendte 👍🏽 og skrev: Det er jo umuligt!\n\nInterviewer: Og så?"
CODEBOOK = """codes:
  - name: Cross-pressure
    color: "#c0392b"
    shortcut: "1"
    children:
      - name: Citizen expectations
        color: "#e74c3c"
  - name: Boundary confusion
    color: "#2980b9"
    shortcut: "B"
"""


@pytest.fixture
def project(db):
    codebook.load(db, CODEBOOK.encode(), who="t", name="codebook.yaml")
    doc = documents.import_bytes(db, INTERVIEW.encode(), "åse.txt", who="t", kind="interview", attributes={"site": "Havnstrup"}).document_id
    return db, doc, documents.resolve(db, doc)["text"]


def test_document_view_splits_turns_at_codings_in_code_points(project):
    db, doc, text = project
    start = text.index("👍🏽")
    end = text.index("skrev") + len("skrev")
    first = coding.apply(db, doc, "Cross-pressure", start, end, coder="A")
    second = coding.apply(db, doc, "Boundary confusion", text.index("og skrev"), text.index("umuligt") + 7, coder="B")
    view = coding.document_view(db, doc)
    assert [c["id"] for c in view["codings"]] == [first, second]
    assert [t["label"] for t in view["turns"]] == ["Interviewer", "Åse", "Interviewer"]
    turn = view["turns"][1]
    # segments cover the turn exactly, each segment's text is text[start:start + len]
    assert "".join(s[1] for s in turn["segs"]) == text[turn["start"]:turn["end"]]
    for seg_start, piece, _ in turn["segs"]:
        assert text[seg_start:seg_start + len(piece)] == piece
    by_text = {piece: ks for _, piece, ks in turn["segs"]}
    assert by_text["👍🏽 "] == [0]
    assert by_text["og skrev"] == [0, 1]          # the overlap carries both codings
    assert by_text[": Det er jo umuligt"] == [1]
    assert coding.document_view(db, doc, coders=["B"])["codings"][0]["id"] == second
    assert coding.document_view(db, doc)["version"] != coding.document_view(db, doc, coders=["A"])["version"]


def test_document_view_differences_keep_only_unmatched_codings(project):
    db, doc, text = project
    s = text.index("Hun sendte")
    e = text.index("umuligt") + 7
    coding.apply(db, doc, "Cross-pressure", s, e, coder="A")
    coding.apply(db, doc, "Cross-pressure", s + 4, e, coder="B")        # 90 % of the joint span: matched
    lone = coding.apply(db, doc, "Boundary confusion", s, s + 10, coder="A")  # B has nothing like it
    diff = coding.document_view(db, doc, differences=("A", "B"))
    assert [c["id"] for c in diff["codings"]] == [lone]


def test_apply_codes_snaps_applies_several_and_names_those_already_there(project):
    db, doc, text = project
    start = text.index("umuligt")
    made, skipped = coding.apply_codes(db, doc, ["Cross-pressure", "Boundary confusion"], start + 2, start + 5, coder="A", snap=True)
    assert len(made) == 2 and skipped == []
    rows = coding.codings(db, coder="A")
    assert set(rows["excerpt"]) == {"umuligt"} and set(rows["code"]) == {"Cross-pressure", "Boundary confusion"}
    made, skipped = coding.apply_codes(db, doc, ["Cross-pressure", "Cross-pressure/Citizen expectations"], start, start + 7, coder="A")
    assert len(made) == 1 and skipped == ["Cross-pressure"]
    with pytest.raises(QualbenchError, match="at least one code"):
        coding.apply_codes(db, doc, [], start, start + 7, coder="A")
    with pytest.raises(QualbenchError, match="outside"):
        coding.apply_codes(db, doc, ["Cross-pressure"], 0, len(text) + 1, coder="A")
    with pytest.raises(QualbenchError, match="No code"):
        coding.apply_codes(db, doc, ["Nope"], 0, 5, coder="A")
    assert len(coding.codings(db, coder="A")) == 3


def test_in_vivo_names_a_code_after_the_words_and_reuses_it(project):
    db, doc, text = project
    start = text.index("Det er jo umuligt!")
    code_id, coding_id = coding.in_vivo(db, doc, start, start + len("Det er jo umuligt!"), coder="A", parent="Cross-pressure")
    assert codebook.paths(db)[code_id] == "Cross-pressure/Det er jo umuligt"
    again, _ = coding.in_vivo(db, doc, start, start + len("Det er jo umuligt"), coder="B", parent="Cross-pressure")
    assert again == code_id
    assert sorted(coding.codings(db, code=code_id)["coder"]) == ["A", "B"]
    with pytest.raises(QualbenchError):
        coding.in_vivo(db, doc, start, start, coder="A")


def test_turn_range_shortcuts_and_document_choices(project):
    db, doc, text = project
    start, end = coding.turn_range(db, doc, text.index("umuligt"))
    assert text[start:end] == "Hun sendte 👍🏽 og skrev: Det er jo umuligt!"
    assert coding.shortcuts(db) == {"1": codebook.resolve(db, "Cross-pressure")["id"], "b": codebook.resolve(db, "Boundary confusion")["id"]}
    assert coding.code_for_shortcut(db, "b")["path"] == "Boundary confusion"
    with pytest.raises(QualbenchError, match="shortcut"):
        coding.code_for_shortcut(db, "z")
    assert coding.document_choices(db, kinds=["interview"], attributes={"site": ["Havnstrup"]}) == {doc: "åse"}
    assert coding.document_choices(db, kinds=["observation"]) == {}
    assert coding.document_choices(db, attributes={"site": ["Lundvig"]}) == {}


# --- what the page shows is what is stored; actions on a stale card (issue 12) ----------------


def test_the_passage_shown_is_the_passage_stored_after_snapping():
    text = "Vi havde et kursus på en halv dag om MitID."
    raw = (text.index("ursus"), text.index("dag") + 2)  # the drag began and ended mid-word: "ursus på en halv da"
    start, end = coding.passage(text, *raw, snap=True)
    assert text[start:end] == "kursus på en halv dag"
    assert coding.passage(text, *raw, snap=False) == raw


def test_snapping_keeps_a_combining_mark_with_its_letter():
    text = "he wrote q\u0303ok in the chat"
    start = text.index("\u0303")  # a selection beginning after the q, on its combining tilde
    assert text[slice(*coding.passage(text, start, start + 3, snap=True))] == "q\u0303ok"


@pytest.fixture
def one_coding(db):
    doc = documents.import_bytes(db, "Lone: Jeg ringer til borgerservice hver uge.\n\nAmir: Det gør de fleste.".encode(), "a.txt",
                                 who="t").document_id
    codebook.add_code(db, "Cross-pressure", who="t")
    codebook.add_code(db, "Co-service", who="t")
    text = documents.resolve(db, doc)["text"]
    start = text.index("borgerservice")
    coding_id = coding.apply(db, doc, "Cross-pressure", start, start + 13, coder="Signe Holm")
    return db, coding_id


def test_an_action_on_a_coding_changed_since_it_was_shown_is_refused(one_coding):
    from qualbench.errors import StaleCoding

    db, coding_id = one_coding
    seen = coding.shown(coding.coding_details(db, [coding_id]).iloc[0].to_dict())
    coding.update(db, coding_id, who="Tobias Berg", memo="Tobias's reading")  # another coder, meanwhile
    with pytest.raises(StaleCoding, match="changed since it was shown: changed by Tobias Berg"):
        coding.update(db, coding_id, who="Signe Holm", memo="Signe's reading", expected=seen)
    with pytest.raises(StaleCoding):
        coding.remove(db, coding_id, who="Signe Holm", expected=seen)
    assert coding.coding_details(db, [coding_id]).iloc[0]["memo"] == "Tobias's reading"
    fresh = coding.shown(coding.coding_details(db, [coding_id]).iloc[0].to_dict())
    coding.update(db, coding_id, who="Signe Holm", code="Co-service", expected=fresh)  # as it is now: fine


def test_an_action_on_a_coding_removed_since_it_was_shown_names_who_removed_it(one_coding):
    from qualbench.errors import StaleCoding

    db, coding_id = one_coding
    seen = coding.shown(coding.coding_details(db, [coding_id]).iloc[0].to_dict())
    coding.remove(db, coding_id, who="Tobias Berg")
    events_before = db["events"].count
    with pytest.raises(StaleCoding, match="no longer there: removed by Tobias Berg"):
        coding.update(db, coding_id, who="Signe Holm", memo="x", expected=seen)
    assert db["events"].count == events_before


# --- undo never rewrites other people's work (issue 19) ---------------------------------------


def test_undo_refuses_to_wipe_another_coders_later_edit_and_then_moves_on(one_coding):
    from qualbench.errors import UndoRefused

    db, coding_id = one_coding
    doc = int(coding.coding_details(db, [coding_id]).iloc[0]["document_id"])
    earlier = coding.apply(db, doc, "Co-service", 6, 9, coder="Signe Holm")  # Signe's change before the last one
    last = coding.apply(db, doc, "Co-service", 10, 16, coder="Signe Holm")
    coding.update(db, last, who="Tobias Berg", memo="Tobias reads this as co-service")
    with pytest.raises(UndoRefused, match="changed since by Tobias Berg"):
        coding.undo(db, who="Signe Holm")
    assert coding.coding_details(db, [last]).iloc[0]["memo"] == "Tobias reads this as co-service"
    # the refused change does not block Signe's earlier ones
    assert coding.undo(db, who="Signe Holm") == "removed the coding just added"
    assert coding.coding_details(db, [earlier]).empty and not coding.coding_details(db, [last]).empty


def test_the_probe_of_reused_ids_cannot_move_a_coding_into_another_document(db):
    """Issue 19's probe: A codes, B edits its memo, A's coding goes, C codes in an 18-character document, B undoes."""
    from qualbench.errors import UndoRefused

    long_doc = documents.import_bytes(db, ("Borgeren ringer. " * 400).encode(), "long.txt", who="t").document_id
    short_doc = documents.import_bytes(db, "Kort note om kode".encode(), "short.txt", who="t").document_id
    assert len(documents.resolve(db, short_doc)["text"]) == 17
    codebook.add_code(db, "Cross-pressure", who="t")
    a = coding.apply(db, long_doc, "Cross-pressure", 5000, 5200, coder="A")
    coding.update(db, a, who="B", memo="B's memo")
    coding.remove(db, a, who="A")
    c = coding.apply(db, short_doc, "Cross-pressure", 0, 4, coder="C")
    assert c != a  # never the same id again
    with pytest.raises(UndoRefused, match="no longer there"):
        coding.undo(db, who="B")
    row = coding.coding_details(db, [c]).iloc[0]
    assert (int(row["document_id"]), int(row["start"]), int(row["end"]), row["memo"]) == (short_doc, 0, 4, "")
    with pytest.raises(QualbenchError, match="nothing left to undo"):  # refused once, then out of the way
        coding.undo(db, who="B")


def test_undo_of_a_removal_refuses_when_the_passage_was_coded_again(one_coding):
    from qualbench.errors import UndoRefused

    db, coding_id = one_coding
    row = coding.coding_details(db, [coding_id]).iloc[0]
    coding.remove(db, coding_id, who="Signe Holm")
    # the same passage comes back in a bulk step (a project import, an auto-coding by someone else)
    coding.apply_many(db, [{"document_id": int(row["document_id"]), "code_id": int(row["code_id"]), "start": int(row["start"]),
                            "end": int(row["end"]), "coder": "Signe Holm"}], who="importer")
    with pytest.raises(UndoRefused, match="coded with the same code again"):
        coding.undo(db, who="Signe Holm")
    assert len(coding.codings(db, coder="Signe Holm")) == 1


def test_numbers_from_a_page_address_never_reach_sqlite_unchecked():
    """`?offset=` beyond SQLite's integers, of 5,000 digits, negative or "²" is ignored (issue 19)."""
    assert coding.number_param("120") == 120 and coding.number_param(" 7 ") == 7
    for bad in ["", None, "-3", "²", "٣", "1e5", "12.0", "9" * 5000, str(2 ** 64), "0x10"]:
        assert coding.number_param(bad) is None, bad
