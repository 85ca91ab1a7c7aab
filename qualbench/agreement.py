"""Inter-coder agreement over a project: which codings are compared, and the tables.

The statistics themselves are plain functions in :mod:`qualbench.agreement_stats`;
this module gathers the coders' codings from the database and lays them out.

What is compared, by default: at character and segment level (two coders) the
documents that both coders have coded; at unit level the documents that at least
two of the chosen coders have coded, each coder's values *missing* on the documents
they did not code at all (Krippendorff 2011: alpha allows missing values; a unit
with fewer than two values is not pairable). The codes are those any of them used
there. Both can be narrowed; a document or code named twice counts once.

- **character** (two coders): for each code and document, every character of the
  document is a unit (``len`` of the stored text); it agrees when both coders coded
  it with the code or neither did. Per code, the 2x2 tables of its documents are
  added up (Qualbench's pooled kappa); the ``nvivo_*`` columns average the
  documents' own figures weighted by document size, as NVivo's help does across
  sources; the pooled row ``(all codes)`` adds up the tables of all codes.
- **unit** (two or more coders): units are the turns (speaker turns, paragraphs
  of notes); a coder codes a unit with a code when any coding of the code
  overlaps it. Krippendorff's alpha (nominal) per code, and with two coders
  Cohen's kappa over the units both gave a value.
- **segment** (two coders, as MAXQDA): a coding counts as matched when the other
  coder has the same code on a coding that overlaps it by at least
  ``min_overlap`` of their joint extent.

Figures in the frames are exact; :func:`rounded` rounds them once for a table.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import sqlite_utils

from . import agreement_stats as stats
from . import codebook, store
from .errors import NotFound, QualbenchError
from .export import tables

LEVELS = ("character", "unit", "segment")

# places a figure is shown with on the page and in CSV (the Word table has its own, see export/methods.py)
FIGURE_PLACES = {"kappa": 4, "alpha": 4, "nvivo_kappa": 4, "agreement_percent": 2, "nvivo_agreement_percent": 2}


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


def _check_coded(coders: list[str], docs: list[dict]) -> None:
    """Every chosen coder must have coded at least one of the documents compared."""
    titles = [d["title"] for d in docs]
    listed = ", ".join(f"“{t}”" for t in titles[:5]) + (f" and {len(titles) - 5} more" if len(titles) > 5 else "")
    for name in coders:
        if not any(name in d["coded_by"] for d in docs):
            raise QualbenchError(f"{name} has no codings in the documents compared ({listed}); "
                                 f"choose documents {name} has coded, or leave the documents to the default.")


def scope(db: sqlite_utils.Database, coders: list[str], *, level: str = "character", documents: list[int] | None = None,
          codes: list[int | str] | None = None) -> tuple[list[dict], list[dict]]:
    """(documents, codes) compared; see the module docstring for the defaults.

    Each document is a dict with id, title, length (``len`` of its text: SQLite's
    ``length()`` stops at a NUL) and coded_by (the chosen coders with codings in it).
    """
    coders = list(dict.fromkeys(coders))
    marks_c = ",".join("?" * len(coders))
    if documents is None:
        needed = 2 if level == "unit" else len(coders)
        documents = [r["document_id"] for r in store.rows(db, f"""
            SELECT document_id FROM codings WHERE coder IN ({marks_c})
            GROUP BY document_id HAVING count(DISTINCT coder) >= ? ORDER BY document_id""", [*coders, needed])]
        if not documents:
            if level == "unit" and len(coders) > 2:
                raise QualbenchError(f"No document has been coded by at least two of {', '.join(coders)}.")
            raise QualbenchError(f"{' and '.join(coders)} have not coded any document in common.")
    documents = list(dict.fromkeys(documents))
    docs = []
    for d in documents:
        found = store.rows(db, "SELECT id, title, text FROM documents WHERE id = ?", [d])
        if not found:
            raise NotFound(f"No document {d}.")
        docs.append({"id": found[0]["id"], "title": found[0]["title"], "length": len(found[0]["text"])})
    marks_d = ",".join("?" * len(docs))
    coded: dict[int, set[str]] = defaultdict(set)
    for r in store.rows(db, f"SELECT DISTINCT document_id, coder FROM codings WHERE document_id IN ({marks_d}) AND coder IN ({marks_c})",
                        [*[d["id"] for d in docs], *coders]):
        coded[r["document_id"]].add(r["coder"])
    for d in docs:
        d["coded_by"] = [c for c in coders if c in coded[d["id"]]]
    _check_coded(coders, docs)
    all_codes = {c["id"]: c for c in codebook.codes(db)}
    if codes is None:
        used = {r["code_id"] for r in store.rows(db, f"SELECT DISTINCT code_id FROM codings WHERE document_id IN ({marks_d}) AND coder IN ({marks_c})",
                                                 [*[d["id"] for d in docs], *coders])}
        chosen = [c for c in all_codes.values() if c["id"] in used]
    else:
        ids = list(dict.fromkeys(codebook.resolve(db, c)["id"] for c in codes))
        chosen = [all_codes[i] for i in ids]
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
            "agreement_percent": None if result.agreement is None else 100 * result.agreement,
            "kappa": result.kappa, "verdict": stats.verdict(result.kappa), "note": result.note}


def _nvivo_average(cells: list[tuple[stats.KappaResult, int]]) -> dict:
    """The documents' own kappas (and percent agreements) averaged, each weighted by its document's size.

    NVivo's coding comparison gives kappa and percentage agreement per code (node) and
    document (source) only. Its help ("Run a Coding Comparison query", NVivo 10 and 11:
    "How can I calculate an average Kappa coefficient or percentage agreement across
    multiple sources or nodes?") leaves the average to a spreadsheet and shows it
    weighted by source size, the size of a document being its number of characters;
    that is what these columns follow. Where the two coders agree on every character of a
    document (typically: neither used the code there) our kappa is undefined, but NVivo
    lists that source with K = 1 and 100 % ("If the users are in complete agreement then
    the Kappa coefficient (K) = 1", same help page), so it goes into the average as 1, as
    it would in NVivo's spreadsheet. Only an empty document is left out;
    ``nvivo_averaged`` says how many documents went in.
    """
    values = []
    for result, size in cells:
        if result.kappa is not None:
            values.append((result.kappa, result.agreement, size))
        elif result.agreement == 1:
            values.append((1.0, 1.0, size))
    kappa, averaged = stats.weighted_mean([k for k, _, _ in values], [s for _, _, s in values])
    agreement, _ = stats.weighted_mean([a for _, a, _ in values], [s for _, _, s in values])
    return {"nvivo_agreement_percent": None if agreement is None else 100 * agreement, "nvivo_kappa": kappa,
            "nvivo_averaged": averaged}


def compare(db: sqlite_utils.Database, coders: list[str], *, level: str = "character",
            documents: list[int] | None = None, codes: list[int | str] | None = None,
            min_overlap: float = 0.9, by_document: bool = False) -> pd.DataFrame:
    """One row per code (its path first) with the level's figures, then a pooled row ``(all codes)``.

    With ``by_document`` (character level), one row per code and document instead, as
    NVivo's coding comparison lists them. Figures are exact; see :func:`rounded`.
    """
    coders = _check_coders(db, coders, level)
    if not 0 < min_overlap <= 1:
        raise QualbenchError("The segment overlap must be a share between 0 and 1, e.g. 0.9.")
    if by_document and level != "character":
        raise QualbenchError("Agreement per document (per-document rows) is offered at the character level, as NVivo's coding comparison.")
    docs, chosen = scope(db, coders, level=level, documents=documents, codes=codes)
    ranges = _ranges(db, coders, docs, chosen)
    rows = []
    if level == "character":
        a, b = coders
        pooled = [0, 0, 0, 0]
        all_cells: list[tuple[stats.KappaResult, int]] = []
        for code in chosen:
            total = [0, 0, 0, 0]
            cells = []
            for doc in docs:
                table = stats.character_table(doc["length"], ranges.get((code["id"], doc["id"], a), []), ranges.get((code["id"], doc["id"], b), []))
                total = [x + y for x, y in zip(total, table)]
                cells.append((stats.percent_agreement_and_kappa(*table), doc["length"]))
                if by_document:
                    rows.append({"code": code["path"], "document": doc["title"], "characters": doc["length"], **_kappa_row(table)})
            pooled = [x + y for x, y in zip(pooled, total)]
            all_cells += cells
            if not by_document:
                rows.append({"code": code["path"], **_kappa_row(tuple(total)), **_nvivo_average(cells)})
        if not by_document:
            rows.append({"code": "(all codes)", **_kappa_row(tuple(pooled)), **_nvivo_average(all_cells)})
    elif level == "unit":
        units = {d["id"]: [(t["start"], t["end"]) for t in store.rows(db, 'SELECT start, "end" FROM turns WHERE document_id = ? ORDER BY "index"', [d["id"]])]
                 for d in docs}
        pooled_matrix = [[] for _ in coders]
        for code in chosen:
            matrix = [[] for _ in coders]
            for doc in docs:
                for i, coder in enumerate(coders):
                    if coder in doc["coded_by"]:
                        matrix[i] += [int(x) for x in stats.unit_presence(units[doc["id"]], ranges.get((code["id"], doc["id"], coder), []))]
                    else:  # the coder did not code this document at all: missing, not "not coded"
                        matrix[i] += [None] * len(units[doc["id"]])
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
    frame.attrs.update(coders=coders, level=level, documents=[d["title"] for d in docs], min_overlap=min_overlap,
                       coded_by={d["title"]: d["coded_by"] for d in docs}, by_document=by_document)
    return frame


def _unit_row(matrix: list[list[int | None]]) -> dict:
    n_units = len(matrix[0]) if matrix else 0
    alpha = stats.krippendorff_alpha_result(matrix, level="nominal")
    row = {"units": n_units, "coded_units": sum(any(col) for col in zip(*matrix)) if n_units else 0,
           "alpha": alpha.alpha, "alpha_verdict": stats.alpha_verdict(alpha.alpha), "note": alpha.note}
    if len(matrix) == 2:
        pairs = [(x, y) for x, y in zip(*matrix) if x is not None and y is not None]
        table = (sum(x and y for x, y in pairs), sum(x and not y for x, y in pairs),
                 sum(y and not x for x, y in pairs), sum(not x and not y for x, y in pairs))
        kappa = stats.percent_agreement_and_kappa(*table)
        row.update(agreement_percent=None if kappa.agreement is None else 100 * kappa.agreement, kappa=kappa.kappa)
        if not row["note"]:
            row["note"] = kappa.note
    return row


def _segment_row(counts: list[int], a: str, b: str) -> dict:
    matched_a, unmatched_a, matched_b, unmatched_b = counts
    total = sum(counts)
    return {f"segments_{a}": matched_a + unmatched_a, f"matched_{a}": matched_a,
            f"segments_{b}": matched_b + unmatched_b, f"matched_{b}": matched_b,
            "agreement_percent": 100 * (matched_a + matched_b) / total if total else None,
            "note": "" if total else "no segments to compare"}


def rounded(frame: pd.DataFrame, *, places: dict[str, int] | None = None) -> pd.DataFrame:
    """A copy of a :func:`compare` frame with each figure rounded once, from its exact value (never -0)."""
    out = frame.copy()
    for column, n in (places or FIGURE_PLACES).items():
        if column in out.columns:
            out[column] = pd.Series([stats.shown(v, n) for v in out[column]], index=out.index, dtype="float64")
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The agreement table as CSV (UTF-8), figures rounded as on the page, code names' formulas defused."""
    return tables.csv_bytes(rounded(frame))


def column_meanings(frame: pd.DataFrame) -> dict[str, str]:
    """What each column of a :func:`compare` frame means, in words, for a caption or a table note."""
    attrs = frame.attrs
    coders, level = attrs.get("coders", []), attrs.get("level", "character")
    first, second = (list(coders) + ["the first coder", "the second coder"][len(coders):])[:2]
    unit = {"character": "characters", "unit": "units"}.get(level, "segments")
    meanings = {
        "code": "the code; “(all codes)” adds up the figures of every code (Qualbench's own pooled row, not an NVivo figure)",
        "document": "the document",
        "characters": "the document's length in characters (its weight in the NVivo average)",
        "both": f"{unit} both {first} and {second} coded with the code",
        "first_only": f"{unit} only {first} coded with the code",
        "second_only": f"{unit} only {second} coded with the code",
        "neither": f"{unit} neither coded with the code",
        "agreement_percent": (f"share of {unit} on which the two agree (both coded or neither did), in %" if level != "segment"
                              else "matched codings of all codings of both coders, in %"),
        "kappa": (f"Cohen's kappa over the {unit}" + ("; per code over the code's documents added up (Qualbench's pooled kappa)"
                                                       if level == "character" and not attrs.get("by_document") else "")),
        "verdict": "Landis & Koch (1977) band of kappa",
        "nvivo_agreement_percent": "each document's percent agreement averaged, weighted by the document's length",
        "nvivo_kappa": "each document's kappa averaged, weighted by the document's length (how NVivo's help averages across sources)",
        "nvivo_averaged": "documents (in the pooled row: code-document pairs) whose kappa went into the NVivo average; "
                          "those without a kappa (nobody used the code there) are left out",
        "units": "turns and paragraphs in the documents compared",
        "coded_units": "units any coder coded with the code",
        "alpha": "Krippendorff's alpha, nominal (coded or not, per code); a coder's units are missing on documents they did not code",
        "alpha_verdict": "Krippendorff's guidance: ≥ .800 reliable, ≥ .667 tentative conclusions only, else unreliable",
        "note": "why a figure is undefined",
    }
    for coder in coders:
        meanings[f"segments_{coder}"] = f"{coder}'s codings of the code"
        meanings[f"matched_{coder}"] = f"{coder}'s codings matched by the other coder's (overlap ≥ {attrs.get('min_overlap', 0.9):.0%})"
    return {c: meanings[c] for c in frame.columns if c in meanings}


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
