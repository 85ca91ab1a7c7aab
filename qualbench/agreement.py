"""Inter-coder agreement over a project: which codings are compared, and the tables.

The statistics themselves are plain functions in :mod:`qualbench.agreement_stats`;
this module gathers the coders' codings from the database and lays them out.

What is compared, by default: the documents that every chosen coder has coded
(a document only one of them has looked at says nothing about agreement), and
the codes that any of them used there. Both can be narrowed.

- **character** (two coders): for each code and document, every character of the
  document is a unit; it agrees when both coders coded it with the code or
  neither did. Per code, the 2x2 tables of its documents are added up; the
  pooled row adds up the tables of all codes.
- **unit** (two or more coders): units are the turns (speaker turns, paragraphs
  of notes); a coder codes a unit with a code when any coding of the code
  overlaps it. Krippendorff's alpha (nominal) per code, and with two coders
  Cohen's kappa over units.
- **segment** (two coders, as MAXQDA): a coding counts as matched when the other
  coder has the same code on a coding that overlaps it by at least
  ``min_overlap`` of their joint extent.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import sqlite_utils

from . import agreement_stats as stats
from . import codebook, store
from .errors import NotFound, QualbenchError

LEVELS = ("character", "unit", "segment")


def _check_coders(db: sqlite_utils.Database, coders: list[str], level: str) -> list[str]:
    coders = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    if len(coders) < 2:
        raise QualbenchError("Agreement needs at least two coders; name two (or more, at unit level).")
    if level not in LEVELS:
        raise QualbenchError(f"Unknown level {level!r}; use one of {', '.join(LEVELS)}.")
    if level != "unit" and len(coders) != 2:
        raise QualbenchError(f"The {level} level compares exactly two coders; use the unit level for {len(coders)}.")
    known = {r["name"] for r in store.rows(db, "SELECT name FROM coders")}
    for name in coders:
        if name not in known:
            raise NotFound(f"No coder “{name}” in this project (known: {', '.join(sorted(known))}).")
        if not store.rows(db, "SELECT 1 FROM codings WHERE coder = ? LIMIT 1", [name]):
            raise QualbenchError(f"{name} has no codings to compare.")
    return coders


def scope(db: sqlite_utils.Database, coders: list[str], *, documents: list[int] | None = None,
          codes: list[int | str] | None = None) -> tuple[list[dict], list[dict]]:
    """(documents, codes) compared: by default documents coded by every coder and the codes used there."""
    if documents is None:
        marks = ",".join("?" * len(coders))
        documents = [r["document_id"] for r in store.rows(db, f"""
            SELECT document_id FROM codings WHERE coder IN ({marks})
            GROUP BY document_id HAVING count(DISTINCT coder) = ? ORDER BY document_id""", [*coders, len(coders)])]
        if not documents:
            raise QualbenchError(f"{' and '.join(coders)} have not coded any document in common.")
    docs = [store.rows(db, "SELECT id, title, length(text) AS length FROM documents WHERE id = ?", [d]) for d in documents]
    missing = [d for d, found in zip(documents, docs) if not found]
    if missing:
        raise NotFound(f"No document {missing[0]}.")
    docs = [found[0] for found in docs]
    all_codes = {c["id"]: c for c in codebook.codes(db)}
    if codes is None:
        marks_d, marks_c = ",".join("?" * len(docs)), ",".join("?" * len(coders))
        used = {r["code_id"] for r in store.rows(db, f"SELECT DISTINCT code_id FROM codings WHERE document_id IN ({marks_d}) AND coder IN ({marks_c})",
                                                 [*[d["id"] for d in docs], *coders])}
        chosen = [c for c in all_codes.values() if c["id"] in used]
    else:
        chosen = [all_codes[codebook.resolve(db, c)["id"]] for c in codes]
    return docs, chosen


def _ranges(db, coders, docs, codes) -> dict[tuple[int, int, str], list[tuple[int, int]]]:
    """(code_id, document_id, coder) -> that coder's ranges of the code in the document."""
    out: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    if not docs or not codes:
        return out
    sql = f"""SELECT code_id, document_id, coder, start, "end" FROM codings
              WHERE document_id IN ({','.join('?' * len(docs))}) AND code_id IN ({','.join('?' * len(codes))})
                AND coder IN ({','.join('?' * len(coders))}) ORDER BY start"""
    for r in store.rows(db, sql, [*[d["id"] for d in docs], *[c["id"] for c in codes], *coders]):
        out[(r["code_id"], r["document_id"], r["coder"])].append((r["start"], r["end"]))
    return out


