"""Agreement statistics reproduce published worked examples; property tests against brute force and an oracle."""

import math

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualbench import agreement_stats as stats


def test_cohens_kappa_textbook_table():
    # Two readers, 50 proposals: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa 0.40
    # (the worked example of the "Cohen's kappa" article, Wikipedia; p_o = 0.70, p_e = 0.50).
    result = stats.percent_agreement_and_kappa(20, 5, 10, 15)
    assert result.agreement == pytest.approx(0.70)
    assert result.expected == pytest.approx(0.50)
    assert result.kappa == pytest.approx(0.40)


def test_nvivo_coding_comparison_example():
    # NVivo help, "Run a coding comparison query", how kappa and percentage agreement are calculated:
    # 1,000 characters; 50 coded by both, 100 by the first only, 50 by the second only, 800 by neither
    # -> agreement 85 %, kappa 0.318.
    result = stats.percent_agreement_and_kappa(50, 100, 50, 800)
    assert round(100 * result.agreement, 2) == 85.0
    assert round(result.kappa, 3) == 0.318
    # the same figures from character ranges in a 1,000-character document
    table = stats.character_table(1000, [(0, 100), (100, 150)], [(50, 100), (900, 950)])
    assert table == (50, 100, 50, 800)


def test_total_agreement_is_reported_not_nan():
    result = stats.percent_agreement_and_kappa(0, 0, 0, 1000)
    assert result.agreement == 1.0 and result.kappa is None
    assert result.note == "agreement is total; kappa undefined"
    assert stats.percent_agreement_and_kappa(0, 0, 0, 0).note == "nothing to compare"
    assert stats.percent_agreement_and_kappa(40, 0, 0, 60).kappa == pytest.approx(1.0)


KRIPPENDORFF_2011 = [  # Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", 4 observers x 12 units
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize("level, published", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_example_with_missing_data(level, published):
    assert round(stats.krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


def test_alpha_edge_cases_are_defined():
    assert stats.krippendorff_alpha_result([[1, 1, 1], [1, 1, 1]]).note == "agreement is total; alpha undefined"
    assert stats.krippendorff_alpha_result([[1, None], [None, 2]]).note == "fewer than two pairable values"
    assert stats.krippendorff_alpha([[0, 1, 0, 1], [0, 1, 0, 1]]) == pytest.approx(1.0)


matrices = st.integers(2, 4).flatmap(lambda coders: st.integers(3, 15).flatmap(
    lambda units: st.lists(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=units, max_size=units),
                           min_size=coders, max_size=coders)))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the oracle divides 0 by 0
@settings(max_examples=150, deadline=None)
@given(matrices, st.sampled_from(["nominal", "interval", "ordinal"]))
def test_alpha_agrees_with_the_krippendorff_package(data, level):
    ours = stats.krippendorff_alpha_result(data, level)
    array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
    try:
        oracle = krippendorff.alpha(reliability_data=array, level_of_measurement=level)
    except (ValueError, ZeroDivisionError):
        oracle = math.nan
    if ours.alpha is None:
        assert math.isnan(oracle) or ours.note
    else:
        assert ours.alpha == pytest.approx(oracle, abs=1e-9)


ranges = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 25)).map(lambda t: (t[0], min(60, t[0] + t[1]))), max_size=8)


@settings(max_examples=200, deadline=None)
@given(ranges, ranges)
def test_character_table_equals_a_character_by_character_count(first, second):
    a = {i for s, e in first for i in range(s, e)}
    b = {i for s, e in second for i in range(s, e)}
    expected = (len(a & b), len(a - b), len(b - a), 60 - len(a | b))
    assert stats.character_table(60, first, second) == expected
    assert {i for s, e in stats.only_in(first, second) for i in range(s, e)} == a - b


@settings(max_examples=200, deadline=None)
@given(ranges, ranges)
def test_unit_presence_equals_brute_force(units, codings):
    units = [u for u in units if u[0] < u[1]]
    expected = [any(c[0] < u[1] and u[0] < c[1] for c in codings if c[0] < c[1]) for u in units]
    assert stats.unit_presence(units, codings) == expected


def test_touching_ranges_do_not_make_a_unit_coded():
    assert stats.unit_presence([(0, 10), (10, 20)], [(10, 15)]) == [False, True]


