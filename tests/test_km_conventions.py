"""Kaplan-Meier summaries checked by hand calculation and against the published CAMIS SAS results
(R comparisons live in test_km_r.py)."""

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


# Reference values printed by R 4.2 with survival 3.5.3:
#   fit <- survfit(Surv(time, event) ~ 1, conf.type = "log-log")
#   quantile(fit, probs = c(.25, .5, .75)); summary(fit, times = c(2, 5))
R_REFERENCE = {
    "ties": (
        [1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8],
        [1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1],
        {"q25": (2, 1, 5), "median": (5, 2, 7), "q75": (7, 4, None)},
        [
            (0.6923076923, 0.3733634842, 0.8717501165, 11),
            (0.4153846154, 0.1439084742, 0.6715591831, 5),
        ],
    ),
    "flat step with censoring": (
        [1, 2, 3, 3.5, 4, 5, 6, 7],
        [1, 1, 1, 0, 1, 0, 1, 1],
        {"q25": (2.5, 1, 6), "median": (4, 1, None), "q75": (6, 3, None)},
        [(0.75, 0.3148071137, 0.9308983171, 7), (0.46875, 0.1199286222, 0.7628556679, 3)],
    ),
}


@pytest.mark.parametrize("name", sorted(R_REFERENCE))
def test_matches_r_survival(name):
    time, event, quantiles, landmarks = R_REFERENCE[name]
    result = km_summary(time, event, landmarks=(2, 5), convention="r")
    for stat, expected in quantiles.items():
        got = (result[stat], result[f"{stat}_lcl"], result[f"{stat}_ucl"])
        assert got == pytest.approx(expected, abs=1e-9), stat
    for entry, (surv, lcl, ucl, n_risk) in zip(result["landmarks"], landmarks, strict=True):
        assert (entry["surv"], entry["lcl"], entry["ucl"]) == pytest.approx(
            (surv, lcl, ucl), abs=1e-9
        )
        assert entry["n_risk"] == n_risk


def test_camis_example_under_sas_is_not_estimable_where_the_curve_ends_at_one_half():
    # CAMIS, "R vs SAS - Kaplan Meier and Cox-proportion hazards modelling", section "Other Cases
    # Where Discrepancies Are Found" (psiaims.github.io/CAMIS/Comp/r-sas_survival.html; PSIAIMS/
    # CAMIS Comp/r-sas_survival.qmd): events at 54, 75, 77, 84, 87, censored at 92..118. S is
    # exactly 0.5 from 87 to the last (censored) observation; SAS looks for S < 0.5 and reports
    # the median as NE (R: 102.5), and reports the day-120 rate, after the last time, as NE.
    time = [54, 75, 77, 84, 87, 92, 103, 105, 112, 118]
    event = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    result = km_summary(time, event, landmarks=(80, 100, 120), convention="sas")
    assert result["median"] is None
    # By hand: S = 0.9, 0.8, 0.7 at 54, 75, 77, so the first S < 0.75 is at 77; S never goes
    # below 0.25, so the third quartile is NE as well (in R too).
    assert result["q25"] == 77.0 and result["q75"] is None
    day80, day100, day120 = result["landmarks"]
    # At 80: 3 events of 10, S = 0.7, 7 at risk; at 100: S = 0.5 (0.184, 0.753), the values the
    # page gives for the last censored time, 4 at risk; at 120 (after 118) NE.
    assert (day80["surv"], day80["n_risk"]) == (pytest.approx(0.7), 7)
    assert (day100["surv"], day100["lcl"], day100["ucl"]) == pytest.approx(
        (0.5, 0.184, 0.753), abs=5e-4
    )
    assert day120["surv"] is None and day120["n_risk"] == 0


@pytest.mark.parametrize(
    ("time", "event", "sas", "r"),
    [
        # S = 0.75 on (1, 2), 0.5 from 2 to the censored end at 3. q25: an inner flat step, the
        # midpoint (1 + 2) / 2 = 1.5 in both; median: the last step, NE under SAS (no S < 0.5),
        # (2 + 3) / 2 = 2.5 under R.
        ([1, 2, 3, 3], [1, 1, 0, 0], {"q25": 1.5, "median": None}, {"q25": 1.5, "median": 2.5}),
        # Four subjects, p = 0.25: S = 0.75 from 1 to the censored end at 4: NE / (1 + 4) / 2.
        ([1, 2, 3, 4], [1, 0, 0, 0], {"q25": None, "median": None}, {"q25": 2.5, "median": None}),
        # The last event leaves S = 0.5 with a censoring at the same time and nobody after.
        ([1, 2, 2], [0, 1, 0], {"q25": 2.0, "median": None}, {"q25": 2.0, "median": 2.0}),
    ],
)
def test_flat_at_one_minus_p_to_a_censored_end_by_convention(time, event, sas, r):
    for convention, expected in (("sas", sas), ("r", r)):
        result = km_summary(time, event, convention=convention)
        assert {k: result[k] for k in expected} == expected, convention


def test_reverse_km_follow_up_ending_on_one_half_follows_the_convention():
    # Reverse KM (censorings are the events): censored at 1 and 2, events at 3 and 3 ("censored"
    # in reverse). Reverse S = 3/4 at 1, 2/4 at 2, flat to the end at 3: NE under SAS,
    # (2 + 3) / 2 = 2.5 under R.
    time, event = [1, 2, 3, 3], [0, 0, 1, 1]
    assert km_summary(time, event, convention="sas")["followup_median"] is None
    assert km_summary(time, event, convention="r")["followup_median"] == 2.5
