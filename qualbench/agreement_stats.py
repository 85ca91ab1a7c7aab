"""Agreement statistics as plain functions over plain data (no database).

How each figure is computed (the README quotes this):

- **Percent agreement and Cohen's kappa** from a 2x2 table of counts (units or
  characters): ``both`` coded, ``first_only``, ``second_only``, ``neither``; n is
  their sum. Observed agreement p_o = (both + neither) / n. Chance agreement
  p_e = p1 * p2 + (1 - p1) * (1 - p2), where p1 = (both + first_only) / n and
  p2 = (both + second_only) / n are the two coders' rates of coding. Kappa =
  (p_o - p_e) / (1 - p_e). When p_e = 1 (both coders put every unit in the same
  category) kappa is undefined and reported as such, never as NaN.
- **Character level** (NVivo's coding comparison): each character of a document
  is a unit; a coder "codes" it when any of their codings of the code covers it
  (overlapping codings of one coder count once).
- **Unit level**: a unit (turn, paragraph) is coded when a coding overlaps it by
  at least one character (touching does not count).
- **Krippendorff's alpha** from a reliability matrix (coders x units, None for
  missing), through the coincidence matrix: units with fewer than two values are
  dropped; each pair of values from different coders in a unit with m values adds
  1 / (m - 1) to o[c][k]; alpha = 1 - D_o / D_e with D_o = sum o_ck d2(c,k) / n and
  D_e = sum n_c n_k d2(c,k) / (n (n - 1)) for the nominal, ordinal, interval or
  ratio difference d2 (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability").
- **Segment level** (MAXQDA): a coder's segment is matched when the other coder
  has a segment of the same code whose overlap is at least ``min_overlap`` of the
  span the two segments cover together (from the earlier start to the later end).
  Percent agreement = matched segments / all segments, both coders' segments
  counted.
- **Verdicts and shown figures**: bands are decided on the figure rounded to 10
  places (:func:`settled`), so floating-point noise (0.6000000000000001, -2.8e-16)
  never moves a figure across a limit; a figure is rounded once, from its exact
  value, where it is shown (:func:`shown`), and never as -0.
- **Weighted mean** (NVivo's average across documents): sum(value x weight) /
  sum(weight) over the defined values.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from itertools import permutations

Range = tuple[int, int]


@dataclass(frozen=True)
class KappaResult:
    agreement: float | None  # proportion 0..1
    kappa: float | None
    expected: float | None  # chance agreement p_e
    note: str = ""


def percent_agreement_and_kappa(both: int, first_only: int, second_only: int, neither: int) -> KappaResult:
    """Percent agreement and Cohen's kappa of a 2x2 table (see the module docstring)."""
    n = both + first_only + second_only + neither
    if n == 0:
        return KappaResult(None, None, None, "nothing to compare")
    observed = (both + neither) / n
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    if expected >= 1:
        return KappaResult(observed, None, expected, "agreement is total; kappa undefined")
    return KappaResult(observed, (observed - expected) / (1 - expected), expected)