def _kappa_row(table: tuple[int, int, int, int]) -> dict:
    result = stats.percent_agreement_and_kappa(*table)
    both, first, second, neither = table
    return {"both": both, "first_only": first, "second_only": second, "neither": neither,
            "agreement_percent": None if result.agreement is None else round(100 * result.agreement, 2),
            "kappa": None if result.kappa is None else round(result.kappa, 4),
            "verdict": stats.verdict(result.kappa), "note": result.note}


def compare(db: sqlite_utils.Database, coders: list[str], *, level: str = "character",
            documents: list[int] | None = None, codes: list[int | str] | None = None,
            min_overlap: float = 0.9, by_document: bool = False) -> pd.DataFrame:
    """One row per code (its path first) with the level's figures, then a pooled row ``(all codes)``.

    With ``by_document`` (character level), one row per code and document instead.
    """
    coders = _check_coders(db, coders, level)
    if not 0 < min_overlap <= 1:
        raise QualbenchError("The segment overlap must be a share between 0 and 1, e.g. 0.9.")
    docs, chosen = scope(db, coders, documents=documents, codes=codes)
    ranges = _ranges(db, coders, docs, chosen)
    rows = []
    if level == "character":
        a, b = coders
        pooled = [0, 0, 0, 0]
        for code in chosen:
            total = [0, 0, 0, 0]
            for doc in docs:
                table = stats.character_table(doc["length"], ranges.get((code["id"], doc["id"], a), []), ranges.get((code["id"], doc["id"], b), []))
                total = [x + y for x, y in zip(total, table)]
                if by_document:
                    rows.append({"code": code["path"], "document": doc["title"], **_kappa_row(table)})
            pooled = [x + y for x, y in zip(pooled, total)]
            if not by_document:
                rows.append({"code": code["path"], **_kappa_row(tuple(total))})
        if not by_document:
            rows.append({"code": "(all codes)", **_kappa_row(tuple(pooled))})
    elif level == "unit":
        units = {d["id"]: [(t["start"], t["end"]) for t in store.rows(db, 'SELECT start, "end" FROM turns WHERE document_id = ? ORDER BY "index"', [d["id"]])]
                 for d in docs}
        pooled_matrix = [[] for _ in coders]
        for code in chosen:
            matrix = [[] for _ in coders]
            for doc in docs:
                for i, coder in enumerate(coders):
                    matrix[i] += [int(x) for x in stats.unit_presence(units[doc["id"]], ranges.get((code["id"], doc["id"], coder), []))]
            for i in range(len(coders)):
                pooled_matrix[i] += matrix[i]
            rows.append({"code": code["path"], **_unit_row(matrix)})
        rows.append({"code": "(all codes)", **_unit_row(pooled_matrix)})
    else:
        a, b = coders
        pooled = [0, 0, 0, 0]
        for code in chosen:
            counts = [0, 0, 0, 0]
            for doc in docs:
                result = stats.segment_matches(ranges.get((code["id"], doc["id"], a), []), ranges.get((code["id"], doc["id"], b), []), min_overlap=min_overlap)
                counts = [x + y for x, y in zip(counts, (result.matched_first, result.unmatched_first, result.matched_second, result.unmatched_second))]
            pooled = [x + y for x, y in zip(pooled, counts)]
            rows.append({"code": code["path"], **_segment_row(counts, a, b)})
        rows.append({"code": "(all codes)", **_segment_row(pooled, a, b)})
    frame = pd.DataFrame(rows)
    frame.attrs.update(coders=coders, level=level, documents=[d["title"] for d in docs], min_overlap=min_overlap)
    return frame


