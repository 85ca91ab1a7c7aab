"""Retrieval: coded excerpts by code, Boolean code queries and filters, as pandas DataFrames.

A :class:`Query` picks codes ("A"); a code includes its sub-codes unless
``children=False``. It may combine them with other codes ("B"). As for co-occurrence
(DESIGN.md, "Co-occurrence"), Boolean retrieval is read within one coder's work: a coding
of A and a coding of B go together only when the same coder made both.

- **or**: every coding of A or of B; one row per coding (a passage two coders coded is
  two rows, one per coder).
- **and**: where one coder's coding of A overlaps the same coder's coding of B in the same
  document (``a.start < b.end and b.start < a.end``; ranges that only touch do not overlap):
  the same-coder pairs the co-occurrence matrix counts as n_AB (overlap scope). Each
  distinct **stretch** (document, start, end) is ONE row, however many pairs and coders
  lie behind it: the stretch is the words coded with both (NVivo's AND, MAXQDA's
  "overlapping segments"), or with ``stretch="union"`` the whole stretch from the first
  start to the last end of the pair. A pair needs two different codings: a coding whose
  code is in both A and B does not pair with itself. On an AND row:

  - ``coders``: every coder who coded the stretch with both, in alphabetical order,
    comma-separated ("Signe Holm, Tobias Berg"); ``coder`` and ``other_coder`` hold the
    same (a pair is one coder's, so the coders of B are those of A);
  - ``pairs``: how many same-coder pairs of codings give this stretch (the column sums to
    the cell's n_AB when A and B share no code);
  - ``coding_id``, ``code_id``, ``code``, ``created_at`` are those of the coding of A in the
    first pair (pairs in order of coder, then coding ids), ``other_coding_id`` and
    ``other_code`` of its partner coding of B: a real coding to go back to, not a summary;
  - ``memo`` holds the memos on the codings of A behind the stretch, ``other_memo`` those
    on the codings of B: each distinct memo once, one a line, each preceded by its coder's
    name ("Signe Holm: ...") when more than one coder coded the stretch.
- **not**: the codings of A that overlap no coding of B by their own coder (a coding of a
  code that is in B itself counts as coded B, so it is left out); whole codings, one row
  each. Another coder's coding of B does not exclude it.

Which codings take part at all is decided by the filters: :class:`qualbench.filters.Filters`
(documents, kinds, case attributes, coders) and the date range on the coding's
``created_at``; they narrow A and B alike, so under **not** only B codings of the chosen
coders can exclude a coding of A. ``words`` then keeps the rows whose excerpt contains
every word (ignoring case, at the start of a word, so "borger" finds "borgeren"; quote a
phrase to keep it together).

Each row carries the excerpt (``text[start:end]``), its context (``context`` characters
either side, widened to whole words, or ``"turn"``: the rest of the turn(s) it lies in),
the document, its kind, the turn (1-based: the document's first turn or paragraph is 1)
and speaker where the excerpt starts, the coder, memo, code path, every case attribute as
a column, and ``link``, the coding page's address for the passage.
"""

from __future__ import annotations

import bisect
import re
import shlex
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import sqlite_utils

from . import codebook, coding, documents, store
from .analysis import SAME_CODER, overlap_pairs
from .errors import NotFound, QualbenchError
from .filters import Filters

COMBINE = ("or", "and", "not")
STRETCHES = ("overlap", "union")
COLUMNS = ["coding_id", "document_id", "document", "kind", "turn", "speaker", "code_id", "code", "coder", "memo",
           "created_at", "start", "end", "excerpt", "context_before", "context_after", "link"]
OTHER_COLUMNS = ["other_coding_id", "other_code", "other_coder", "other_memo"]
AND_COLUMNS = OTHER_COLUMNS + ["coders", "pairs"]  # the columns an AND query adds
_CODING_FIELDS = ["coding_id", "document_id", "code_id", "start", "end", "coder", "memo", "created_at"]


@dataclass
class Query:
    """What to retrieve; see the module docstring for what each combination returns."""

    codes: list = field(default_factory=list)
    combine: str = "or"
    other: list = field(default_factory=list)
    children: bool = True
    filters: Filters = field(default_factory=Filters)
    created_from: str | date | None = None
    created_to: str | date | None = None
    words: str = ""
    context: int | str = 0
    stretch: str = "overlap"


