"""Codings: apply, remove and adjust codes on passages; memos; undo.

Offsets are 0-based code-point indices into the document's Python ``str``,
end exclusive: ``text[start:end]`` is the excerpt. Every change writes the
coding's full row before and after into ``events`` in the same transaction, and
:func:`undo` uses exactly those rows to reverse the coder's last change.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import unicodedata

import sqlite_utils

from . import codebook, documents, store
from .errors import NotFound, QualbenchError, StaleCoding, UndoRefused

def _is_word(ch: str) -> bool:
    """A letter, digit or underscore, or a combining mark (which belongs to the letter before it)."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def _coding(db: sqlite_utils.Database, coding_id: int, expected: dict | None = None) -> dict:
    """The coding's row; with ``expected`` (the row as a page showed it), refused if it changed since."""
    found = store.rows(db, "SELECT * FROM codings WHERE id = ?", [coding_id])
    if not found:
        if expected is not None:
            raise StaleCoding(f"This coding is no longer there: {_since(db, coding_id, 'removed')}. Nothing was changed.")
        raise NotFound(f"No coding {coding_id} (it may have been removed already).")
    row = found[0]
    if expected is not None and any(row[k] != expected[k] for k in SHOWN_FIELDS if k in expected):
        raise StaleCoding(f"This coding has changed since it was shown: {_since(db, coding_id, 'changed')}. "
                          "Nothing was changed; look at it again, then try once more.")
    return row


# What a page shows of a coding; an action on it names these as it saw them (``expected``).
SHOWN_FIELDS = ("document_id", "code_id", "start", "end", "coder", "memo")


def _since(db: sqlite_utils.Database, coding_id: int, what: str) -> str:
    last = store.rows(db, "SELECT who, at FROM events WHERE entity = 'coding' AND entity_id = ? ORDER BY id DESC LIMIT 1", [coding_id])
    if not last:
        return what
    return f"{what} by {last[0]['who']} at {last[0]['at'][:16].replace('T', ' ')}"


def shown(row: dict) -> dict:
    """The fields of a coding row that an action on it should find unchanged (see ``expected``)."""
    return {k: (int(row[k]) if k in ("document_id", "code_id", "start", "end") else row[k]) for k in SHOWN_FIELDS}


def _check_range(doc: dict, start: int, end: int) -> None:
    n = len(doc["text"])
    if not (isinstance(start, int) and isinstance(end, int)):
        raise QualbenchError("Start and end must be whole numbers (character offsets).")
    if start < 0 or end > n:
        raise QualbenchError(f"Offsets {start}-{end} fall outside “{doc['title']}”, which has {n} characters (0-{n}).")
    if start >= end:
        raise QualbenchError(f"Start ({start}) must be before end ({end}); select at least one character.")
    if not doc["text"][start:end].strip():
        raise QualbenchError("The selection holds only white space; select some words.")


def apply(
    db: sqlite_utils.Database,
    document: int | str,
    code: int | str,
    start: int,
    end: int,
    *,
    coder: str,
    memo: str = "",
) -> int:
    """Code ``text[start:end]`` of a document with a code; returns the new coding's id.

    The same coder applying the same code to the exact same range twice is refused.
    """
    doc = documents.resolve(db, document)
    code_row = codebook.resolve(db, code)
    _check_range(doc, start, end)
    with db.atomic():  # the checks and the write in one transaction: another process may code at the same time
        coder = store.ensure_coder(db, coder)
        exists = store.rows(db, 'SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND "end" = ? AND coder = ?',
                            [doc["id"], code_row["id"], start, end, coder])
        if exists:
            raise QualbenchError(f"{coder} has already coded this passage with “{code_row['path']}”.")
        row = {"document_id": doc["id"], "code_id": code_row["id"], "start": start, "end": end,
               "coder": coder, "memo": (memo or "").strip(), "created_at": store.now()}
        coding_id = db["codings"].insert(row).last_pk
        store.record(db, who=coder, action="add", entity="coding", entity_id=coding_id, after=dict(row, id=coding_id))
    return coding_id