def _unit_row(matrix: list[list[int]]) -> dict:
    n_units = len(matrix[0]) if matrix else 0
    alpha = stats.krippendorff_alpha_result(matrix, level="nominal")
    row = {"units": n_units, "coded_units": sum(any(col) for col in zip(*matrix)) if n_units else 0,
           "alpha": None if alpha.alpha is None else round(alpha.alpha, 4), "alpha_verdict": stats.alpha_verdict(alpha.alpha), "note": alpha.note}
    if len(matrix) == 2:
        first, second = matrix
        table = (sum(x and y for x, y in zip(first, second)), sum(x and not y for x, y in zip(first, second)),
                 sum(y and not x for x, y in zip(first, second)), sum(not x and not y for x, y in zip(first, second)))
        kappa = stats.percent_agreement_and_kappa(*table)
        row.update(agreement_percent=None if kappa.agreement is None else round(100 * kappa.agreement, 2),
                   kappa=None if kappa.kappa is None else round(kappa.kappa, 4))
        if not row["note"]:
            row["note"] = kappa.note
    return row


def _segment_row(counts: list[int], a: str, b: str) -> dict:
    matched_a, unmatched_a, matched_b, unmatched_b = counts
    total = sum(counts)
    return {f"segments_{a}": matched_a + unmatched_a, f"matched_{a}": matched_a,
            f"segments_{b}": matched_b + unmatched_b, f"matched_{b}": matched_b,
            "agreement_percent": round(100 * (matched_a + matched_b) / total, 2) if total else None,
            "note": "" if total else "no segments to compare"}


def disagreements(db: sqlite_utils.Database, coders: list[str], *, documents: list[int] | None = None,
                  codes: list[int | str] | None = None) -> pd.DataFrame:
    """The stretches of text that only one of two coders coded with a code, for talking them through.

    One row per stretch: document_id, document, code, start, end, coded_by (the one
    coder who coded it), not_by, and the text.
    """
    coders = _check_coders(db, coders, "character")
    docs, chosen = scope(db, coders, documents=documents, codes=codes)
    ranges = _ranges(db, coders, docs, chosen)
    texts = {d["id"]: store.rows(db, "SELECT text FROM documents WHERE id = ?", [d["id"]])[0]["text"] for d in docs}
    rows = []
    for code in chosen:
        for doc in docs:
            for one, other in (coders, coders[::-1]):
                for start, end in stats.only_in(ranges.get((code["id"], doc["id"], one), []), ranges.get((code["id"], doc["id"], other), [])):
                    if texts[doc["id"]][start:end].strip():
                        rows.append({"document_id": doc["id"], "document": doc["title"], "code": code["path"], "start": start, "end": end,
                                     "coded_by": one, "not_by": other, "text": texts[doc["id"]][start:end]})
    columns = ["document_id", "document", "code", "start", "end", "coded_by", "not_by", "text"]
    return pd.DataFrame(rows, columns=columns).sort_values(["document_id", "start", "code"], kind="stable").reset_index(drop=True)


def coders_with_codings(db: sqlite_utils.Database) -> list[str]:
    """Coders who have coded something, busiest first (the ones worth comparing)."""
    return [r["coder"] for r in store.rows(db, "SELECT coder, count(*) AS n FROM codings GROUP BY coder ORDER BY n DESC, coder")]


def side_by_side(frame: pd.DataFrame, coders: list[str]) -> pd.DataFrame:
    """Disagreements laid out with one text column per coder: each stretch under the coder who coded it.

    The first column, ``open``, is the coding page's link to the stretch.
    """
    from .coding import passage_link

    out = frame[["document_id", "document", "code", "start", "end"]].copy()
    out.insert(0, "open", [passage_link(d, s) for d, s in zip(out["document_id"], out["start"])])
    for coder in coders:
        out[coder] = frame["text"].where(frame["coded_by"] == coder, "")
    return out