# --- checking the query ----------------------------------------------------------------


def _day(value, label: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value).strip())).isoformat()
    except ValueError:
        raise QualbenchError(f"{label} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.") from None


def _check(db: sqlite_utils.Database, query: Query) -> tuple[str | None, str | None]:
    """Raise a clear error for anything the query names that the project lacks; return the date range."""
    if not query.codes:
        raise QualbenchError("Choose at least one code to retrieve its excerpts.")
    if query.combine not in COMBINE:
        raise QualbenchError(f"Unknown combination {query.combine!r}; use or, and or not.")
    if query.combine in ("and", "not") and not query.other:
        raise QualbenchError(f"“{query.combine.upper()}” needs a second code to combine with.")
    if query.stretch not in STRETCHES:
        raise QualbenchError(f"Unknown stretch {query.stretch!r}; use overlap or union.")
    if not (query.context == "turn" or (isinstance(query.context, int) and query.context >= 0)):
        raise QualbenchError(f"Context {query.context!r}: give a number of characters (0 for none) or “turn”.")
    query.filters.check(db)
    known = documents.attribute_values(db)
    for name, values in query.filters.attributes.items():
        values = [values] if isinstance(values, str) else values
        missing = [v for v in values if v not in known.get(name, [])]
        if missing:
            raise NotFound(f"No document has {name} = {', '.join(map(repr, missing))} "
                           f"(values of {name}: {', '.join(known.get(name, [])) or 'none'}).")
    if query.filters.documents is not None:
        ids = {r["id"] for r in store.rows(db, "SELECT id FROM documents")}
        missing = [d for d in query.filters.documents if d not in ids]
        if missing:
            raise NotFound(f"No document with id {', '.join(map(str, missing))} in this project.")
    since, until = _day(query.created_from, "Coded from"), _day(query.created_to, "Coded until")
    if since and until and since > until:
        raise QualbenchError(f"The date range runs backwards: from {since} until {until}.")
    return since, until


def _code_ids(db: sqlite_utils.Database, names: list, children: bool) -> list[int]:
    ids: list[int] = []
    for name in names:
        code = codebook.resolve(db, name)
        ids += codebook.descendants(db, code["id"]) if children else [code["id"]]
    return list(dict.fromkeys(ids))


# --- the codings and their combination -----------------------------------------------------


def _codings(db: sqlite_utils.Database, code_ids: list[int], filters: Filters, since: str | None, until: str | None) -> pd.DataFrame:
    where, params = filters.codings_sql("c")
    clauses = [f"c.code_id IN ({','.join('?' * len(code_ids))})", where]
    params = [*code_ids, *params]
    if since:
        clauses.append("substr(c.created_at, 1, 10) >= ?")
        params.append(since)
    if until:
        clauses.append("substr(c.created_at, 1, 10) <= ?")
        params.append(until)
    cursor = db.execute(f'SELECT c.id, c.document_id, c.code_id, c.start, c."end", c.coder, c.memo, c.created_at '
                        f'FROM codings c WHERE {" AND ".join(clauses)} ORDER BY c.document_id, c.start, c."end", c.id', params)
    frame = pd.DataFrame(cursor.fetchall(), columns=_CODING_FIELDS)
    return frame.astype({"coding_id": "int64", "document_id": "int64", "code_id": "int64", "start": "int64", "end": "int64"})