def test_segment_matching_as_maxqda():
    assert stats.segment_matches([(0, 100)], [(0, 100)]) == stats.SegmentResult(1, 0, 1, 0)
    assert stats.overlap_share((0, 100), (0, 95)) == pytest.approx(0.95)
    assert stats.segment_matches([(0, 100)], [(0, 95)]).agreement == 1.0  # 95 % >= 90 %
    half = stats.segment_matches([(0, 100)], [(50, 150)])  # 50 shared of 150 spanned
    assert half == stats.SegmentResult(0, 1, 0, 1) and half.agreement == 0.0
    assert stats.segment_matches([(0, 100)], [(50, 150)], min_overlap=1 / 3).agreement == 1.0  # the boundary counts
    alone = stats.segment_matches([(0, 10), (20, 30)], [(0, 10)])
    assert alone == stats.SegmentResult(1, 1, 1, 0) and alone.agreement == pytest.approx(2 / 3)
    assert stats.segment_matches([], []).agreement is None


@pytest.mark.parametrize("kappa, band", [(None, "undefined"), (-0.1, "poor"), (0.0, "slight"), (0.2, "slight"), (0.318, "fair"),
                                          (0.4, "fair"), (0.5, "moderate"), (0.75, "substantial"), (0.81, "almost perfect")])
def test_landis_koch_bands(kappa, band):
    assert stats.verdict(kappa) == band


def test_alpha_bands():
    assert [stats.alpha_verdict(a) for a in (None, 0.9, 0.743, 0.5)] == ["undefined", "reliable", "tentative conclusions only", "unreliable"]


# --- band limits: decided on the figure rounded to 10 places (issue 12) ---------------------------


def test_a_kappa_of_exactly_zero_is_slight_and_shown_as_0():
    # Hand-worked 2x2 table: both 1, first only 2, second only 4, neither 8 (n = 15).
    # p_o = 9/15 = .6; p1 = 3/15 = .2, p2 = 5/15; p_e = .2 * 5/15 + .8 * 10/15 = 9/15 = .6 -> kappa = 0 exactly,
    # which Landis & Koch (1977) put in "slight" (0-0.20). Floating point gives -2.8e-16.
    kappa = stats.percent_agreement_and_kappa(1, 2, 4, 8).kappa
    assert kappa == pytest.approx(0, abs=1e-12)
    assert stats.verdict(kappa) == "slight"
    shown = stats.shown(kappa, 4)
    assert shown == 0 and math.copysign(1, shown) == 1 and f"{shown}" == "0.0"


def test_a_kappa_of_exactly_0_6_is_moderate():
    # Hand-worked: both 4, first only 1, second only 1, neither 4 (n = 10): p_o = .8, p1 = p2 = .5, p_e = .5,
    # kappa = .3 / .5 = 0.6 exactly: Landis & Koch's 0.41-0.60 "moderate" (floating point: 0.6000000000000001).
    kappa = stats.percent_agreement_and_kappa(4, 1, 1, 4).kappa
    assert kappa == pytest.approx(0.6)
    assert stats.verdict(kappa) == "moderate"


@pytest.mark.parametrize("kappa, band", [(-2.8e-16, "slight"), (-0.0, "slight"), (-1e-9, "poor"), (0.20000000000000004, "slight"),
                                          (0.21, "fair"), (0.4000000000000001, "fair"), (0.41, "moderate"),
                                          (0.6000000000000001, "moderate"), (0.61, "substantial"), (0.8000000000000002, "substantial"),
                                          (0.81, "almost perfect"), (1.0, "almost perfect")])
def test_landis_koch_limits_belong_to_the_lower_band(kappa, band):
    # Landis & Koch (1977): < 0 poor, 0-0.20 slight, 0.21-0.40 fair, 0.41-0.60 moderate, 0.61-0.80 substantial, 0.81-1.
    assert stats.verdict(kappa) == band


def test_alpha_band_limits_are_decided_on_the_rounded_alpha():
    # Krippendorff (2004, Content Analysis, 2nd ed., p. 241): alpha >= .800 reliable, >= .667 tentative conclusions.
    assert stats.alpha_verdict(0.7999999999999999) == "reliable"
    assert stats.alpha_verdict(0.6669999999999999) == "tentative conclusions only"
    assert stats.alpha_verdict(0.7999) == "tentative conclusions only" and stats.alpha_verdict(0.6669) == "unreliable"


def test_shown_rounds_once_from_the_exact_value():
    # 5810/8451 = 0.687493...: three places give 0.687; rounding first to four (0.6875) and then to three gives 0.688.
    exact = 5810 / 8451
    assert stats.shown(exact, 3) == 0.687 and stats.shown(stats.shown(exact, 4), 3) == 0.688
    assert stats.shown(None, 3) is None and stats.shown(float("nan"), 3) is None
