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

SCOPES = ("overlap", "turn", "document")
MEASURES = ("count", "c")


def _codings(db: sqlite_utils.Database, filters: Filters | None, rollup: bool) -> tuple[pd.DataFrame, list[dict]]:
    """The filtered codings (document_id, code_id, start, end), with code_id mapped to its top-level code under rollup."""
    filters = (filters or Filters()).check(db)
    where, params = filters.codings_sql("c")
    cursor = db.execute(f'SELECT c.document_id, c.code_id, c.start, c."end" FROM codings c WHERE {where}', params)
    frame = pd.DataFrame(cursor.fetchall(), columns=["document_id", "code_id", "start", "end"], dtype="int64")
    codes = codebook.codes(db)
    if rollup:
        top = {}
        for code in codes:  # tree order: a parent comes before its children
            top[code["id"]] = code["id"] if code["parent_id"] is None else top[code["parent_id"]]
        frame["code_id"] = frame["code_id"].map(top)
        codes = [c for c in codes if c["parent_id"] is None]
    return frame, codes


def overlap_pairs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of codings in the same document whose ranges overlap (a sort and a sweep, vectorised).

    Sorted by (document, start), coding j > i overlaps i exactly when start_j < end_i; the
    first j that does not is found by binary search, so the work grows with the pairs found.
    """
    if frame.empty:
        return np.empty(0, int), np.empty(0, int)
    order = np.lexsort((frame["start"].to_numpy(), frame["document_id"].to_numpy()))
    doc = frame["document_id"].to_numpy()[order].astype(np.int64)
    shift = int(max(frame["end"].max(), 1)) + 1
    starts = doc * shift + frame["start"].to_numpy()[order]
    ends = doc * shift + frame["end"].to_numpy()[order]
    stop = np.searchsorted(starts, ends, side="left")  # first coding (in this document) starting at or after the end
    first = np.arange(len(order))
    counts = np.maximum(stop - first - 1, 0)
    i = np.repeat(first, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    j = i + 1 + offsets
    return order[i], order[j]


def _units_held(db: sqlite_utils.Database, frame: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Distinct (unit, code_id) pairs: the turns (or documents) each code's codings touch."""
    if scope == "document":
        return frame[["document_id", "code_id"]].drop_duplicates().rename(columns={"document_id": "unit"})
    turns = pd.DataFrame(store.rows(db, 'SELECT document_id, start, "end" FROM turns ORDER BY document_id, start'),
                         columns=["document_id", "start", "end"])
    shift = int(max(turns["end"].max() if len(turns) else 0, frame["end"].max() if len(frame) else 0, 1)) + 1
    t_start = turns["document_id"].to_numpy(np.int64) * shift + turns["start"].to_numpy()
    t_end = turns["document_id"].to_numpy(np.int64) * shift + turns["end"].to_numpy()
    c_start = frame["document_id"].to_numpy(np.int64) * shift + frame["start"].to_numpy()
    c_end = frame["document_id"].to_numpy(np.int64) * shift + frame["end"].to_numpy()
    # turns are disjoint and sorted: a coding touches the turns from the first ending after its start
    # to the last starting before its end (half-open ranges, so touching ends do not count)
    lo = np.searchsorted(t_end, c_start, side="right")
    hi = np.searchsorted(t_start, c_end, side="left")
    counts = np.maximum(hi - lo, 0)
    unit = np.repeat(lo, counts) + (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts))
    code = np.repeat(frame["code_id"].to_numpy(), counts)
    return pd.DataFrame({"unit": unit, "code_id": code}).drop_duplicates()