def apply_many(db: sqlite_utils.Database, rows: list[dict], *, who: str) -> int:
    """Insert many codings in one transaction with one event (sample project, REFI import, autocode).

    Each row has document_id, code_id, start, end, coder and optionally memo and
    created_at; ranges are checked against the document texts.
    """
    lengths = {r["id"]: len(r["text"]) for r in store.rows(db, "SELECT id, text FROM documents")}  # Python's len: SQLite's stops at a NUL
    clean = []
    for r in rows:
        n = lengths.get(r["document_id"])
        if n is None or not (0 <= r["start"] < r["end"] <= n):
            raise QualbenchError(f"Coding {r['start']}-{r['end']} does not fit document {r['document_id']}.")
        clean.append({"document_id": r["document_id"], "code_id": r["code_id"], "start": r["start"], "end": r["end"],
                      "coder": r["coder"], "memo": r.get("memo") or "", "created_at": r.get("created_at") or store.now()})
    with db.atomic():
        for name in sorted({r["coder"] for r in clean}):
            store.ensure_coder(db, name, who=who)
        db["codings"].insert_all(clean, ignore=True)
        store.record(db, who=who, action="add-many", entity="coding", after={"count": len(clean)})
    return len(clean)


def remove(db: sqlite_utils.Database, coding_id: int, *, who: str, expected: dict | None = None) -> None:
    """Remove a coding (and its coding memos, which the event keeps).

    ``expected`` is the coding as the page showed it (:func:`shown`): if it has changed or
    gone since, nothing is removed and :class:`StaleCoding` says who changed it.
    """
    with db.atomic():
        row = _coding(db, coding_id, expected)
        memos = store.rows(db, "SELECT * FROM memos WHERE target_type = 'coding' AND target_id = ?", [coding_id])
        db.execute("DELETE FROM memos WHERE target_type = 'coding' AND target_id = ?", [coding_id])
        db.execute("DELETE FROM codings WHERE id = ?", [coding_id])
        store.record(db, who=who, action="remove", entity="coding", entity_id=coding_id, before=dict(row, memos=memos))


def update(
    db: sqlite_utils.Database,
    coding_id: int,
    *,
    who: str,
    memo: str | None = None,
    code: int | str | None = None,
    start: int | None = None,
    end: int | None = None,
    expected: dict | None = None,
) -> dict:
    """Change a coding's memo, code or range (widen/narrow); returns the new row.

    ``expected`` is the coding as the page showed it (:func:`shown`): if it has changed or
    gone since, nothing is changed and :class:`StaleCoding` says who changed it.
    """
    with db.atomic():
        return _update(db, coding_id, who=who, memo=memo, code=code, start=start, end=end, expected=expected)


def _update(db, coding_id, *, who, memo, code, start, end, expected) -> dict:
    row = _coding(db, coding_id, expected)
    changes: dict = {}
    if memo is not None and memo.strip() != row["memo"]:
        changes["memo"] = memo.strip()
    if code is not None:
        new_code = codebook.resolve(db, code)["id"]
        if new_code != row["code_id"]:
            changes["code_id"] = new_code
    if start is not None or end is not None:
        doc = documents.resolve(db, row["document_id"])
        s, e = start if start is not None else row["start"], end if end is not None else row["end"]
        _check_range(doc, s, e)
        if (s, e) != (row["start"], row["end"]):
            changes.update(start=s, end=e)
    if not changes:
        return row
    new = dict(row, **changes)
    clash = store.rows(db, 'SELECT id FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND "end" = ? AND coder = ? AND id != ?',
                       [new["document_id"], new["code_id"], new["start"], new["end"], new["coder"], coding_id])
    if clash:
        raise QualbenchError("That would make this coding identical to another coding by the same coder.")
    with db.atomic():
        db["codings"].update(coding_id, changes)
        store.record(db, who=who, action="update", entity="coding", entity_id=coding_id, before=row, after=new)
    return new


