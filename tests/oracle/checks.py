"""Run each CLI command on a project, read its CSV, compare every figure with reference.py.

Each check returns a list of ``Mismatch``: the seed, the command, the check's name and a
description small enough to reproduce by hand (the documents and codings behind the figure).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from . import reference as ref
from .project import Coding, Project, run


@dataclass
class Mismatch:
    check: str  # e.g. "cooccurrence.overlap.c"
    seed: int
    command: str
    detail: str
    size: int  # codings in the project: the smallest witness is reported first

    def __str__(self) -> str:
        return f"[{self.check}] seed {self.seed}: python -m qualbench {self.command}\n    {self.detail}"


class Collector:
    def __init__(self, project: Project, argv: list[str]):
        self.project, self.argv, self.found = project, argv, []

    def add(self, check: str, detail: str) -> None:
        command = " ".join(_quote(a) for a in self.argv if a != str(self.project.db) and a != "--db")
        self.found.append(Mismatch(check, self.project.seed, command, detail, len(self.project.codings)))


def _quote(arg: str) -> str:
    return f'"{arg}"' if (" " in arg or not arg) else arg


# --- reading the CLI's CSV -------------------------------------------------------------


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, newline="", encoding="utf-8-sig") as f:  # a text cell starting with ' has one ' more (README)
        rows = [[cell[1:] if cell.startswith("'") else cell for cell in row] for row in csv.reader(f)]
    return rows[0], rows[1:]


def decimals(cell: str) -> int:
    if not cell or "." not in cell or "e" in cell.lower():
        return 16 if cell and "e" in cell.lower() else 0
    return len(cell.split(".")[1])


def number(cell: str):
    cell = cell.strip()
    if cell == "" or cell.lower() in ("nan", "none"):
        return None
    try:
        value = float(cell)
    except ValueError:
        return cell  # text where a number was expected
    return None if math.isnan(value) else value


def same(expected, got: str, places: int) -> bool:
    """Exact where exact (counts), else within half a unit of the printed precision (places is
    the most decimals printed anywhere in the column), at least 1e-9."""
    value = number(got)
    if expected is None:
        return value is None
    if value is None or isinstance(value, str):
        return False
    tolerance = max(0.5 * 10.0 ** -places, 1e-9) + 1e-12 if places else 1e-9
    return abs(float(expected) - value) <= tolerance


def show(value) -> str:
    if value is None:
        return "undefined (blank)"
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator} = {float(value):.6g}" if value.denominator != 1 else str(value.numerator)
    return str(value)


def column_places(rows: list[list[str]], j: int) -> int:
    return max((decimals(r[j]) for r in rows if j < len(r)), default=0)


# --- describing a witness ---------------------------------------------------------------


def describe(project: Project, codings: list[Coding], docs=None, turns=False, limit: int = 12) -> str:
    docs = sorted(set(docs or []) | {k.doc for k in codings})
    parts = []
    for d in docs:
        doc = project.docs[d]
        line = f"doc {d} {doc.title!r} (len {len(doc.text)}, site={doc.attrs.get('site')})"
        if turns:
            line += f" turns {doc.turns}"
        parts.append(line)
    for k in sorted(codings, key=lambda k: (k.doc, k.start, k.end, k.code))[:limit]:
        text = project.docs[k.doc].text[k.start:k.end]
        parts.append(f"coding {k.id}: doc {k.doc} {k.code!r} [{k.start},{k.end}) by {k.coder} {text[:40]!r}")
    if len(codings) > limit:
        parts.append(f"... and {len(codings) - limit} more codings")
    return "\n      ".join(parts)


def cli(project: Project, out: Path, *argv) -> tuple[list[str], int, str, str]:
    full = ["--db", str(project.db), *map(str, argv), "--out", str(out)]
    rc, stdout, stderr = run(full)
    return full, rc, stdout, stderr


# --- co-occurrence -----------------------------------------------------------------------


def check_cooccurrence(project: Project, out: Path, *, scope: str, measure: str, coders=None, where=None, rollup=False):
    argv = ["cooccurrence", "--scope", scope, "--measure", measure]
    for c in coders or []:
        argv += ["--coder", c]
    for k, v in (where or {}).items():
        argv += ["--where", f"{k}={v}"]
    if rollup:
        argv.append("--rollup")
    full, rc, _, stderr = cli(project, out, *argv)
    col = Collector(project, full)
    name = f"cooccurrence.{scope}.{measure}"
    if rc != 0:
        col.add(name + ".exit", f"exit {rc}: {stderr.strip()}")
        return col.found
    header, rows = read_csv(out)
    labels = header[1:]
    n, pair = ref.cooccurrence(project, scope=scope, coders=coders, where=where, rollup=rollup)
    n_old, pair_old = ref.cooccurrence(project, scope=scope, coders=coders, where=where, rollup=rollup, one_coder=False)
    row_labels = [r[0] for r in rows]
    required = sorted(a for a, v in n.items() if v > 0)
    missing = [a for a in required if a not in labels or a not in row_labels]
    if missing:
        col.add(name + ".codes", f"codes with n_A > 0 missing from the matrix: {missing} (matrix has {labels})")
    if labels != row_labels:
        col.add(name + ".codes", f"row labels {row_labels} differ from column labels {labels}")
    codings = ref.select(project, coders=coders, where=where)
    for i, r in enumerate(rows):
        a = r[0]
        for j, b in enumerate(labels):
            cell = r[j + 1] if j + 1 < len(r) else ""
            expected = ref.cooccurrence_cell(n, pair, a, b, measure)
            places = 0 if measure == "count" else column_places(rows, j + 1)
            if measure == "count":
                ok = number(cell) is not None and not isinstance(number(cell), str) and number(cell) == expected
            else:
                ok = same(expected, cell, places)
            if not ok:
                n_ab = 0 if a == b else pair.get((a, b), 0)
                old_value = ref.cooccurrence_cell(n_old, pair_old, a, b, measure)
                if a == b:
                    check = name + ".diagonal"
                elif measure == "c" and expected is None:
                    check = name + ".undefined"
                elif (same(old_value, cell, places) if measure == "c" else number(cell) == old_value):
                    check = name + ".across_coders"  # got what the superseded cross-coder reading gives
                elif measure == "c" and old_value is None and number(cell) == 0:
                    check = name + ".undefined"  # undefined in the cross-coder reading too, shown as 0
                else:
                    check = name + ".other"
                witness = [k for k in codings if ref.label(k, rollup) in (a, b)]
                docs_ab = {k.doc for k in witness if ref.label(k, rollup) == a} & {k.doc for k in witness if ref.label(k, rollup) == b}
                if docs_ab and a != b:
                    witness = [k for k in witness if k.doc in docs_ab]
                col.add(check, f"cell ({a!r}, {b!r}): expected {show(expected)} (n_AB={n_ab}, n_A={n.get(a, 0)}, "
                               f"n_B={n.get(b, 0)}), got {cell!r}\n      "
                               + describe(project, witness, turns=scope == "turn"))
    return col.found


# --- frequencies -------------------------------------------------------------------------


def check_frequencies(project: Project, out: Path, *, by: str, coders=None, rollup=False):
    argv = ["frequencies", "--by", by]
    for c in coders or []:
        argv += ["--coder", c]
    if rollup:
        argv.append("--rollup")
    full, rc, _, stderr = cli(project, out, *argv)
    col = Collector(project, full)
    name = f"frequencies.{'code' if by == 'code' else 'document' if by == 'document' else 'attribute'}"
    if rc != 0:
        col.add(name + ".exit", f"exit {rc}: {stderr.strip()}")
        return col.found
    header, rows = read_csv(out)
    codings = ref.select(project, coders=coders)
    if by == "code":
        expected = ref.frequencies_by_code(project, coders=coders, rollup=rollup)
        try:
            jc, jd = header.index("codings"), header.index("documents")
            jw = next(j for j, h in enumerate(header) if h.startswith("words"))
        except (ValueError, StopIteration):
            col.add(name + ".columns", f"columns {header}: expected codings, documents, words coded")
            return col.found
        got = {r[0]: r for r in rows}
        for code in expected:
            if code not in got:
                col.add(name + ".codes", f"code {code!r} with {expected[code][0]} codings is missing")
        for code, r in got.items():
            want = expected.get(code, (0, 0, 0))
            for what, j, value in (("codings", jc, want[0]), ("documents", jd, want[1]), ("words", jw, want[2])):
                if number(r[j]) != value:
                    mine = [k for k in codings if ref.label(k, rollup) == code]
                    col.add(f"{name}.{what}", f"code {code!r}: {header[j]} expected {value}, got {r[j]!r}\n      "
                                              + describe(project, mine))
        return col.found
    expected = ref.frequencies_by(project, by, coders=coders, rollup=rollup)
    columns = header[1:]
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        titles = {c: [d for d in project.docs if project.docs[d].title == c] for c in dupes}
        col.add(name + ".columns", f"repeated column names {dupes} (documents {titles}); expected "
                                   f"{[ref.document_column(project, d) for ds in titles.values() for d in ds] if by == 'document' else 'one column per value'}")
    wanted_columns = sorted({c for _, c in expected})
    missing = [c for c in wanted_columns if c not in columns]
    if missing:
        col.add(name + ".columns", f"columns {missing} missing; the CSV has {columns}")
    got_codes = [r[0] for r in rows]
    for code in sorted({a for a, _ in expected}):
        if code not in got_codes:
            col.add(name + ".codes", f"code {code!r} with codings is missing")
    for r in rows:
        for j, c in enumerate(columns):
            if columns.count(c) > 1:
                continue  # reported above; which document a repeated column means is unknowable
            want = expected.get((r[0], c), 0)
            if number(r[j + 1]) != want:
                if by == "document":
                    mine = [k for k in codings if ref.label(k, rollup) == r[0] and ref.document_column(project, k.doc) == c]
                else:
                    mine = [k for k in codings if ref.label(k, rollup) == r[0] and project.docs[k.doc].attrs.get(by) == c]
                col.add(name + ".count", f"cell ({r[0]!r}, {c!r}): expected {want} codings, got {r[j + 1]!r}\n      "
                                         + describe(project, mine))
    return col.found


# --- agreement ---------------------------------------------------------------------------


def _row_has_undefined_note(header, r) -> bool:
    return any("undefined" in (r[j] or "").lower() for j, h in enumerate(header) if j < len(r))


def check_agreement(project: Project, out: Path, *, coders, level: str, overlap: float = 0.9, documents=None):
    argv = ["agreement", "--coders", *coders, "--level", level]
    for d in documents or []:
        argv += ["--document", str(d)]
    if level == "segment":
        argv += ["--overlap", str(overlap)]
    full, rc, stdout, stderr = cli(project, out, *argv)
    col = Collector(project, full)
    name = f"agreement.{level}"
    docs = sorted(documents) if documents else ref.compared_documents(project, coders, level)
    codes = ref.compared_codes(project, coders, docs)
    absent = ref.coders_without_codings(project, coders, docs)
    if absent:
        if rc != 1 or absent[0] not in stderr or len(stderr.strip().splitlines()) != 1:
            col.add(name + ".exit", f"{absent} have no codings in documents {docs}: expected a one-line refusal naming "
                                    f"them, got exit {rc}: {stderr.strip()!r}")
        return col.found
    if rc != 0:
        col.add(name + ".exit", f"exit {rc}: {stderr.strip()} (documents compared: {docs})")
        return col.found
    header, rows = read_csv(out)
    m = re.search(r"(\d+) document\(s\)", stdout)
    if m and int(m.group(1)) != len(docs):
        col.add(name + ".documents", f"compared {m.group(1)} document(s); expected {len(docs)}: {docs}")
    got = {r[0]: r for r in rows}
    body = [r[0] for r in rows if not r[0].startswith("(")]
    if sorted(body) != codes:
        col.add(name + ".codes", f"rows for codes {sorted(body)}; expected the codes the coders used in documents "
                                 f"{docs}: {codes}")
    pooled_key = next((r[0] for r in rows if r[0].startswith("(")), None)
    relevant = [k for k in project.codings if k.doc in docs and k.coder in coders]

    def cell(r, column):
        return r[header.index(column)] if column in header and header.index(column) < len(r) else None

    def compare(code, column, expected, scale=1, other_reading=False):
        r = got.get(code)
        if r is None or column not in header:
            if column not in header:
                col.add(name + ".columns", f"no column {column!r} in {header}")
            return
        value = cell(r, column)
        want = None if expected is None else expected * scale
        if not same(want, value, column_places(rows, header.index(column))):
            witness = relevant if code == pooled_key else [k for k in relevant if k.code == code]
            extra = ""
            if expected is None and value not in ("", None):
                extra = " (the definition leaves it undefined)"
            if other_reading is not False and same(None if other_reading is None else other_reading * scale, value,
                                                   column_places(rows, header.index(column))):
                column += ".absent_as_zero"  # what it gives when a coder absent from a document counts as 0
                extra += " (= the value when a coder with no coding in a named document counts as 'not coded')"
            col.add(f"{name}.{column}", f"code {code!r}: {column} expected {show(want)}, got {value!r}{extra}\n      "
                                        + describe(project, witness, docs, turns=level == "unit"))
        return value

    if level == "character":
        tables = ref.character_tables(project, coders, docs, codes)
        pooled = tuple(sum(t[i] for t in tables.values()) for i in range(4))
        for code, table in list(tables.items()) + [(pooled_key, pooled)]:
            if code is None or code not in got:
                continue
            for column, value in zip(("both", "first_only", "second_only", "neither"), table):
                compare(code, column, value)
            p_o, k = ref.kappa(*table)
            compare(code, "agreement_percent", p_o, 100)
            got_kappa = compare(code, "kappa", k)
            if k is None and not _row_has_undefined_note(header, got[code]):
                col.add(name + ".note", f"code {code!r}: kappa is undefined (p_e = 1) but the row does not say so: {got[code]}")
            if k is not None and "verdict" in header and ref.kappa_verdict(float(k)) and cell(got[code], "verdict") != ref.kappa_verdict(float(k)):
                col.add(name + ".verdict", f"code {code!r}: kappa {float(k):.4f} is {ref.kappa_verdict(float(k))!r} "
                                           f"(Landis & Koch), got {cell(got[code], 'verdict')!r}")
    elif level == "unit":
        results = {code: ref.unit_row(project, coders, docs, [code]) for code in codes}
        results[pooled_key] = ref.unit_row(project, coders, docs, codes)
        zero = {code: ref.unit_row(project, coders, docs, [code], absent_as_zero=True) for code in codes}
        zero[pooled_key] = ref.unit_row(project, coders, docs, codes, absent_as_zero=True)
        for code, res in results.items():
            if code is None or code not in got:
                continue
            _second_oracle(res)
            compare(code, "units", res["units"])
            compare(code, "coded_units", res["coded_units"])
            compare(code, "alpha", res["alpha"], other_reading=zero[code]["alpha"])
            if res["alpha"] is None and not _row_has_undefined_note(header, got[code]):
                col.add(name + ".note", f"code {code!r}: alpha is undefined but the row does not say so: {got[code]}")
            alpha_cell = number(cell(got[code], "alpha") or "")
            if res["alpha"] is not None and "alpha_verdict" in header and cell(got[code], "alpha_verdict") != ref.alpha_verdict(float(res["alpha"])) \
                    and isinstance(alpha_cell, float) and abs(alpha_cell - float(res["alpha"])) < 1e-3:  # a wrong alpha is reported above
                col.add(name + ".alpha_verdict", f"code {code!r}: alpha {float(res['alpha']):.4f} is "
                                                 f"{ref.alpha_verdict(float(res['alpha']))!r}, got {cell(got[code], 'alpha_verdict')!r}")
            if len(coders) == 2:
                compare(code, "agreement_percent", res["agreement"], 100)
                compare(code, "kappa", res["kappa"])
            else:
                for column in ("agreement_percent", "kappa"):
                    if column in header and number(cell(got[code], column) or "") is not None:
                        col.add(name + ".three_coders", f"code {code!r}: {column} shown for {len(coders)} coders "
                                                        f"({cell(got[code], column)!r}); it is defined for two coders")
    else:
        theta = Fraction(str(overlap))
        results = {code: ref.segment_matches(project, coders, docs, code, theta) for code in codes}
        pooled = {c: (sum(r[c][0] for r in results.values()), sum(r[c][1] for r in results.values())) for c in coders}
        for code, res in list(results.items()) + [(pooled_key, pooled)]:
            if code is None or code not in got:
                continue
            for c in coders:
                compare(code, f"segments_{c}", res[c][0])
                compare(code, f"matched_{c}", res[c][1])
            total = sum(res[c][0] for c in coders)
            value = Fraction(sum(res[c][1] for c in coders), total) if total else None
            compare(code, "agreement_percent", value, 100)
    return col.found


def _second_oracle(res) -> None:
    """The krippendorff package (PyPI) must agree with reference.krippendorff_nominal."""
    import krippendorff

    matrix = np.array([[np.nan if v is None else v for v in row] for row in res["matrix"]], dtype=float).T
    mine = res["alpha"]
    if mine is None or matrix.size == 0:
        return
    theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert abs(theirs - float(mine)) < 1e-9, f"the two alpha oracles disagree: {float(mine)} vs {theirs}"


# --- excerpts ----------------------------------------------------------------------------


def check_excerpts(project: Project, out: Path, *, codes, combine: str = "or", others=(), coders=None):
    argv = ["excerpts", "--code", *codes]
    if combine != "or":
        argv += [f"--{combine}", *others]
    for c in coders or []:
        argv += ["--coder", c]
    full, rc, _, stderr = cli(project, out, *argv)
    col = Collector(project, full)
    name = f"excerpts.{combine}"
    if rc != 0:
        col.add(name + ".exit", f"exit {rc}: {stderr.strip()}")
        return col.found
    header, rows = read_csv(out)
    records = [dict(zip(header, r)) for r in rows]
    by_title = {}
    for d in project.docs.values():
        by_title.setdefault(d.title, []).append(d.id)
    got: dict[tuple, set] = {}
    row_count: dict[tuple, int] = {}
    for rec in records:
        if "document_id" in rec and rec["document_id"]:
            doc = int(rec["document_id"])
        elif len(by_title.get(rec.get("document"), [])) == 1:
            doc = by_title[rec["document"]][0]
        else:
            col.add(name + ".columns", f"a row names no document id and its title {rec.get('document')!r} is not unique: {rec}")
            continue
        try:
            key = (doc, int(rec["start"]), int(rec["end"]))
        except (KeyError, ValueError):
            col.add(name + ".columns", f"a row without start/end offsets: {rec}")
            continue
        text = project.docs[doc].text[key[1]:key[2]]
        if rec.get("excerpt") != text:
            col.add(name + ".excerpt_text", f"row {key}: excerpt {rec.get('excerpt')!r} is not text[{key[1]}:{key[2]}] = {text!r}")
        coders_here = set()
        for column in ("coder", "coders", "other_coder"):
            for part in re.split(r"[;,]", rec.get(column) or ""):
                if part.strip():
                    coders_here.add(part.strip())
        got.setdefault(key, set()).update(coders_here)
        row_count[key] = row_count.get(key, 0) + 1
    pool = [k for k in ref.select(project, coders=coders) if any(ref.within(k.code, c) for c in list(codes) + list(others))]
    if combine == "and":
        expected = ref.excerpts_and(project, codes, others, coders=coders)
        old = ref.excerpts_and(project, codes, others, coders=coders, one_coder=False)
    else:
        def stretches(chosen):
            out = {}
            for k in chosen:
                out.setdefault((k.doc, k.start, k.end), set()).add(k.coder)
            return out
        if combine == "or":
            chosen = old_chosen = ref.excerpts_or(project, codes, coders=coders)
        else:
            chosen = ref.excerpts_not(project, codes, others, coders=coders)
            old_chosen = ref.excerpts_not(project, codes, others, coders=coders, one_coder=False)
        expected, old = stretches(chosen), stretches(old_chosen)
        if "coding_id" in header:  # one row per coding (README "OR: one row per coding")
            ids = sorted(int(rec["coding_id"]) for rec in records if rec.get("coding_id"))
            if ids != sorted(k.id for k in chosen):
                tag = ".across_coders" if ids == sorted(k.id for k in old_chosen) else ""
                col.add(name + ".codings" + tag, f"rows are codings {ids}; expected codings {sorted(k.id for k in chosen)}"
                                                 "\n      " + describe(project, pool))
    witness_pool = pool

    def witness(key):
        d, s, e = key
        return [k for k in witness_pool if k.doc == d and ref.overlaps(k.start, k.end, s, e)]

    def tag(key, ok_in_old):
        return ".across_coders" if ok_in_old else ""

    for key in sorted(set(expected) - set(got)):
        col.add(name + ".missing" + tag(key, key not in old), f"stretch (document {key[0]}, {key[1]}, {key[2]}) by {sorted(expected[key])} is missing\n      "
                                   + describe(project, witness(key)))
    for key in sorted(set(got) - set(expected)):
        col.add(name + ".extra" + tag(key, key in old), f"stretch (document {key[0]}, {key[1]}, {key[2]}) with coders {sorted(got[key])} should not be there\n      "
                                 + describe(project, witness(key)))
    for key in sorted(set(got) & set(expected)):
        if got[key] != expected[key]:
            col.add(name + ".coders" + tag(key, got[key] == old.get(key)), f"stretch (document {key[0]}, {key[1]}, {key[2]}): coders {sorted(got[key])}, expected "
                                      f"{sorted(expected[key])}\n      " + describe(project, witness(key)))
        if combine == "and" and row_count[key] > 1:
            col.add(name + ".one_row", f"stretch (document {key[0]}, {key[1]}, {key[2]}) comes back in {row_count[key]} rows; "
                                       f"DESIGN: each distinct stretch one row\n      " + describe(project, witness(key)))
    return col.found
