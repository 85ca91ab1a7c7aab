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