def cooccurrence(db: sqlite_utils.Database, *, scope: str = "overlap", measure: str = "count",
                 filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """The code-by-code co-occurrence matrix, as DESIGN.md defines it; rows and columns are code paths.

    - overlap: n_AB = pairs of codings of A and B in one document whose ranges overlap;
      n_A = codings of A. c = n_AB / (n_A + n_B - n_AB), which can exceed 1 when one
      long coding overlaps many short ones (it is shown, never clipped).
    - turn / document: n_AB = units (turns, documents) that a coding of A and a coding
      of B both touch; n_A = units holding A; c is then the Jaccard index (0..1).

    Codings of all coders count unless ``filters`` narrows them. With ``rollup`` every
    coding counts for its top-level code and the matrix is theme by theme. The
    diagonal is 0: a code is not counted as co-occurring with itself. Codes without
    codings in the selection are left out.
    """
    if scope not in SCOPES:
        raise QualbenchError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    if measure not in MEASURES:
        raise QualbenchError(f"Unknown measure {measure!r}; use count or c.")
    frame, codes = _codings(db, filters, rollup)
    present = [c for c in codes if c["id"] in set(frame["code_id"])]
    index = {c["id"]: k for k, c in enumerate(present)}
    position = np.full(max([c["id"] for c in codes], default=0) + 1, -1)  # code id -> row of the matrix
    position[list(index)] = list(index.values())
    size = len(present)
    pair_counts = np.zeros((size, size), dtype=np.int64)
    if scope == "overlap":
        i, j = overlap_pairs(frame)
        a = frame["code_id"].to_numpy()[i]
        b = frame["code_id"].to_numpy()[j]
        keep = a != b
        np.add.at(pair_counts, (position[a[keep]], position[b[keep]]), 1)
        pair_counts = pair_counts + pair_counts.T
        totals = np.bincount(position[frame["code_id"].to_numpy()], minlength=size).astype(np.int64)
    else:
        held = _units_held(db, frame, scope)
        units = {u: k for k, u in enumerate(held["unit"].unique())}
        membership = np.zeros((len(units), size), dtype=np.int64)
        # (a coding lying only in the blank line between two turns touches no unit)
        membership[held["unit"].map(units).to_numpy(dtype=int), position[held["code_id"].to_numpy(dtype=int)]] = 1
        pair_counts = membership.T @ membership
        totals = np.diag(pair_counts).copy()
    np.fill_diagonal(pair_counts, 0)
    labels = [c["path"] for c in present]
    if measure == "count":
        return pd.DataFrame(pair_counts, index=labels, columns=labels)
    denominator = totals[:, None] + totals[None, :] - pair_counts
    with np.errstate(divide="ignore", invalid="ignore"):
        c_values = np.where(denominator > 0, pair_counts / np.where(denominator > 0, denominator, 1), 0.0)
    np.fill_diagonal(c_values, 0.0)
    return pd.DataFrame(c_values, index=labels, columns=labels)


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
                    if a.code_id != b.code_id and a.start < b.end and b.start < a.end:
                        for key in ((a.code_id, b.code_id), (b.code_id, a.code_id)):
                            n_ab[key] = n_ab.get(key, 0) + 1
    else:
        if scope == "document":
            holds = {d: {r.code_id for r in group} for d, group in by_document.items()}
        else:
            holds = {}
            for t in store.rows(db, 'SELECT document_id, start, "end" FROM turns'):
                inside = {r.code_id for r in by_document.get(t["document_id"], []) if r.start < t["end"] and t["start"] < r.end}
                if inside:
                    holds[(t["document_id"], t["start"])] = inside
        n = {c["id"]: sum(c["id"] in held for held in holds.values()) for c in present}
        for held in holds.values():
            for a in held:
                for b in held:
                    if a != b:
                        n_ab[(a, b)] = n_ab.get((a, b), 0) + 1
    out = pd.DataFrame(0.0 if measure == "c" else 0, index=list(labels.values()), columns=list(labels.values()))
    for (a, b), value in n_ab.items():
        out.loc[labels[a], labels[b]] = value if measure == "count" else value / (n[a] + n[b] - value)
    return out


# --- frequencies and matrices --------------------------------------------------------------


def frequencies(db: sqlite_utils.Database, *, by: str = "code", filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """Code frequencies.

    ``by="code"``: one row per code with codings, documents and words coded (words of
    the union of its codings per document, so overlapping codings are not counted
    twice). ``by="document"``: the code-by-document matrix of codings. Any other value
    names a document attribute (area, site, role, ...): the code-by-attribute matrix of
    codings, one column per value. With ``rollup`` codings count for their top-level code.
    """
    frame, codes = _codings(db, filters, rollup)
    present = [c for c in codes if c["id"] in set(frame["code_id"])]
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
        column = frame["document_id"].map(titles)
        columns = [t for t in titles.values() if t in set(column)]
    else:
        values = {r["document_id"]: r["value"] for r in store.rows(db, "SELECT document_id, value FROM document_attributes WHERE name = ?", [by])}
        if not values:
            known = sorted({r["name"] for r in store.rows(db, "SELECT DISTINCT name FROM document_attributes")})
            raise NotFound(f"No attribute {by!r} on any document; use code, document or one of: {', '.join(known)}.")
        column = frame["document_id"].map(values).fillna("(not set)")
        columns = sorted(set(column))
    matrix = pd.crosstab(frame["code_id"].map(labels), column)
    return matrix.reindex(index=order, columns=columns, fill_value=0).rename_axis(index="code", columns=None)


def cell_excerpts(db: sqlite_utils.Database, code_a: str, code_b: str, *, scope: str = "overlap",
                  filters: Filters | None = None, rollup: bool = False) -> pd.DataFrame:
    """The passages behind one cell of the co-occurrence matrix (codes given by path).

    overlap: one row per overlapping pair of codings (the n_AB of the cell), with both
    excerpts; turn / document: one row per unit holding both codes, with its text
    (a document's text is cut to its first 300 characters).
    """
    frame, codes = _codings(db, filters, rollup)
    ids = {c["path"]: c["id"] for c in codes}
    for path in (code_a, code_b):
        if path not in ids:
            raise NotFound(f"No code “{path}” in this chart (it may have been merged, renamed or deleted).")
    a_id, b_id = ids[code_a], ids[code_b]
    texts = {r["id"]: (r["title"], r["text"]) for r in store.rows(db, "SELECT id, title, text FROM documents")}
    rows = []
    if scope == "overlap":
        i, j = overlap_pairs(frame)
        codes_i, codes_j = frame["code_id"].to_numpy()[i], frame["code_id"].to_numpy()[j]
        hit = ((codes_i == a_id) & (codes_j == b_id)) | ((codes_i == b_id) & (codes_j == a_id))
        for x, y in zip(i[hit], j[hit]):
            first, second = frame.iloc[x], frame.iloc[y]
            if first["code_id"] != a_id:
                first, second = second, first
            title, text = texts[int(first["document_id"])]
            rows.append({"document_id": int(first["document_id"]), "document": title, "start": int(min(first["start"], second["start"])),
                         code_a: text[first["start"]:first["end"]], code_b: text[second["start"]:second["end"]]})
        return pd.DataFrame(rows, columns=["document_id", "document", "start", code_a, code_b])
    if scope not in SCOPES:
        raise QualbenchError(f"Unknown scope {scope!r}; use one of {', '.join(SCOPES)}.")
    held = _units_held(db, frame, scope)
    both = set(held[held["code_id"] == a_id]["unit"]) & set(held[held["code_id"] == b_id]["unit"])
    if scope == "document":
        for doc_id in sorted(both):
            title, text = texts[int(doc_id)]
            rows.append({"document_id": int(doc_id), "document": title, "start": 0, "text": text[:300]})
    else:
        turns = store.rows(db, 'SELECT document_id, "index", start, "end" FROM turns ORDER BY document_id, start')
        for unit in sorted(both):
            turn = turns[int(unit)]
            title, text = texts[turn["document_id"]]
            rows.append({"document_id": turn["document_id"], "document": title, "start": turn["start"], "text": text[turn["start"]:turn["end"]]})
    return pd.DataFrame(rows, columns=["document_id", "document", "start", "text"])