def union(ranges: list[Range]) -> list[Range]:
    """Sorted, merged, non-empty half-open ranges (overlapping or touching ranges join)."""
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[0] < r[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _intersection_length(a: list[Range], b: list[Range]) -> int:
    """Characters in both of two merged range lists (a two-pointer sweep)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        total += max(0, hi - lo)
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def character_table(length: int, first: list[Range], second: list[Range]) -> tuple[int, int, int, int]:
    """(both, first_only, second_only, neither) over the ``length`` characters of a document."""
    a, b = union(first), union(second)
    size_a, size_b = sum(e - s for s, e in a), sum(e - s for s, e in b)
    both = _intersection_length(a, b)
    return both, size_a - both, size_b - both, length - size_a - size_b + both


def unit_presence(units: list[Range], ranges: list[Range]) -> list[bool]:
    """For each unit, whether any range overlaps it by at least one character."""
    merged = union(ranges)
    ends = [e for _, e in merged]
    out = []
    for start, end in units:
        i = bisect.bisect_right(ends, start)  # first merged range ending after the unit starts
        out.append(i < len(merged) and merged[i][0] < end)
    return out


def only_in(first: list[Range], second: list[Range]) -> list[Range]:
    """The stretches covered by ``first`` and not by ``second`` (merged ranges)."""
    out: list[Range] = []
    b = union(second)
    j = 0
    for start, end in union(first):
        cursor = start
        while j < len(b) and b[j][1] <= cursor:
            j += 1
        k = j
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0]))
            cursor = max(cursor, b[k][1])
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out


# --- Krippendorff's alpha -------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    alpha: float | None
    note: str = ""
    pairable_values: int = 0


def _difference(level: str, values: list, counts: Counter):
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c + k == 0 else ((c - k) / (c + k)) ** 2
    if level == "ordinal":
        ordered = sorted(values)
        rank = {v: i for i, v in enumerate(ordered)}

        def ordinal(c, k):
            lo, hi = sorted((rank[c], rank[k]))
            between = sum(counts[ordered[g]] for g in range(lo, hi + 1))
            return (between - (counts[c] + counts[k]) / 2) ** 2

        return ordinal
    raise ValueError(f"unknown level of measurement {level!r}")


def krippendorff_alpha_result(data: list[list], level: str = "nominal") -> AlphaResult:
    """Krippendorff's alpha of a reliability matrix: one row per coder, one column per unit, None = missing."""
    columns = [[v for v in unit if v is not None] for unit in zip(*data)] if data else []
    pairable = [c for c in columns if len(c) >= 2]
    coincidences: Counter = Counter()
    for unit in pairable:
        weight = 1 / (len(unit) - 1)
        for c, k in permutations(unit, 2):
            coincidences[(c, k)] += weight
    totals: Counter = Counter()
    for (c, _k), o in coincidences.items():
        totals[c] += o
    n = sum(totals.values())
    if n < 2:
        return AlphaResult(None, "fewer than two pairable values", round(n))
    if len(totals) == 1:
        return AlphaResult(None, "agreement is total; alpha undefined", round(n))
    delta = _difference(level, list(totals), totals)
    observed = sum(o * delta(c, k) for (c, k), o in coincidences.items()) / n
    expected = sum(totals[c] * totals[k] * delta(c, k) for c in totals for k in totals) / (n * (n - 1))
    if expected == 0:
        return AlphaResult(None, "agreement is total; alpha undefined", round(n))
    return AlphaResult(1 - observed / expected, "", round(n))


def krippendorff_alpha(data: list[list], level: str = "nominal") -> float | None:
    """Alpha alone (None when undefined); see :func:`krippendorff_alpha_result`."""
    return krippendorff_alpha_result(data, level).alpha


# --- segments (MAXQDA) ------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentResult:
    matched_first: int
    unmatched_first: int
    matched_second: int
    unmatched_second: int

    @property
    def agreement(self) -> float | None:
        total = self.matched_first + self.unmatched_first + self.matched_second + self.unmatched_second
        return (self.matched_first + self.matched_second) / total if total else None


def overlap_share(a: Range, b: Range) -> float:
    """Overlap of two segments divided by the span they cover together."""
    overlap = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, overlap) / (max(a[1], b[1]) - min(a[0], b[0]))


def _matched(segments: list[Range], others: list[Range], min_overlap: float) -> int:
    others = sorted(others)
    starts = [s for s, _ in others]
    count = 0
    for seg in segments:
        candidates = others[:bisect.bisect_left(starts, seg[1])]  # those starting before seg ends
        count += any(overlap_share(seg, o) >= min_overlap for o in candidates if o[1] > seg[0])
    return count


def segment_matches(first: list[Range], second: list[Range], min_overlap: float = 0.9) -> SegmentResult:
    """Matched and unmatched segments of each coder for one code (see the module docstring)."""
    m1, m2 = _matched(first, second, min_overlap), _matched(second, first, min_overlap)
    return SegmentResult(m1, len(first) - m1, m2, len(second) - m2)


# --- verdicts and shown figures ----------------------------------------------------------

SETTLED_PLACES = 10  # a figure is judged on its value rounded to this many places


def settled(value: float | None) -> float | None:
    """``value`` rounded to 10 places, with -0.0 made 0.0: what a band is decided on.

    Floating point leaves a kappa that is exactly 0.6 on paper as 0.6000000000000001 and
    one that is exactly 0 as -2.8e-16; rounding to 10 places gives back the exact figure.
    """
    if value is None or value != value:  # None or NaN
        return None
    return round(value, SETTLED_PLACES) + 0.0


def shown(value: float | None, places: int) -> float | None:
    """A figure rounded once, from its exact value, to ``places`` for a table; never -0.0."""
    value = settled(value)
    return None if value is None else round(value, places) + 0.0


# Landis & Koch (1977): < 0 poor, 0-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate,
# 0.61-0.80 substantial, 0.81-1 almost perfect. Each band includes its upper limit.
KAPPA_BANDS = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


def verdict(kappa: float | None) -> str:
    """Landis & Koch (1977) band of a kappa, decided on the kappa rounded to 10 places."""
    kappa = settled(kappa)
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "poor"
    for limit, word in KAPPA_BANDS:
        if kappa <= limit:
            return word
    return "almost perfect"


def alpha_verdict(alpha: float | None) -> str:
    """Krippendorff's guidance: >= .800 reliable, >= .667 tentative conclusions only, else unreliable.

    Decided on alpha rounded to 10 places, as :func:`verdict`.
    """
    alpha = settled(alpha)
    if alpha is None:
        return "undefined"
    if alpha >= 0.800:
        return "reliable"
    return "tentative conclusions only" if alpha >= 0.667 else "unreliable"


def weighted_mean(values: list[float | None], weights: list[int]) -> tuple[float | None, int]:
    """Mean of the defined values, each weighted by its weight; and how many values went in."""
    pairs = [(v, w) for v, w in zip(values, weights) if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    if not total:
        return None, 0
    return sum(v * w for v, w in pairs) / total, len(pairs)