def _pairs(a: pd.DataFrame, b: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions (in ``a`` and in ``b``) of every overlapping pair of a coding of A and one of B by the same coder."""
    i, j = overlap_pairs(pd.concat([a, b], ignore_index=True), by=SAME_CODER)
    i_in_a = i < len(a)
    mixed = i_in_a != (j < len(a))
    i, j, i_in_a = i[mixed], j[mixed], i_in_a[mixed]
    return np.where(i_in_a, i, j), np.where(i_in_a, j, i) - len(a)


def _memos(memos: pd.Series, coders: pd.Series, several: bool) -> str:
    """The memos of a stretch's codings: each distinct one once, with its coder's name when several coders coded it."""
    lines = [f"{coder}: {memo}" if several else memo for coder, memo in zip(coders, memos) if memo and not pd.isna(memo)]
    return "\n".join(dict.fromkeys(lines))


def _stretches(rows: pd.DataFrame) -> pd.DataFrame:
    """The AND pairs grouped into one row per distinct stretch (document, start, end); see the module docstring."""
    if rows.empty:
        return rows.assign(coders=pd.Series(dtype=object), pairs=pd.Series(dtype="int64"))
    rows = rows.sort_values(["document_id", "start", "end", "coder", "coding_id", "other_coding_id"], kind="stable")
    keys = ["document_id", "start", "end"]
    out = rows.drop_duplicates(keys).set_index(keys)  # the first pair of each stretch
    grouped = rows.groupby(keys, sort=False)
    coders = grouped["coder"].agg(lambda c: ", ".join(sorted(set(c))))
    several = grouped["coder"].nunique() > 1
    out["coders"] = coders
    out["pairs"] = grouped.size()
    out["coder"] = out["other_coder"] = coders
    out["memo"] = [_memos(g["memo"], g["coder"], several[k]) for k, g in grouped]
    out["other_memo"] = [_memos(g["other_memo"], g["coder"], several[k]) for k, g in grouped]
    return out.reset_index()


def _combine(a: pd.DataFrame, b: pd.DataFrame, how: str, stretch: str) -> pd.DataFrame:
    """The rows of an OR, AND or NOT query (start/end are the row's stretch)."""
    if how == "or":
        return pd.concat([a, b], ignore_index=True).drop_duplicates("coding_id")
    pos_a, pos_b = _pairs(a, b)
    if how == "not":
        return a.drop(index=a.index[sorted(set(pos_a.tolist()))])
    left, right = a.iloc[pos_a].reset_index(drop=True), b.iloc[pos_b].reset_index(drop=True)
    rows = left.assign(other_coding_id=right["coding_id"], other_code_id=right["code_id"],
                       other_coder=right["coder"], other_memo=right["memo"])
    pick = (np.maximum, np.minimum) if stretch == "overlap" else (np.minimum, np.maximum)
    rows["start"] = pick[0](left["start"].to_numpy(), right["start"].to_numpy())
    rows["end"] = pick[1](left["end"].to_numpy(), right["end"].to_numpy())
    ids = rows[["coding_id", "other_coding_id"]].to_numpy()
    unordered = pd.DataFrame({"low": ids.min(axis=1), "high": ids.max(axis=1)})
    keep = (rows["coding_id"] != rows["other_coding_id"]) & ~unordered.duplicated()
    return _stretches(rows[keep.to_numpy()].reset_index(drop=True))


# --- turning codings into excerpts -----------------------------------------------------------


def _context(text: str, start: int, end: int, context: int | str, turns: dict | None) -> tuple[str, str]:
    """The text before and after ``text[start:end]``: ``context`` characters widened to whole words, or the turn."""
    if not context:
        return "", ""
    if context == "turn":
        if not turns or not turns["start"]:
            return "", ""
        first = bisect.bisect_right(turns["end"], start)  # the turn holding start (or the next one)
        last = bisect.bisect_right(turns["end"], end - 1)
        lo = turns["start"][first] if first < len(turns["start"]) and turns["start"][first] < start else start
        hi = turns["end"][last] if last < len(turns["end"]) and turns["start"][last] < end else end
        return text[lo:start], text[end:max(end, hi)]
    lo, hi = max(0, start - context), min(len(text), end + context)
    while lo < start and lo > 0 and not text[lo - 1].isspace():  # do not cut a word in two
        lo += 1
    while hi > end and hi < len(text) and not text[hi].isspace():
        hi -= 1
    return text[lo:start], text[end:hi]


def _word_filter(words: str):
    """A predicate: does an excerpt hold every word (at a word start, ignoring case)?"""
    try:
        parts = shlex.split(words or "")
    except ValueError:  # an unbalanced quote: take the words as they are
        parts = (words or "").replace('"', " ").split()
    patterns = [re.compile(r"(?<!\w)" + re.escape(p), re.IGNORECASE) for p in parts if p.strip()]
    return lambda excerpt: all(p.search(excerpt) for p in patterns)


def _attribute_columns(names: list[str]) -> dict[str, str]:
    """Attribute name -> its column (an attribute named like a fixed column gets " (attribute)")."""
    taken = set(COLUMNS) | set(AND_COLUMNS)
    return {n: f"{n} (attribute)" if n in taken else n for n in names}


def _sources(db: sqlite_utils.Database, doc_ids: list[int]) -> tuple[dict[int, dict], dict[int, dict]]:
    """The documents (title, kind, text) and their turns (parallel lists, in text order) by document id.

    A turn's ``number`` is its number in a citation (:func:`qualbench.documents.turn_numbers`).
    """
    marks = ",".join("?" * len(doc_ids))
    docs = {r["id"]: r for r in store.rows(db, f"SELECT id, title, kind, text FROM documents WHERE id IN ({marks})", doc_ids)}
    rows: dict[int, list[dict]] = {}
    for t in store.rows(db, f'SELECT document_id, start, "end", speaker, timestamp FROM turns '
                            f'WHERE document_id IN ({marks}) ORDER BY document_id, start', doc_ids):
        rows.setdefault(t["document_id"], []).append(t)
    turns = {doc_id: {"start": [t["start"] for t in held], "end": [t["end"] for t in held],
                      "speaker": [t["speaker"] for t in held], "number": documents.turn_numbers(held)}
             for doc_id, held in rows.items()}
    return docs, turns


def _turn_at(turns: dict | None, offset: int) -> tuple[int | None, str]:
    """(citation number, speaker) of the turn holding ``offset``, or of the next turn when it falls between turns.

    The number is None in a transcript's heading (the title and metadata lines before the first spoken turn).
    """
    at = bisect.bisect_right(turns["end"], offset) if turns else 0
    if not turns or at >= len(turns["end"]):
        return None, ""
    return turns["number"][at], turns["speaker"][at] or ""


def excerpts(db: sqlite_utils.Database, query: Query | None = None, **options) -> pd.DataFrame:
    """The excerpts a query retrieves, in document order (document, start, end).

    Give a :class:`Query` or its fields as keywords (``excerpts(db, codes=["Cross-pressure"])``).
    Columns: :data:`COLUMNS`, then :data:`AND_COLUMNS` (:data:`OTHER_COLUMNS`, ``coders``,
    ``pairs``) for an AND query, then one column
    per case attribute of the project. ``frame.attrs`` holds ``description`` (the query in
    words, see :func:`describe`), ``context``, ``combine`` and ``attributes`` (the attribute
    columns). An unknown code, coder, attribute (name or value) or document raises
    :class:`~qualbench.errors.NotFound`; a query that matches nothing returns an empty frame.
    """
    query = query or Query(**options)
    since, until = _check(db, query)
    a = _codings(db, _code_ids(db, query.codes, query.children), query.filters, since, until)
    b = _codings(db, _code_ids(db, query.other, query.children), query.filters, since, until) if query.other else a.iloc[0:0]
    rows = _combine(a, b, query.combine, query.stretch)
    docs, turns = _sources(db, sorted(set(rows["document_id"].astype(int))))
    holds = _word_filter(query.words)
    paths = codebook.paths(db)
    attributes = documents.attributes_by_document(db)
    attribute_columns = _attribute_columns(sorted({name for own in attributes.values() for name in own}))
    out = []
    for row in rows.to_dict("records"):
        doc, start, end = docs[row["document_id"]], int(row["start"]), int(row["end"])
        excerpt = doc["text"][start:end]
        if not holds(excerpt):
            continue
        turn, speaker = _turn_at(turns.get(row["document_id"]), start)
        before, after = _context(doc["text"], start, end, query.context, turns.get(row["document_id"]))
        record = {"coding_id": row["coding_id"], "document_id": row["document_id"], "document": doc["title"], "kind": doc["kind"],
                  "turn": turn, "speaker": speaker, "code_id": row["code_id"], "code": paths[row["code_id"]],
                  "coder": row["coder"], "memo": row["memo"], "created_at": row["created_at"], "start": start, "end": end,
                  "excerpt": excerpt, "context_before": before, "context_after": after,
                  "link": coding.passage_link(row["document_id"], start)}
        if query.combine == "and":
            record.update(other_coding_id=row["other_coding_id"], other_code=paths[row["other_code_id"]],
                          other_coder=row["other_coder"], other_memo=row["other_memo"], coders=row["coders"],
                          pairs=int(row["pairs"]))
        own = attributes.get(row["document_id"], {})
        record.update({column: own.get(name, "") for name, column in attribute_columns.items()})
        out.append(record)
    columns = COLUMNS + (AND_COLUMNS if query.combine == "and" else []) + list(attribute_columns.values())
    frame = pd.DataFrame(out, columns=columns)
    frame["turn"] = frame["turn"].astype("Int64")
    frame = frame.sort_values(["document_id", "start", "end", "coding_id"], kind="stable").reset_index(drop=True)
    frame.attrs.update(description=describe(db, query), context=query.context, combine=query.combine,
                       attributes=list(attribute_columns.values()))
    return frame


def source(row) -> str:
    """Where an excerpt comes from, in words: document, speaker, turn (paragraph in field notes and observations)."""
    unit = "paragraph" if row.get("kind") in ("observation", "fieldnote") else "turn"
    parts = [str(row["document"])]
    if row.get("speaker"):
        parts.append(str(row["speaker"]))
    if row.get("turn") is not None and not pd.isna(row.get("turn")):
        parts.append(f"{unit} {int(row['turn'])}")
    return ", ".join(parts)


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Excerpts and distinct documents in a result."""
    return {"excerpts": len(frame), "documents": int(frame["document_id"].nunique()) if len(frame) else 0}


def counts_text(frame: pd.DataFrame) -> str:
    """"12 excerpts from 5 documents", "1 excerpt from 1 document"."""
    n = counts(frame)
    return (f"{n['excerpts']:,} excerpt{'s' * (n['excerpts'] != 1)} from "
            f"{n['documents']:,} document{'s' * (n['documents'] != 1)}")


# --- the query in words ------------------------------------------------------------------


def _codes_in_words(db: sqlite_utils.Database, names: list, children: bool, joiner: str) -> str:
    parts = []
    for name in names:
        code = codebook.resolve(db, name)
        below = len(codebook.descendants(db, code["id"])) - 1
        suffix = f" with its {below} sub-code{'s' * (below != 1)}" if children and below else ""
        parts.append(f"“{code['path']}”{suffix}")
    return f" {joiner} ".join(parts)


def describe(db: sqlite_utils.Database, query: Query) -> list[tuple[str, str]]:
    """The query in words, as (label, value) pairs: for the report's title page and the page's caption."""
    a = _codes_in_words(db, query.codes, query.children, "or")
    b = _codes_in_words(db, query.other, query.children, "or") if query.other else ""
    if query.combine == "and":
        span = "the words coded with both" if query.stretch == "overlap" else "from the first start to the last end"
        codes = (f"{a} AND {b}: where one coder's codings of both overlap; each stretch once, with its coders, "
                 f"as the stretch {span}")
    elif query.combine == "not":
        codes = f"{a} NOT {b}: codings of the first that overlap no coding of the second by the same coder"
    else:
        codes = f"{a} or {b}" if b else a
    f = query.filters
    if f.documents is not None:
        titles = {r["id"]: r["title"] for r in store.rows(db, "SELECT id, title FROM documents")}
        docs = "; ".join(titles.get(d, str(d)) for d in f.documents) or "none"
    else:
        docs = "all"
    lines = [("Codes", codes), ("Documents", docs), ("Document kinds", ", ".join(f.kinds) if f.kinds else "all")]
    for name, values in (f.attributes or {}).items():
        lines.append((name, " or ".join([values] if isinstance(values, str) else values)))
    lines.append(("Coders", ", ".join(f.coders) if f.coders else "all"))
    since, until = _day(query.created_from, "Coded from"), _day(query.created_to, "Coded until")
    if since or until:
        lines.append(("Coded", f"from {since or 'the start'} until {until or 'today'}"))
    if query.words:
        lines.append(("Excerpt contains", query.words))
    context = "the whole turn" if query.context == "turn" else f"{query.context} characters either side" if query.context else "none"
    lines.append(("Context", context))
    return lines
