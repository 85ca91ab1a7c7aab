"""Counts and matrices over codings (SQL first, pandas out)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import sqlite_utils

from . import codebook, store
from .agreement_stats import union
from .errors import NotFound, QualbenchError
from .filters import Filters

_WORDS = re.compile(r"\w+")


def summary(db: sqlite_utils.Database) -> dict:
    """Headline counts of a project: documents, words, codes, codings, coders, coded documents."""
    row = store.rows(db, """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT count(*) FROM codes) AS codes,
               (SELECT count(*) FROM codings) AS codings,
               (SELECT count(DISTINCT coder) FROM codings) AS coders,
               (SELECT count(DISTINCT document_id) FROM codings) AS coded_documents""")[0]
    row["project"] = store.get_setting(db, "project_name") or "Untitled project"
    return row


# --- co-occurrence (DESIGN.md, "Co-occurrence") ---------------------------------------
#
# Co-occurrence is read within one coder's work: two codes co-occur where the SAME coder
# applied both. Two coders who code a transcript independently are never paired with each
# other (that would count interpretations nobody made, and double every passage both coded).

SCOPES = ("overlap", "turn", "document")
MEASURES = ("count", "c")
SAME_CODER = ("document_id", "coder")  # the grouping of overlap_pairs for everything that pairs codings


def _codings(db: sqlite_utils.Database, filters: Filters | None, rollup: bool) -> tuple[pd.DataFrame, list[dict]]:
    """The filtered codings (document_id, code_id, start, end, coder), with code_id mapped to its top-level code under rollup."""
    filters = (filters or Filters()).check(db)
    where, params = filters.codings_sql("c")
    cursor = db.execute(f'SELECT c.document_id, c.code_id, c.start, c."end", c.coder FROM codings c WHERE {where}', params)
    frame = pd.DataFrame(cursor.fetchall(), columns=["document_id", "code_id", "start", "end", "coder"])
    frame = frame.astype({"document_id": "int64", "code_id": "int64", "start": "int64", "end": "int64", "coder": object})
    codes = codebook.codes(db)
    if rollup:
        top = {}
        for code in codes:  # tree order: a parent comes before its children
            top[code["id"]] = code["id"] if code["parent_id"] is None else top[code["parent_id"]]
        frame["code_id"] = frame["code_id"].map(top).astype("int64")
        codes = [c for c in codes if c["parent_id"] is None]
    return frame, codes


def overlap_pairs(frame: pd.DataFrame, *, by: tuple[str, ...] = ("document_id",)) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), i != j, of rows of ``frame`` in the same group whose ranges overlap (a sort and a sweep, vectorised).

    ``frame`` has ``start`` and ``end`` and the columns named in ``by``: by default a group is
    a document; ``by=SAME_CODER`` (document and coder) pairs only codings one coder made in
    one document, the rule for co-occurrence and Boolean retrieval. Ranges overlap when
    ``a.start < b.end and b.start < a.end``; ranges that only touch do not.

    Sorted by (group, start), row j after i overlaps i exactly when start_j < end_i; the
    first j that does not is found by binary search, so the work grows with the pairs found.
    Each unordered pair is returned once.
    """
    if frame.empty:
        return np.empty(0, int), np.empty(0, int)
    keys = list(by)
    group = frame[keys[0]].to_numpy() if keys == ["document_id"] else frame.groupby(keys, sort=False).ngroup().to_numpy()
    group = group.astype(np.int64)
    order = np.lexsort((frame["start"].to_numpy(), group))
    shift = int(max(frame["end"].max(), 1)) + 1
    starts = group[order] * shift + frame["start"].to_numpy()[order]
    ends = group[order] * shift + frame["end"].to_numpy()[order]
    stop = np.searchsorted(starts, ends, side="left")  # first row (in this group) starting at or after the end
    first = np.arange(len(order))
    counts = np.maximum(stop - first - 1, 0)
    i = np.repeat(first, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    j = i + 1 + offsets
    return order[i], order[j]


def _turns(db: sqlite_utils.Database) -> pd.DataFrame:
    return pd.DataFrame(store.rows(db, 'SELECT document_id, start, "end" FROM turns ORDER BY document_id, start'),
                        columns=["document_id", "start", "end"]).astype("int64")


def _units_held(db: sqlite_utils.Database, frame: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Distinct (unit, document_id, coder, code_id): the units (turns, or documents) in which each coder applied each code.

    A unit holds a coding that overlaps it by at least one character (a coding ending where
    a turn starts does not reach it). ``unit`` is the document id, or the turn's position in
    :func:`_turns`. Each row's ``start``-``end`` is ``unit``-``unit + 1``, so that under
    :func:`overlap_pairs` rows of one unit overlap and rows of two units never do.
    """
    columns = ["unit", "document_id", "coder", "code_id", "start", "end"]
    if scope == "document":
        held = frame[["document_id", "coder", "code_id"]].drop_duplicates()
        held = held.assign(unit=held["document_id"])
        return held.assign(start=held["unit"], end=held["unit"] + 1)[columns].reset_index(drop=True)
    turns = _turns(db)
    shift = int(max(turns["end"].max() if len(turns) else 0, frame["end"].max() if len(frame) else 0, 1)) + 1
    t_start = turns["document_id"].to_numpy(np.int64) * shift + turns["start"].to_numpy()
    t_end = turns["document_id"].to_numpy(np.int64) * shift + turns["end"].to_numpy()
    c_start = frame["document_id"].to_numpy(np.int64) * shift + frame["start"].to_numpy()
    c_end = frame["document_id"].to_numpy(np.int64) * shift + frame["end"].to_numpy()
    # turns are disjoint and sorted: a coding overlaps the turns from the first ending after its start
    # to the last starting before its end (half-open ranges, so ranges that only touch do not overlap)
    lo = np.searchsorted(t_end, c_start, side="right")
    hi = np.searchsorted(t_start, c_end, side="left")
    counts = np.maximum(hi - lo, 0)
    unit = np.repeat(lo, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    held = pd.DataFrame({"unit": unit, "coder": np.repeat(frame["coder"].to_numpy(), counts),
                         "code_id": np.repeat(frame["code_id"].to_numpy(), counts)}).drop_duplicates()
    return held.assign(document_id=turns["document_id"].to_numpy()[held["unit"].to_numpy()], start=held["unit"],
                       end=held["unit"] + 1)[columns].reset_index(drop=True)


def _c(pair_counts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """n_AB / (n_A + n_B - n_AB), NaN (undefined) where the denominator is 0 or less; never clipped."""
    denominator = totals[:, None] + totals[None, :] - pair_counts
    values = np.full(pair_counts.shape, np.nan)
    defined = denominator > 0
    values[defined] = pair_counts[defined] / denominator[defined]
    return values  # the diagonal follows the formula with n_AA = 0: 0, or undefined where n_A = 0


def cooccurrence(db: sqlite_utils.Database, *, scope: str = "overlap", measure: str = "count",
                 filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """The code-by-code co-occurrence matrix, as DESIGN.md defines it; rows and columns are code paths.

    Two codes co-occur only where the same coder applied both (a coding of A by one coder
    and a coding of B by another never pair).

    - overlap: n_AB = pairs of codings of A and B by the same coder in the same document
      whose ranges overlap (touching ranges do not); n_A = codings of A.
    - turn / document: a unit (turn, document) holds A when a coding of A overlaps it by
      at least one character; n_A = units holding A; n_AB = units in which one coder
      coded both A and B (a unit where one coder coded A and another B counts for n_A
      and n_B, not for n_AB).

    measure "c": n_AB / (n_A + n_B - n_AB). In the overlap scope it can exceed 1 (one long
    coding overlapping many short ones): it is shown, never clipped. Where the denominator
    is 0 or less (several codings of A each overlapping several of B) c is undefined: NaN,
    never 0. In the turn and document scopes c is the Jaccard index over units (0..1).

    Codings of all coders count unless ``filters`` narrows them. With ``rollup`` every
    coding counts for its top-level code and the matrix is theme by theme. The diagonal
    is 0: a code is not counted as co-occurring with itself (so its c is 0, or undefined
    for a code whose codings hold no unit, e.g. only a speaker's label, in the turn scope).
    Codes without codings in the
    selection are left out. ``frame.attrs`` holds ``scope``, ``measure``, ``n`` (code path ->
    n_A) and ``n_ab`` (the count matrix as lists), so a chart can say how a cell came about.
    """
    if scope not in SCOPES:
        raise QualbenchError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    if measure not in MEASURES:
        raise QualbenchError(f"Unknown measure {measure!r}; use count or c.")
    frame, codes = _codings(db, filters, rollup)
    used = set(frame["code_id"].unique().tolist())  # once, not once per code
    present = [c for c in codes if c["id"] in used]
    index = {c["id"]: k for k, c in enumerate(present)}
    position = np.full(max([c["id"] for c in codes], default=0) + 1, -1)  # code id -> row of the matrix
    position[list(index)] = list(index.values())
    size = len(present)
    if scope == "overlap":
        i, j = overlap_pairs(frame, by=SAME_CODER)
        a = position[frame["code_id"].to_numpy()[i]]
        b = position[frame["code_id"].to_numpy()[j]]
        keep = a != b
        pair_counts = np.bincount(a[keep] * size + b[keep], minlength=size * size).reshape(size, size)
        totals = np.bincount(position[frame["code_id"].to_numpy()], minlength=size).astype(np.int64)
    else:
        held = _units_held(db, frame, scope)
        units = held.drop_duplicates(["unit", "code_id"])
        totals = np.bincount(position[units["code_id"].to_numpy()], minlength=size).astype(np.int64)
        # rows of one unit by one coder overlap (see _units_held): every two codes one coder applied there
        i, j = overlap_pairs(held, by=SAME_CODER)
        a = position[held["code_id"].to_numpy()[i]]
        b = position[held["code_id"].to_numpy()[j]]
        low, high = np.minimum(a, b), np.maximum(a, b)
        key = np.sort((held["unit"].to_numpy()[i].astype(np.int64) * size + low) * size + high)
        # each unit once, whatever its coders (sort and keep the first of equal keys: np.unique hashes, far slower here)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
        pair_counts = np.bincount(key % (size * size), minlength=size * size).reshape(size, size)
    pair_counts = pair_counts + pair_counts.T
    np.fill_diagonal(pair_counts, 0)
    labels = [c["path"] for c in present]
    values = pair_counts if measure == "count" else _c(pair_counts, totals)
    out = pd.DataFrame(values, index=labels, columns=labels)
    out.attrs.update(scope=scope, measure=measure, n=dict(zip(labels, totals.tolist())), n_ab=pair_counts.tolist())
    return out


def cooccurrence_reference(db: sqlite_utils.Database, *, scope: str = "overlap", measure: str = "count",
                           filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """The same matrix by a plain pairwise computation; for tests and benchmarks only (slow)."""
    frame, codes = _codings(db, filters, rollup)
    rows = list(frame.itertuples(index=False))
    present = [c for c in codes if c["id"] in {r.code_id for r in rows}]
    labels = {c["id"]: c["path"] for c in present}
    n_ab: dict = {}
    by_document: dict[int, list] = {}
    for r in rows:
        by_document.setdefault(r.document_id, []).append(r)
    if scope == "overlap":
        n = {c["id"]: sum(r.code_id == c["id"] for r in rows) for c in present}
        for group in by_document.values():  # every pair of codings within a document
            for x in range(len(group)):
                for y in range(x + 1, len(group)):
                    a, b = group[x], group[y]
                    if a.code_id != b.code_id and a.coder == b.coder and a.start < b.end and b.start < a.end:
                        for key in ((a.code_id, b.code_id), (b.code_id, a.code_id)):
                            n_ab[key] = n_ab.get(key, 0) + 1
    else:
        if scope == "document":
            units = [(d, group) for d, group in by_document.items()]
        else:
            units = [(t, [r for r in by_document.get(t["document_id"], []) if r.start < t["end"] and t["start"] < r.end])
                     for t in store.rows(db, 'SELECT document_id, start, "end" FROM turns')]
        n = {c["id"]: 0 for c in present}
        for _, inside in units:
            by_coder: dict[str, set] = {}
            for r in inside:
                by_coder.setdefault(r.coder, set()).add(r.code_id)
            for code in {r.code_id for r in inside}:
                n[code] += 1
            both = {(a, b) for held in by_coder.values() for a in held for b in held if a != b}
            for key in both:
                n_ab[key] = n_ab.get(key, 0) + 1
    out = pd.DataFrame(0.0 if measure == "c" else 0, index=list(labels.values()), columns=list(labels.values()))
    for a in labels:
        for b in labels:
            value = n_ab.get((a, b), 0)
            if measure == "count":
                out.loc[labels[a], labels[b]] = value
            else:
                denominator = n[a] + n[b] - value
                out.loc[labels[a], labels[b]] = value / denominator if denominator > 0 else np.nan
    return out


# --- frequencies and matrices --------------------------------------------------------------


def document_labels(titles: dict[int, str]) -> dict[int, str]:
    """Document id -> the column heading of its document: its title, with the id added where titles repeat ("interview (12)")."""
    seen: dict[str, int] = {}
    for title in titles.values():
        seen[title] = seen.get(title, 0) + 1
    return {d: f"{t} ({d})" if seen[t] > 1 else t for d, t in titles.items()}


def frequencies(db: sqlite_utils.Database, *, by: str = "code", filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """Code frequencies.

    ``by="code"``: one row per code with codings, documents and words coded (words of
    the union of its codings per document, so overlapping codings are not counted
    twice). ``by="document"``: the code-by-document matrix of codings, one column per
    document (counted by document id; headed as :func:`document_labels` says). Any other value
    names a document attribute (area, site, role, ...): the code-by-attribute matrix of
    codings, one column per value. With ``rollup`` codings count for their top-level code.
    """
    frame, codes = _codings(db, filters, rollup)
    used = set(frame["code_id"].unique().tolist())  # once, not once per code
    present = [c for c in codes if c["id"] in used]
    labels = {c["id"]: c["path"] for c in present}
    order = [c["path"] for c in present]
    if by == "code":
        texts = {r["id"]: r["text"] for r in store.rows(db, "SELECT id, text FROM documents")}
        rows = []
        for code in present:
            mine = frame[frame["code_id"] == code["id"]]
            words = 0
            for doc_id, group in mine.groupby("document_id"):
                words += sum(len(_WORDS.findall(texts[doc_id][s:e])) for s, e in union(list(zip(group["start"], group["end"]))))
            rows.append({"code": code["path"], "codings": len(mine), "documents": mine["document_id"].nunique(), "words_coded": words})
        return pd.DataFrame(rows, columns=["code", "codings", "documents", "words_coded"])
    if by == "document":
        titles = {r["id"]: r["title"] for r in store.rows(db, "SELECT id, title FROM documents ORDER BY id")}
        heading = document_labels(titles)
        column = frame["document_id"].map(heading)  # keyed by id: two documents of one title stay apart
        coded = set(frame["document_id"].unique().tolist())
        columns = [heading[d] for d in titles if d in coded]
    else:
        values = {r["document_id"]: r["value"] for r in store.rows(db, "SELECT document_id, value FROM document_attributes WHERE name = ?", [by])}
        if not values:
            known = sorted({r["name"] for r in store.rows(db, "SELECT DISTINCT name FROM document_attributes")})
            raise NotFound(f"No attribute {by!r} on any document; use code, document or one of: {', '.join(known)}.")
        column = frame["document_id"].map(values).fillna("(not set)")
        columns = sorted(set(column))
    matrix = pd.crosstab(frame["code_id"].map(labels), column)
    return matrix.reindex(index=order, columns=columns, fill_value=0).rename_axis(index="code", columns=None)


def _names(coders) -> str:
    """The coders of a passage, in alphabetical order: "Signe Holm, Tobias Berg"."""
    return ", ".join(sorted(set(coders)))


CELL_COLUMNS = ["document_id", "document", "start", "end", "coders", "text"]


def cell_excerpts(db: sqlite_utils.Database, code_a: str, code_b: str, *, scope: str = "overlap",
                  filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """The passages behind one cell of the co-occurrence matrix (codes given by path), each listed once.

    Columns :data:`CELL_COLUMNS`: document, start, end, ``coders`` (who coded both there,
    in alphabetical order, comma-separated) and ``text``.

    - overlap: the same-coder pairs of a coding of A and a coding of B that overlap (the
      n_AB of the cell), grouped by their overlapping stretch: one row per distinct stretch
      (document, start, end), ``text`` its words, and ``pairs`` the coding pairs behind it
      (the column sums to n_AB). Two coders who coded the same passage give one row.
    - turn / document: one row per unit (turn, document) in which one coder coded both
      (a document's text is cut to its first 300 characters); the row counts of a cell
      are its n_AB.

    A code with itself (the diagonal, 0 in the matrix) has no passages.
    """
    if scope not in SCOPES:
        raise QualbenchError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    frame, codes = _codings(db, filters, rollup)
    ids = {c["path"]: c["id"] for c in codes}
    for path in (code_a, code_b):
        if path not in ids:
            raise NotFound(f"No code “{path}” in this chart (it may have been merged, renamed or deleted).")
    a_id, b_id = ids[code_a], ids[code_b]
    columns = CELL_COLUMNS[:5] + (["pairs"] if scope == "overlap" else []) + CELL_COLUMNS[5:]
    frame = frame[frame["code_id"].isin([a_id, b_id])].reset_index(drop=True)
    if a_id == b_id or frame.empty:
        return pd.DataFrame(columns=columns)
    texts = {r["id"]: (r["title"], r["text"]) for r in store.rows(db, "SELECT id, title, text FROM documents")}
    if scope == "overlap":
        i, j = overlap_pairs(frame, by=SAME_CODER)
        code = frame["code_id"].to_numpy()
        i, j = i[code[i] != code[j]], j[code[i] != code[j]]
        pairs = pd.DataFrame({"document_id": frame["document_id"].to_numpy()[i], "coder": frame["coder"].to_numpy()[i],
                              "start": np.maximum(frame["start"].to_numpy()[i], frame["start"].to_numpy()[j]),
                              "end": np.minimum(frame["end"].to_numpy()[i], frame["end"].to_numpy()[j])})
        rows = pairs.groupby(["document_id", "start", "end"], as_index=False).agg(coders=("coder", _names), pairs=("coder", "size"))
    else:
        held = _units_held(db, frame, scope)
        both = held.groupby(["unit", "coder"])["code_id"].transform("nunique") == 2  # this coder coded A and B in the unit
        rows = held[both].groupby(["unit", "document_id"], as_index=False).agg(coders=("coder", _names))
        if scope == "document":
            rows = rows.assign(start=0, end=[len(texts[int(d)][1]) for d in rows["document_id"]])
        else:
            turns = _turns(db)
            rows = rows.assign(start=turns["start"].to_numpy()[rows["unit"].to_numpy()], end=turns["end"].to_numpy()[rows["unit"].to_numpy()])
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows["document"] = [texts[int(d)][0] for d in rows["document_id"]]
    cut = 300 if scope == "document" else None
    rows["text"] = [texts[int(d)][1][int(s):int(e)][:cut] for d, s, e in zip(rows["document_id"], rows["start"], rows["end"])]
    return rows.sort_values(["document_id", "start", "end"]).reset_index(drop=True)[columns]