def codings(db: sqlite_utils.Database, *, document: int | str | None = None, coder: str | None = None, code: int | str | None = None,
            ids: list[int] | None = None):
    """Codings as a DataFrame: id, document_id, document, code_id, code (path), color, start, end, coder, memo, created_at, excerpt.

    ``ids`` narrows them to those codings (an empty list gives none).
    """
    import pandas as pd

    where, params = [], []
    if ids is not None:
        where.append(f"c.id IN ({','.join('?' * len(ids)) or 'NULL'})")
        params += list(ids)
    if document is not None:
        where.append("c.document_id = ?")
        params.append(documents.resolve(db, document)["id"])
    if coder is not None:
        if not store.rows(db, "SELECT 1 FROM coders WHERE name = ?", [coder]):
            raise NotFound(f"No coder “{coder}” in this project.")
        where.append("c.coder = ?")
        params.append(coder)
    if code is not None:
        where.append("c.code_id = ?")
        params.append(codebook.resolve(db, code)["id"])
    sql = f"""SELECT c.id, c.document_id, d.title AS document, c.code_id, k.color, c.start, c."end", c.coder, c.memo,
                     c.created_at
              FROM codings c JOIN documents d ON d.id = c.document_id JOIN codes k ON k.id = c.code_id
              {"WHERE " + " AND ".join(where) if where else ""} ORDER BY c.document_id, c.start, c."end", c.id"""
    found = store.rows(db, sql, params)
    # the excerpt is cut in Python (text[start:end], as DESIGN.md defines it; SQLite's substr
    # counts differently from Python around a NUL), one document text at a time
    texts = {}
    for row in found:
        if row["document_id"] not in texts:
            texts[row["document_id"]] = store.rows(db, "SELECT text FROM documents WHERE id = ?", [row["document_id"]])[0]["text"]
        row["excerpt"] = texts[row["document_id"]][row["start"]:row["end"]]
    frame = pd.DataFrame(found, columns=["id", "document_id", "document", "code_id", "color", "start", "end", "coder", "memo", "created_at", "excerpt"])
    code_paths = codebook.paths(db)
    frame.insert(4, "code", frame["code_id"].map(code_paths))
    return frame


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a selection to whole words (a selection that starts or ends mid-word takes the whole word)."""
    start, end = max(0, start), min(len(text), end)
    while 0 < start < len(text) and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _is_word(text[end]) and _is_word(text[end - 1]):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- undo -----------------------------------------------------------------------------


def undoable(db: sqlite_utils.Database, who: str, *, limit: int = 10) -> list[dict]:
    """The coder's most recent changes that can still be undone, newest first.

    An event is undoable until an undo (or a refused undo, action ``undo-refused``) names
    it in ``undoes``; imports and bulk additions are not undone here.
    """
    result = store.rows(db, """
        SELECT e.* FROM events e
        WHERE e.who = ? AND e.undoes IS NULL AND e.action NOT IN ('add-many', 'import')
          AND e.entity IN ('coding', 'document', 'code')
          AND NOT EXISTS (SELECT 1 FROM events u WHERE u.undoes = e.id)
        ORDER BY e.id DESC LIMIT ?""", [who, limit])
    return result


def _same(row: dict | None, wanted: dict, fields) -> bool:
    return row is not None and all(row.get(k) == wanted.get(k) for k in fields if k in wanted)


def _check_coding_undo(db: sqlite_utils.Database, event: dict, before: dict | None, after: dict | None) -> None:
    """Refuse (UndoRefused) unless the coding is still exactly as the event left it."""
    coding_id = event["entity_id"]
    found = store.rows(db, "SELECT * FROM codings WHERE id = ?", [coding_id])
    current = found[0] if found else None
    later = store.later_change(db, event)
    if event["action"] in ("add", "update"):
        if current is None:
            raise UndoRefused(f"the coding is no longer there (removed{store.by_whom(later)})")
        if not _same(current, after, SHOWN_FIELDS) or later:
            raise UndoRefused(f"the coding has been changed since{store.by_whom(later)}, and undoing would wipe that change")
    elif event["action"] == "remove":
        if current is not None:
            raise UndoRefused("its id is in use again")
        if not store.rows(db, "SELECT 1 FROM documents WHERE id = ?", [before["document_id"]]):
            raise UndoRefused("its document has been deleted since")
        if not store.rows(db, "SELECT 1 FROM codes WHERE id = ?", [before["code_id"]]):
            raise UndoRefused("its code has been deleted since")
        again = store.rows(db, 'SELECT coder FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND "end" = ? AND coder = ?',
                           [before["document_id"], before["code_id"], before["start"], before["end"], before["coder"]])
        if again:
            raise UndoRefused("the same passage has been coded with the same code again since")


def _undo_document(db: sqlite_utils.Database, event: dict, before, after, *, who: str) -> str:
    action, doc_id = event["action"], event["entity_id"]
    later = store.later_change(db, event)
    if action == "delete":
        if store.rows(db, "SELECT 1 FROM documents WHERE sha256 = ?", [before["document"]["sha256"]]):
            raise UndoRefused("the same text has been imported again since")
        documents.restore_document(db, before, who=who, undoes=event["id"])
        return f"restored document “{before['document']['title']}”"
    found = store.rows(db, "SELECT * FROM documents WHERE id = ?", [doc_id])
    if not found:
        raise UndoRefused(f"the document has been deleted since{store.by_whom(later)}")
    if action == "set-attributes":
        if documents.attributes_by_document(db).get(doc_id, {}) != after or later:
            raise UndoRefused(f"its attributes have been changed since{store.by_whom(later)}")
        db.execute("DELETE FROM document_attributes WHERE document_id = ?", [doc_id])
        db["document_attributes"].insert_all({"document_id": doc_id, "name": k, "value": v} for k, v in before.items())
        store.record(db, who=who, action="set-attributes", entity="document", entity_id=doc_id, before=after, after=before, undoes=event["id"])
        return "restored the document's attributes"
    if action == "update":
        if not _same(found[0], after, after) or later:
            raise UndoRefused(f"its title or kind has been changed since{store.by_whom(later)}")
        db["documents"].update(doc_id, before)
        store.record(db, who=who, action="update", entity="document", entity_id=doc_id, before=after, after=before, undoes=event["id"])
        return "restored the document's title and kind"
    raise UndoRefused(f"a document's {action} cannot be undone here")


def _undo_coding(db: sqlite_utils.Database, event: dict, before, after, *, who: str) -> str:
    _check_coding_undo(db, event, before, after)
    action = event["action"]
    if action == "add":
        db.execute("DELETE FROM codings WHERE id = ?", [event["entity_id"]])
        what = "removed the coding just added"
    elif action == "remove":
        memos = before.pop("memos", [])
        db["codings"].insert(before)
        db["memos"].insert_all(memos)
        what = "put back the removed coding"
    else:
        db["codings"].update(event["entity_id"], {k: before[k] for k in ("code_id", "start", "end", "memo")})
        what = "reverted the coding's change"
    store.record(db, who=who, action="undo", entity="coding", entity_id=event["entity_id"], before=after, after=before, undoes=event["id"])
    return what


def undo(db: sqlite_utils.Database, *, who: str) -> str:
    """Reverse the coder's last undoable change; returns what was undone, in words.

    Undo only reverses what is still as the change left it: when someone has changed the
    same coding, code or document since (or an id is taken, or the passage coded again),
    it refuses with :class:`UndoRefused`, naming who changed it, and writes nothing but an
    ``undo-refused`` event, so that the next Undo goes on to the coder's change before it.
    """
    import json

    with db.atomic():
        candidates = undoable(db, who, limit=1)
        if not candidates:
            raise QualbenchError(f"{who} has nothing left to undo.")
        event = candidates[0]
        before = json.loads(event["before"]) if event["before"] else None
        after = json.loads(event["after"]) if event["after"] else None
        try:
            with db.atomic():  # a savepoint: a refused undo leaves nothing behind
                if event["entity"] == "document":
                    return _undo_document(db, event, before, after, who=who)
                if event["entity"] == "code":
                    return codebook.undo_event(db, event, who=who)
                return _undo_coding(db, event, before, after, who=who)
        except sqlite3.IntegrityError as exc:
            reason = f"it clashes with a later change ({exc})"
        except QualbenchError as exc:
            reason = str(exc).rstrip(".")
            reason = reason[:1].lower() + reason[1:]
        store.record(db, who=who, action="undo-refused", entity=event["entity"], entity_id=event["entity_id"],
                     after={"reason": reason}, undoes=event["id"])
    raise UndoRefused(f"Your {event['action']} of {event['entity']} {event['entity_id']} ({event['at'][:16].replace('T', ' ')}) "
                      f"cannot be undone: {reason}. Nothing was changed; it is skipped, and Undo now goes on to your change before it.")


# --- reading codings in place -------------------------------------------------------------


def segments(start: int, end: int, codings: list[dict]) -> list[dict]:
    """Split ``[start, end)`` at every coding boundary: each segment lists the codings covering it.

    ``codings`` are dicts with start and end (and anything else, passed through); a
    segment is ``{"start", "end", "codings": [...]}``. This is how coded text is drawn:
    one span per segment, so overlapping codings stay visible.
    """
    cuts = {start, end}
    for c in codings:
        cuts.update(x for x in (c["start"], c["end"]) if start < x < end)
    bounds = sorted(cuts)
    out = []
    for a, b in zip(bounds, bounds[1:]):
        out.append({"start": a, "end": b, "codings": [c for c in codings if c["start"] < b and a < c["end"]]})
    return out


_WHOLE_NUMBER = re.compile(r"[0-9]{1,15}")  # ASCII digits only ("²".isdigit() is True); far below SQLite's 2**63


def number_param(value) -> int | None:
    """A document id or offset from a page address (``?document=3&offset=120``), or None.

    Anything that is not a plain whole number of at most 15 digits (a negative number,
    "²", 5,000 digits, a number beyond SQLite's integers) is None: the page then ignores it.
    """
    text = str(value or "").strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def passage_link(document_id: int, offset: int) -> str:
    """The coding page's address for a passage: opens the document there, highlighted."""
    return f"/coding?document={int(document_id)}&offset={int(offset)}"


def turn_at(db: sqlite_utils.Database, document_id: int, offset: int) -> int | None:
    """Index of the turn holding ``offset`` (or the first turn after it), None for a document without turns."""
    found = store.rows(db, 'SELECT "index" FROM turns WHERE document_id = ? AND "end" > ? ORDER BY start LIMIT 1', [document_id, offset])
    return found[0]["index"] if found else None


# --- the coding page: a document as the text-coding component draws it ---------------------


def document_view(db: sqlite_utils.Database, document: int | str, *, coders: list[str] | None = None,
                  differences: tuple[str, str] | None = None, min_overlap: float = 0.9) -> dict:
    """A document as the coding component draws it: turns split into segments at coding boundaries.

    Returns ``{"document_id", "turns": [{"i", "start", "end", "label", "segs": [[start, text,
    [coding indexes]]]}], "codings": [{"id", "start", "end", "code_id", "code", "color", "coder",
    "memo", "created_at"}], "version"}``; offsets are Python code points. ``coders`` keeps
    those coders' codings (None: everybody's). ``differences=(A, B)`` keeps only the codings of
    A and B that the other coder did not match (a coding of the same code covering at least
    ``min_overlap`` of the two codings' joint span, as segment-level agreement matches them).
    """
    import hashlib

    from .agreement_stats import overlap_share

    doc = documents.resolve(db, document)
    frame = codings(db, document=doc["id"])
    if differences:
        a, b = differences
        frame = frame[frame["coder"].isin([a, b])]
        rows = frame.to_dict("records")
        by_code: dict[int, list[dict]] = {}
        for row in rows:
            by_code.setdefault(row["code_id"], []).append(row)
        keep = []
        for row in rows:
            other = b if row["coder"] == a else a
            matched = any(o["coder"] == other and overlap_share((row["start"], row["end"]), (o["start"], o["end"])) >= min_overlap
                          for o in by_code[row["code_id"]])
            keep.append(not matched)
        frame = frame[keep]
    elif coders is not None:
        frame = frame[frame["coder"].isin(coders)]
    listed = [{"id": int(r["id"]), "start": int(r["start"]), "end": int(r["end"]), "code_id": int(r["code_id"]),
               "code": r["code"], "color": r["color"], "coder": r["coder"], "memo": r["memo"], "created_at": r["created_at"]}
              for r in frame.to_dict("records")]
    text = doc["text"]
    turns = documents.turns(db, doc["id"]) or [{"index": 0, "start": 0, "end": len(text), "speaker": None, "timestamp": None}]
    by_start = sorted((dict(c, k=k) for k, c in enumerate(listed)), key=lambda c: c["start"])  # k: index in listed
    starts = [c["start"] for c in by_start]
    out_turns = []
    for turn in turns:
        upto = bisect.bisect_left(starts, turn["end"])  # codings starting before the turn ends
        inside = [c for c in by_start[:upto] if turn["start"] < c["end"]]
        segs = [[s["start"], text[s["start"]:s["end"]], [c["k"] for c in s["codings"]]]
                for s in segments(turn["start"], turn["end"], inside)]
        label = " · ".join(x for x in (turn["timestamp"], turn["speaker"]) if x)
        out_turns.append({"i": turn["index"], "start": turn["start"], "end": turn["end"], "label": label, "segs": segs})
    digest = hashlib.sha1(repr((doc["id"], [(c["id"], c["start"], c["end"], c["code"], c["color"], c["memo"]) for c in listed])).encode())
    return {"document_id": doc["id"], "turns": out_turns, "codings": listed, "version": digest.hexdigest()}


def passage(text: str, start: int, end: int, *, snap: bool) -> tuple[int, int]:
    """The (start, end) that will be coded for a selection: snapped to whole words with ``snap``.

    The coding page shows exactly this passage under "Selected" before anything is coded.
    """
    return snap_to_words(text, start, end) if snap else (start, end)


def apply_codes(db: sqlite_utils.Database, document: int | str, codes: list[int | str], start: int, end: int, *,
                coder: str, memo: str = "", snap: bool = False) -> tuple[list[int], list[str]]:
    """Apply several codes to one passage: returns (new coding ids, paths of codes already there).

    With ``snap`` the passage is first widened to whole words. Codes this coder has already
    applied to exactly this passage are skipped and named, the others applied.
    """
    doc = documents.resolve(db, document)
    start, end = passage(doc["text"], start, end, snap=snap)
    _check_range(doc, start, end)
    if not codes:
        raise QualbenchError("Choose at least one code to apply.")
    resolved = [codebook.resolve(db, c) for c in codes]
    made, skipped = [], []
    for code_row in resolved:
        here = store.rows(db, 'SELECT 1 FROM codings WHERE document_id = ? AND code_id = ? AND start = ? AND "end" = ? AND coder = ?',
                          [doc["id"], code_row["id"], start, end, coder])
        if here:
            skipped.append(code_row["path"])
        else:
            made.append(apply(db, doc["id"], code_row["id"], start, end, coder=coder, memo=memo))
    return made, skipped


def in_vivo(db: sqlite_utils.Database, document: int | str, start: int, end: int, *, coder: str,
            parent: int | str | None = None) -> tuple[int, int]:
    """In-vivo coding: the selected words become a code (under ``parent``), applied to them.

    Returns (code id, coding id). A code of that name already there is reused.
    """
    doc = documents.resolve(db, document)
    _check_range(doc, start, end)
    name = " ".join(doc["text"][start:end].replace("/", " ").split()).strip(" .,;:!?\"'“”«»()")
    if len(name) > 60:
        name = name[:60].rsplit(" ", 1)[0] + "…"
    if not name:
        raise QualbenchError("The selection has no words to name a code with.")
    parent_row = codebook.resolve(db, parent) if parent is not None else None
    path = f"{parent_row['path']}/{name}" if parent_row else name
    existing = [c for c in codebook.codes(db) if c["path"] == path]
    code_id = existing[0]["id"] if existing else codebook.add_code(db, name, who=coder, parent=parent_row["id"] if parent_row else None,
                                                                   description="In-vivo code: the participants' own words.")
    return code_id, apply(db, doc["id"], code_id, start, end, coder=coder)


def turn_range(db: sqlite_utils.Database, document: int | str, offset: int) -> tuple[int, int]:
    """The (start, end) of the turn or paragraph holding ``offset``: code a whole turn with one action."""
    doc = documents.resolve(db, document)
    found = store.rows(db, 'SELECT start, "end" FROM turns WHERE document_id = ? AND start <= ? AND "end" > ? ORDER BY start LIMIT 1',
                       [doc["id"], offset, offset])
    if not found:
        found = store.rows(db, 'SELECT start, "end" FROM turns WHERE document_id = ? AND "end" > ? ORDER BY start LIMIT 1', [doc["id"], offset])
    if not found:
        if not doc["text"].strip():
            raise QualbenchError("This document has no text to code.")
        return 0, len(doc["text"])
    return found[0]["start"], found[0]["end"]


def code_for_shortcut(db: sqlite_utils.Database, key: str) -> dict:
    """The code whose shortcut is ``key`` (case-insensitive)."""
    found = [c for c in codebook.codes(db) if (c.get("shortcut") or "").lower() == (key or "").lower()]
    if not found:
        raise NotFound(f"No code has the shortcut key “{key}”.")
    return found[0]


def coding_details(db: sqlite_utils.Database, ids: list[int]):
    """The codings with these ids (code path, coder, memo, created_at, excerpt), as a DataFrame in text order.

    Reads only those codings (and their documents' texts), however large the project.
    """
    return codings(db, ids=[int(i) for i in ids])


def document_choices(db: sqlite_utils.Database, *, kinds: list[str] | None = None,
                     attributes: dict[str, list[str]] | None = None) -> dict[int, str]:
    """Documents to code, id -> title, narrowed by kind and case attributes (the coding page's picker)."""
    from .filters import Filters

    where, params = Filters(kinds=kinds or None, attributes=attributes or {}).documents_sql("d")
    return {r["id"]: r["title"] for r in store.rows(db, f"SELECT d.id, d.title FROM documents d WHERE {where} ORDER BY d.title", params)}


def shortcuts(db: sqlite_utils.Database) -> dict[str, int]:
    """Shortcut key (lower case) -> code id, for the codes that have one."""
    return {c["shortcut"].lower(): c["id"] for c in codebook.codes(db) if c.get("shortcut")}
