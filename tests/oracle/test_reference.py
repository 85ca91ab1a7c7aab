"""The oracle's own reference implementations against published and hand-worked examples, so a
mismatch that the oracle reports is the product's and not the oracle's."""

from __future__ import annotations

from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from . import reference as ref
from .project import Coding, Doc, Project, ProjectSpec


def test_kappa_over_characters_is_nvivos_published_example():
    # NVivo's coding comparison help: 1,000 characters, 50 both, 100 first only, 50 second only,
    # 800 neither -> 85 % agreement and kappa 0.318 (the README cites it).
    p_o, k = ref.kappa(50, 100, 50, 800)
    assert p_o == Fraction(85, 100)
    assert round(float(k), 3) == 0.318


def test_kappa_is_undefined_when_both_coders_put_every_unit_in_one_category():
    assert ref.kappa(0, 0, 0, 40)[1] is None
    assert ref.kappa(40, 0, 0, 0)[1] is None
    assert ref.kappa(0, 10, 0, 30)[1] == 0  # one coder coded nothing: p_o = p_e, kappa 0


KRIPPENDORFF_2011 = [  # Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", C: 4 coders, 12 units
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_alpha_is_krippendorffs_published_four_coder_example_with_missing_data():
    units = [list(column) for column in zip(*KRIPPENDORFF_2011)]
    alpha = ref.krippendorff_nominal(units)
    assert round(float(alpha), 3) == 0.743  # the paper's nominal alpha
    data = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011], dtype=float)
    assert float(alpha) == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-12)


def test_alpha_is_undefined_with_one_category_or_no_pairable_unit():
    assert ref.krippendorff_nominal([[0, 0], [0, 0]]) is None
    assert ref.krippendorff_nominal([[1, None], [None, 0]]) is None


def _project(codings, text="Lone: Hej med dig.\n\nAmir: Godt 😀 at se dig.", turns=((6, 18), (26, 43))):
    spec = ProjectSpec(seed=-1, docs=[], codes=[], coders=[], codings=[])
    docs = {1: Doc(1, "interview", text, list(turns), {"site": "X"})}
    ks = [Coding(i + 1, 1, code, s, e, coder) for i, (code, s, e, coder) in enumerate(codings)]
    return Project(spec=spec, db=None, folder=None, docs=docs, codings=ks, paths=[])


def test_cooccurrence_is_read_within_one_coders_work():
    # Hand-worked: ann codes A [0,10) and B [5,15); bob codes B [5,15) identically. Overlap scope:
    # only ann's pair co-occurs (n_AB = 1, n_A = 1, n_B = 2, c = 1 / 2); bob's B is not paired
    # with ann's A. Touching [15,20) does not overlap [5,15).
    p = _project([("A", 0, 10, "ann"), ("B", 5, 15, "ann"), ("B", 5, 15, "bob"), ("C", 15, 20, "ann")])
    n, pair = ref.cooccurrence(p, scope="overlap")
    assert (n["A"], n["B"], pair[("A", "B")], pair[("B", "C")]) == (1, 2, 1, 0)
    assert ref.cooccurrence_cell(n, pair, "A", "B", "c") == Fraction(1, 2)
    assert ref.cooccurrence_cell(n, pair, "A", "A", "count") == 0
    # turn scope: A [0,10) overlaps turn [6,18) (not the label alone); C [15,20) overlaps it too.
    n, pair = ref.cooccurrence(p, scope="turn")
    assert (n["A"], n["B"], n["C"], pair[("A", "B")], pair[("A", "C")]) == (1, 1, 1, 1, 1)
    p = _project([("A", 0, 5, "ann"), ("B", 7, 9, "bob")])  # A on the label "Lone:" only: no turn holds A
    n, pair = ref.cooccurrence(p, scope="turn")
    assert (n["A"], n["B"], pair[("A", "B")]) == (0, 1, 0)


def test_c_coefficient_is_undefined_where_its_denominator_is_not_positive():
    # Two long codings of A over two short ones of B, one coder: n_AB = 4 = n_A + n_B.
    p = _project([("A", 0, 40, "ann"), ("A", 1, 39, "ann"), ("B", 5, 15, "ann"), ("B", 20, 30, "ann")])
    n, pair = ref.cooccurrence(p, scope="overlap")
    assert pair[("A", "B")] == 4 and ref.cooccurrence_cell(n, pair, "A", "B", "c") is None
    assert ref.c_coefficient(3, 1, 3) == 3  # one long coding over three short ones: c > 1, not clipped


def test_boolean_retrieval_and_is_one_row_per_stretch_with_its_coders():
    # ann: A [0,20), B [10,30); bob: A [0,20), B [10,30), and bob's C [0,5) for NOT.
    p = _project([("A", 0, 20, "ann"), ("B", 10, 30, "ann"), ("A", 0, 20, "bob"), ("B", 10, 30, "bob"),
                  ("A", 30, 40, "ann"), ("B", 35, 43, "bob")])
    assert ref.excerpts_and(p, ["A"], ["B"]) == {(1, 10, 20): {"ann", "bob"}}
    assert [k.id for k in ref.excerpts_not(p, ["A"], ["B"])] == [5]  # bob's B [35,43) is not ann's


def test_words_coded_counts_the_union_once():
    text = "one two three four five"
    p = _project([("A", 0, 7, "ann"), ("A", 4, 13, "bob"), ("A", 19, 23, "ann")], text=text, turns=((0, 23),))
    # union [0,13) "one two three" and [19,23) "five": 4 words; "two" coded twice counts once
    assert ref.words_coded(p, p.codings) == 4


def test_segment_matching_is_exact_at_ninety_percent():
    p = _project([("A", 0, 10, "ann"), ("A", 0, 9, "bob"), ("A", 20, 30, "ann"), ("A", 21, 29, "bob")])
    result = ref.segment_matches(p, ["ann", "bob"], [1], "A", Fraction(9, 10))
    # [0,9) in [0,10): 9/10 -> matched; [21,29) in [20,30): 8/10 -> not
    assert result == {"ann": (2, 1), "bob": (2, 1)}
