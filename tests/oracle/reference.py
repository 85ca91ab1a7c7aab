"""Reference implementations of the definitions in DESIGN.md and the README, written from
their wording only (never from qualbench's analysis, retrieval or agreement code).

Plain and slow on purpose: sets of character positions, loops over all pairs, Python
``len``, exact fractions. Where the wording leaves room, the comment says which reading
is taken (the most literal one); tests/oracle/README.md lists these readings.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .project import Coding, Project

# --- shared helpers ---------------------------------------------------------------------


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """DESIGN: ranges overlap when a.start < b.end and b.start < a.end; touching ranges do not."""
    return a_start < b_end and b_start < a_end


def positions(codings) -> set[int]:
    """The set of character positions (code points) that the codings cover."""
    covered: set[int] = set()
    for k in codings:
        covered.update(range(k.start, k.end))
    return covered


def top_level(path: str) -> str:
    return path.split("/")[0]


def within(path: str, code: str) -> bool:
    """A code includes its sub-codes (README "Excerpts")."""
    return path == code or path.startswith(code + "/")


def select(project: Project, *, coders=None, where=None) -> list[Coding]:
    """The codings that take part: by a selected coder (all when none are named), in a document
    with every --where attribute value."""
    out = []
    for k in project.codings:
        if coders and k.coder not in coders:
            continue
        attrs = project.docs[k.doc].attrs
        if where and any(attrs.get(name) != value for name, value in where.items()):
            continue
        out.append(k)
    return out


def label(k: Coding, rollup: bool) -> str:
    """README: with --rollup every coding counts for its top-level code."""
    return top_level(k.code) if rollup else k.code


def c_coefficient(n_ab, n_a, n_b):
    """DESIGN: c = n_AB / (n_A + n_B - n_AB); undefined (None) where the denominator is 0 or less."""
    denominator = n_a + n_b - n_ab
    return None if denominator <= 0 else Fraction(n_ab, denominator)


# --- co-occurrence ----------------------------------------------------------------------


def cooccurrence(project: Project, *, scope: str, coders=None, where=None, rollup=False, one_coder=True):
    """Returns (n, pair) with n[A] = n_A and pair[(A, B)] = n_AB for A != B (both orders).

    overlap: units are codings; n_A = number of codings of A; n_AB = number of pairs (a, b)
      with a of A, b of B, same coder, same document, overlapping ranges.
    turn / document: a unit holds A when a coding of A (by a selected coder) overlaps it by
      at least one character; n_A = units holding A; n_AB = units in which ONE coder coded both
      A and B (both of that coder's codings overlap the unit; they need not overlap each other).
    Reading: a document "unit" spans [0, len(text)), so every coding in it overlaps it.
    one_coder=False gives the superseded reading (pairs and units across coders), used only to
    label a mismatch as "the old cross-coder reading", never as the expected value.
    """
    codings = select(project, coders=coders, where=where)
    labels = sorted({label(k, rollup) for k in codings})
    n: dict[str, int] = {}
    pair: dict[tuple[str, str], int] = {}
    if scope == "overlap":
        for a in labels:
            n[a] = sum(1 for k in codings if label(k, rollup) == a)
        for a in labels:
            for b in labels:
                if a == b:
                    continue
                pair[(a, b)] = sum(
                    1
                    for x in codings if label(x, rollup) == a
                    for y in codings if label(y, rollup) == b
                    if (x.coder == y.coder or not one_coder) and x.doc == y.doc and overlaps(x.start, x.end, y.start, y.end)
                )
        return n, pair
    docs = {k.doc for k in codings} | {d for d in project.docs if _passes(project, d, where)}
    units = []  # (document id, start, end)
    for d in sorted(docs):
        if scope == "turn":
            units += [(d, s, e) for s, e in project.docs[d].turns]
        elif scope == "document":
            units.append((d, 0, len(project.docs[d].text)))
        else:
            raise ValueError(scope)

    def coders_holding(unit, code):
        d, s, e = unit
        return {k.coder for k in codings if k.doc == d and label(k, rollup) == code and overlaps(k.start, k.end, s, e)}

    holding = {(u, a): coders_holding(u, a) for u in units for a in labels}
    for a in labels:
        n[a] = sum(1 for u in units if holding[(u, a)])
    for a in labels:
        for b in labels:
            if a != b:
                pair[(a, b)] = sum(1 for u in units if (holding[(u, a)] & holding[(u, b)] if one_coder
                                                        else holding[(u, a)] and holding[(u, b)]))
    return n, pair


def _passes(project: Project, doc: int, where) -> bool:
    attrs = project.docs[doc].attrs
    return not where or all(attrs.get(k) == v for k, v in where.items())


def cooccurrence_cell(n, pair, a, b, measure):
    """The expected CSV cell. README: the diagonal of the matrix is 0. Reading for c on the
    diagonal: n_AA = 0 (a coding does not co-occur with its own code), so c = 0 / (2 n_A): 0 when
    A has units, undefined when it has none. A code absent from n has n_A = 0."""
    n_a, n_b = n.get(a, 0), n.get(b, 0)
    n_ab = 0 if a == b else pair.get((a, b), 0)
    if measure == "count":
        return n_ab
    return c_coefficient(n_ab, n_a, n_b)


# --- frequencies ------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def runs(covered: set[int]) -> list[tuple[int, int]]:
    """Maximal stretches [start, end) of consecutive covered positions."""
    out = []
    for p in sorted(covered):
        if out and out[-1][1] == p:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return [tuple(r) for r in out]


def words_coded(project: Project, codings) -> int:
    """README: "words in the union of a code's codings" per document. Reading: the union is a
    set of character positions; each maximal stretch of it is text, whose words are counted as
    the project counts words (a run of \\w characters, as ``documents`` counts them). A word cut
    by the edge of the union counts for the part inside it."""
    total = 0
    for d in sorted({k.doc for k in codings}):
        text = project.docs[d].text
        for s, e in runs(positions(k for k in codings if k.doc == d)):
            total += len(WORD.findall(text[s:e]))
    return total


def frequencies_by_code(project: Project, *, coders=None, where=None, rollup=False):
    """{code: (codings, documents, words coded)} for every code with at least one coding."""
    codings = select(project, coders=coders, where=where)
    out = {}
    for code in sorted({label(k, rollup) for k in codings}):
        mine = [k for k in codings if label(k, rollup) == code]
        out[code] = (len(mine), len({k.doc for k in mine}), words_coded(project, mine))
    return out


def document_column(project: Project, doc: int) -> str:
    """README/brief: columns per document; a title that several documents share gets the id:
    "interview (12)". Reading: every document whose title is repeated in the project gets it."""
    title = project.docs[doc].title
    repeated = sum(1 for d in project.docs.values() if d.title == title) > 1
    return f"{title} ({doc})" if repeated else title


def frequencies_by(project: Project, by: str, *, coders=None, where=None, rollup=False):
    """{(code, column): number of codings}: code by document, or code by attribute value."""
    codings = select(project, coders=coders, where=where)
    out: dict[tuple[str, str], int] = {}
    for k in codings:
        if by == "document":
            column = document_column(project, k.doc)
        else:
            value = project.docs[k.doc].attrs.get(by)
            if value is None:
                continue
            column = value
        key = (label(k, rollup), column)
        out[key] = out.get(key, 0) + 1
    return out


# --- agreement --------------------------------------------------------------------------


def compared_documents(project: Project, coders, level: str = "character") -> list[int]:
    """README: by default the documents compared are, at character and segment level, those both
    coders have coded, and at unit level those that at least two of the chosen coders have coded
    (issue 12: in a rotating design a coder who did not code a document is missing there)."""
    need = 2 if level == "unit" else len(coders)
    return sorted(d for d in project.docs
                  if sum(any(k.doc == d and k.coder == c for k in project.codings) for c in coders) >= need)


def coders_without_codings(project: Project, coders, docs) -> list[str]:
    """Chosen coders with no coding at all in the compared documents: the CLI refuses them in one line
    (nothing of theirs would be compared)."""
    return [c for c in coders if not any(k.doc in docs and k.coder == c for k in project.codings)]


def compared_codes(project: Project, coders, docs) -> list[str]:
    """README: the codes those the coders used there (in the compared documents). Reading: a code
    any chosen coder applied in a compared document; each code on its own, sub-codes not rolled up."""
    return sorted({k.code for k in project.codings if k.doc in docs and k.coder in coders})


def kappa(both, first_only, second_only, neither):
    """README: p_o = (both + neither) / n; kappa = (p_o - p_e) / (1 - p_e),
    p_e = p1 p2 + (1 - p1)(1 - p2), p1 and p2 the shares of units each coder coded.
    Returns (p_o, kappa) as fractions; kappa None where p_e = 1 (undefined)."""
    n = both + first_only + second_only + neither
    if n == 0:
        return None, None
    p_o = Fraction(both + neither, n)
    p1, p2 = Fraction(both + first_only, n), Fraction(both + second_only, n)
    p_e = p1 * p2 + (1 - p1) * (1 - p2)
    return p_o, (None if p_e == 1 else (p_o - p_e) / (1 - p_e))


def character_tables(project: Project, coders, docs, codes):
    """{code: (both, first_only, second_only, neither)} summed over the compared documents.
    Every character of a document is a unit; a coder codes it when any of their codings of the
    code covers it."""
    first, second = coders
    out = {}
    for code in codes:
        table = [0, 0, 0, 0]
        for d in docs:
            n = len(project.docs[d].text)
            a = positions(k for k in project.codings if k.doc == d and k.code == code and k.coder == first)
            b = positions(k for k in project.codings if k.doc == d and k.code == code and k.coder == second)
            table[0] += len(a & b)
            table[1] += len(a - b)
            table[2] += len(b - a)
            table[3] += n - len(a | b)
        out[code] = tuple(table)
    return out


def unit_values(project: Project, coders, docs, code, absent_as_zero=False):
    """[(unit, {coder: 0/1 or None})] over the turns of the compared documents. A coder codes a
    unit when a coding of the code overlaps it by at least one character. Reading (brief: "missing
    data where a coder did not code a document"): a coder with no coding at all in a document has
    no value (missing) for its turns. With the default documents this never happens.
    absent_as_zero=True is the other reading (such a coder coded nothing there: 0), used only to
    label a mismatch."""
    out = []
    for d in docs:
        for s, e in project.docs[d].turns:
            values = {}
            for c in coders:
                if not any(k.doc == d and k.coder == c for k in project.codings):
                    values[c] = 0 if absent_as_zero else None
                else:
                    values[c] = int(any(k.doc == d and k.code == code and k.coder == c and overlaps(k.start, k.end, s, e)
                                        for k in project.codings))
            out.append(((d, s, e), values))
    return out


def krippendorff_nominal(units: list[list]) -> Fraction | None:
    """Krippendorff's alpha, nominal, from the coincidence matrix (Krippendorff 2011,
    "Computing Krippendorff's Alpha-Reliability", section C): each unit's list of values (None =
    missing); units with fewer than two values are not pairable. alpha = 1 - (n - 1) *
    sum_{c != k} o_ck / sum_{c != k} n_c n_k. Undefined (None) when no pairs or one category."""
    coincidences: dict[tuple, Fraction] = {}
    for values in units:
        present = [v for v in values if v is not None]
        m = len(present)
        if m < 2:
            continue
        for i, c in enumerate(present):
            for j, k in enumerate(present):
                if i != j:
                    coincidences[(c, k)] = coincidences.get((c, k), Fraction(0)) + Fraction(1, m - 1)
    categories = sorted({c for c, _ in coincidences})
    n_c = {c: sum(v for (x, _), v in coincidences.items() if x == c) for c in categories}
    n = sum(n_c.values())
    disagreement = sum(v for (c, k), v in coincidences.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in categories for k in categories if c != k)
    if n < 2 or expected == 0:
        return None
    return 1 - (n - 1) * disagreement / expected


def unit_row(project: Project, coders, docs, codes, absent_as_zero=False):
    """For the listed codes together (one code: its row; all codes: the pooled row, whose units
    are the (code, turn) pairs). Returns dict units, coded_units, alpha, and with two coders
    agreement (p_o) and kappa over units. Readings: units = turns of the compared documents (per
    code); coded_units = units at least one coder coded; percent and kappa over the units where
    both coders have a value."""
    rows = []
    for code in codes:
        rows += [values for _, values in unit_values(project, coders, docs, code, absent_as_zero)]
    alpha = krippendorff_nominal([[v[c] for c in coders] for v in rows])
    out = {"units": len(rows), "coded_units": sum(1 for v in rows if any(v[c] == 1 for c in coders)), "alpha": alpha,
           "matrix": [[v[c] for c in coders] for v in rows]}
    if len(coders) == 2:
        a, b = coders
        both = [v for v in rows if v[a] is not None and v[b] is not None]
        table = (sum(1 for v in both if v[a] == 1 and v[b] == 1), sum(1 for v in both if v[a] == 1 and v[b] == 0),
                 sum(1 for v in both if v[a] == 0 and v[b] == 1), sum(1 for v in both if v[a] == 0 and v[b] == 0))
        out["agreement"], out["kappa"] = kappa(*table)
    return out


def segment_matches(project: Project, coders, docs, code, min_overlap: Fraction):
    """README (MAXQDA): a coder's coding is matched when the other coder has a coding of the same
    code whose overlap covers at least min_overlap of the span the two cover together. Readings:
    same document; overlap = min(ends) - max(starts) (> 0); the span the two cover together =
    max(ends) - min(starts) (their union, as they overlap). Exact: overlap >= min_overlap * span.
    Returns {coder: (segments, matched)}."""
    out = {}
    for me in coders:
        other = [c for c in coders if c != me][0]
        mine = [k for k in project.codings if k.doc in docs and k.code == code and k.coder == me]
        matched = 0
        for x in mine:
            for y in project.codings:
                if y.doc == x.doc and y.code == code and y.coder == other:
                    inter = min(x.end, y.end) - max(x.start, y.start)
                    span = max(x.end, y.end) - min(x.start, y.start)
                    if inter > 0 and inter >= min_overlap * span:
                        matched += 1
                        break
        out[me] = (len(mine), matched)
    return out


def kappa_verdict(value: float) -> str | None:
    """Landis & Koch (1977): < 0 poor, 0-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate,
    0.61-0.80 substantial, 0.81-1 almost perfect. None near a band edge (the bands have gaps)."""
    edges = [0.0, 0.2, 0.4, 0.6, 0.8]
    if any(abs(value - e) < 0.011 for e in edges):
        return None
    for edge, name in zip(edges, ["poor", "slight", "fair", "moderate", "substantial"]):
        if value < edge:
            return name
    return "almost perfect"


def alpha_verdict(value: float) -> str:
    """README: >= 0.800 reliable, >= 0.667 tentative conclusions only, else unreliable."""
    return "reliable" if value >= 0.8 else "tentative conclusions only" if value >= 0.667 else "unreliable"


# --- excerpts (Boolean retrieval) --------------------------------------------------------


def excerpts_or(project: Project, codes, *, coders=None):
    """README: OR: every coding of any chosen code (a code includes its sub-codes), one row per
    coding. Returns the codings."""
    return [k for k in select(project, coders=coders) if any(within(k.code, c) for c in codes)]


def excerpts_and(project: Project, codes, others, *, coders=None, one_coder=True):
    """DESIGN: A AND B is where one coder's coding of A overlaps the same coder's coding of B,
    each distinct stretch (document, start, end) one row, with the coders who coded it. README:
    the excerpt is the stretch coded with both (the intersection of the two ranges).
    Returns {(document, start, end): {coders}}. one_coder=False: the superseded reading (pairs
    across coders), only to label a mismatch."""
    ks = select(project, coders=coders)
    a_side = [k for k in ks if any(within(k.code, c) for c in codes)]
    b_side = [k for k in ks if any(within(k.code, c) for c in others)]
    out: dict[tuple, set] = {}
    for x in a_side:
        for y in b_side:
            if x.id != y.id and x.doc == y.doc and (x.coder == y.coder or not one_coder) and overlaps(x.start, x.end, y.start, y.end):
                out.setdefault((x.doc, max(x.start, y.start), min(x.end, y.end)), set()).update({x.coder, y.coder})
    return out


def excerpts_not(project: Project, codes, others, *, coders=None, one_coder=True):
    """DESIGN: A NOT B is a coding of A that overlaps no coding of B by its coder (in its
    document). Returns the codings. one_coder=False: the superseded reading (a coding of B by
    anyone), only to label a mismatch."""
    ks = select(project, coders=coders)
    b_side = [k for k in ks if any(within(k.code, c) for c in others)]
    return [x for x in ks if any(within(x.code, c) for c in codes)
            and not any(y.doc == x.doc and (y.coder == x.coder or not one_coder) and overlaps(x.start, x.end, y.start, y.end) for y in b_side)]
