"""Kaplan-Meier summaries checked by hand calculation (R comparisons live in test_km.py)."""

from __future__ import annotations

import math

import pytest

from oncocsr.stats.km import km_summary


def test_median_on_a_flat_step_is_the_midpoint():
    # Six events at 1..6: S = 5/6, 4/6, 3/6 at t = 3 (exactly 0.5, flat until 4): median 3.5.
    result = km_summary([1, 2, 3, 4, 5, 6], [1] * 6)
    assert result["median"] == 3.5
    # S drops to 0.75 or below first at t = 2 (4/6), to 0.25 at t = 5 (1/6).
    assert (result["q25"], result["q75"]) == (2.0, 5.0)


def test_landmark_with_log_log_interval_by_hand():
    # Times 1..6 all events; at t = 2: S = 4/6, Greenwood sum = 1/(6*5) + 1/(5*4) = 1/12.
    # log-log: se = sqrt(1/12) / |log(2/3)|; limits S ** exp(-+1.959964 * se / log S).
    result = km_summary([1, 2, 3, 4, 5, 6], [1] * 6, landmarks=(2,))
    landmark = result["landmarks"][0]
    s = 4 / 6
    se = math.sqrt(1 / 12)
    z = 1.959963984540054
    assert landmark["surv"] == pytest.approx(s)
    assert landmark["lcl"] == pytest.approx(s ** math.exp(-z * se / math.log(s)))
    assert landmark["ucl"] == pytest.approx(s ** math.exp(z * se / math.log(s)))
    assert landmark["n_risk"] == 5


def test_median_not_reached_and_censored_follow_up():
    # One event among five: S stays at 0.8, so no median and no upper limit.
    result = km_summary([2, 3, 4, 5, 6], [1, 0, 0, 0, 0])
    assert result["median"] is None and result["median_ucl"] is None
    # Reverse KM: censorings are the events; 4 "events" at 3, 4, 5, 6 with S = 3/4, 2/4 at t=4
    # (exactly 0.5 on a flat step until t = 5): follow-up median 4.5.
    assert result["followup_median"] == 4.5


def test_landmark_where_survival_is_one_has_no_band_and_beyond_follow_up_is_none():
    result = km_summary([5, 6, 7], [1, 1, 0], landmarks=(1, 10))
    first, late = result["landmarks"]
    assert (first["surv"], first["lcl"], first["ucl"], first["n_risk"]) == (1.0, None, None, 3)
    assert late["surv"] is None and late["n_risk"] == 0


@pytest.mark.parametrize(
    ("time", "event", "message"),
    [
        ([1, 2], [1], "same length"),
        ([1, -2], [1, 1], "non-negative"),
        ([1, 2], [1, 2], "0 \\(censored\\)"),
        ([], [], "no subjects"),
    ],
)
def test_bad_input_is_refused(time, event, message):
    with pytest.raises(ValueError, match=message):
        km_summary(time, event)
