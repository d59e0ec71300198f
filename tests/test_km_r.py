"""Kaplan-Meier summaries against R survival (quantile.survfit, conf.type = "log-log").

R is a system dependency (Debian r-base-core and r-cran-survival, installed by .ci/run); without
it these tests are skipped locally but fail in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from oncocsr.stats.km import km_summary

R_SCRIPT = r"""
library(survival)
args <- commandArgs(TRUE)
d <- read.csv(args[1])
fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = "log-log")
q <- quantile(fit, probs = c(.25, .5, .75))
quantiles <- c("q25", "median", "q75")
cat(sprintf("%s,%.12g,%.12g,%.12g\n", quantiles, q$quantile, q$lower, q$upper), sep = "")
rev <- survfit(Surv(time, 1 - event) ~ 1, data = d)
cat(sprintf("followup,%.12g\n", quantile(rev, probs = .5)$quantile))
s <- summary(fit, times = as.numeric(strsplit(args[2], ",")[[1]]), extend = TRUE)
lines <- sprintf("landmark,%g,%.12g,%.12g,%.12g,%d\n", s$time, s$surv, s$lower, s$upper, s$n.risk)
cat(lines, sep = "")
"""

rng = np.random.default_rng(20261124)
DATASETS = {
    "ties": ([1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8], [1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1]),
    "heavy censoring": (list(rng.integers(1, 20, 30)), list((rng.random(30) < 0.3).astype(int))),
    "median not reached": ([1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 0, 1, 0, 0, 0, 0]),
    "no censoring": ([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], [1] * 10),
    "S = 0.5 on a flat step": ([1, 2, 3, 4, 5, 6], [1] * 6),
    "flat step with censoring": ([1, 2, 3, 3.5, 4, 5, 6, 7], [1, 1, 1, 0, 1, 0, 1, 1]),
    "last observation an event": ([1, 2, 3, 4, 10], [0, 1, 0, 1, 1]),
    "large tie jumps over 0.5": ([1, 2, 3, 3, 3, 3, 3, 3, 4, 5], [1] * 10),
    "exponential with censoring": (
        list(np.round(rng.exponential(10, 80), 2)),
        list((rng.random(80) < 0.7).astype(int)),
    ),
    "single subject": ([4], [1]),
    "all censored": ([1, 2, 3, 4], [0, 0, 0, 0]),
}

# The curve stays exactly at 1 - p from some event to the last observation, which is censored:
# R takes the midpoint of that last step up to the last time (SAP section 6; the SAS results of
# the same data are in test_km_conventions.py). Landmarks: times to read S at.
FLAT_TO_THE_END = {
    # CAMIS "R vs SAS - Kaplan Meier and Cox-proportion hazards modelling", section "Other Cases
    # Where Discrepancies Are Found" (psiaims.github.io/CAMIS/Comp/r-sas_survival.html): five
    # events then five censored; S = 0.5 from 87 to 118, R's median (87 + 118) / 2 = 102.5.
    "CAMIS 10 subjects": (
        [54, 75, 77, 84, 87, 92, 103, 105, 112, 118],
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        (80, 100, 120),
    ),
    # S = 0.75 at 1 (flat to 2: q25 1.5), 0.5 from 2 to the censored end at 3: median 2.5.
    "median on the last step, q25 on an inner step": ([1, 2, 3, 3], [1, 1, 0, 0], (1, 2, 4)),
    # S = 0.75 from 1 to the censored end at 4: q25 (1 + 4) / 2 = 2.5, median not reached.
    "first quartile on the last step": ([1, 2, 3, 4], [1, 0, 0, 0], (2, 5)),
    # A tie at the end: at 2 one event and one censored of two at risk, S = 0.5 with nobody
    # left: the step has no length, median (2 + 2) / 2 = 2.
    "event and censoring tied at the end": ([1, 2, 2], [0, 1, 0], (1, 2)),
    # Months as the pipeline computes them (days / 30.4375), two events and two censored.
    "fractional times": (
        [61 / 30.4375, 122 / 30.4375, 200 / 30.4375, 240 / 30.4375],
        [1, 1, 0, 0],
        (3, 6),
    ),
}


def r_summary(tmp_path, time, event, landmarks=(2, 5)) -> dict:
    data = tmp_path / "data.csv"
    data.write_text(
        "time,event\n" + "".join(f"{t},{e}\n" for t, e in zip(time, event, strict=True))
    )
    script = tmp_path / "km.R"
    script.write_text(R_SCRIPT)
    out = subprocess.run(
        ["Rscript", str(script), str(data), ",".join(f"{t:g}" for t in landmarks)],
        capture_output=True,
        text=True,
        check=True,
    )
    parsed: dict = {"landmarks": []}
    for line in out.stdout.strip().splitlines():
        name, *values = line.split(",")
        numbers = [None if v == "NA" else float(v) for v in values]
        if name == "landmark":
            parsed["landmarks"].append(numbers)
        elif name == "followup":
            parsed["followup_median"] = numbers[0]
        else:
            parsed[name], parsed[f"{name}_lcl"], parsed[f"{name}_ucl"] = numbers
    return parsed


@pytest.fixture(scope="module", autouse=True)
def needs_r():
    if shutil.which("Rscript") is None:
        if os.environ.get("CI"):
            pytest.fail("Rscript not found: .ci/run must install r-base-core and r-cran-survival")
        pytest.skip("R not installed (apt-get install r-base-core r-cran-survival)")


def assert_matches_r(got: dict, expected: dict) -> None:
    for key in (
        "median",
        "median_lcl",
        "median_ucl",
        "q25",
        "q25_lcl",
        "q25_ucl",
        "q75",
        "q75_lcl",
        "q75_ucl",
        "followup_median",
    ):
        assert got[key] == pytest.approx(expected[key], abs=1e-6), key
    for entry, (t, surv, lcl, ucl, n_risk) in zip(
        got["landmarks"], expected["landmarks"], strict=True
    ):
        assert entry["time"] == t and entry["n_risk"] == n_risk
        assert (entry["surv"], entry["lcl"], entry["ucl"]) == pytest.approx(
            (surv, lcl, ucl), abs=1e-6
        )


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_matches_r_survival(tmp_path, name):
    time, event = DATASETS[name]
    expected = r_summary(tmp_path, time, event)
    assert_matches_r(km_summary(time, event, landmarks=(2, 5), convention="r"), expected)


@pytest.mark.parametrize("name", sorted(FLAT_TO_THE_END))
def test_flat_at_one_minus_p_to_a_censored_end_matches_r(tmp_path, name):
    time, event, landmarks = FLAT_TO_THE_END[name]
    expected = r_summary(tmp_path, time, event, landmarks)
    got = km_summary(time, event, landmarks=landmarks, convention="r")
    assert_matches_r(got, expected)
    # R estimates a quantile on that last step: the case is not "not estimable" under r.
    assert got["median"] is not None or got["q25"] is not None
