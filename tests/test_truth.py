"""A large simulated study, derived with the SAP's rules, recovers the simulator's true values."""

from __future__ import annotations

import pytest

from oncocsr.adam.adrs import derive_adrs
from oncocsr.adam.adsl import derive_adsl
from oncocsr.adam.adtte import derive_adtte
from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.ingest import apply_data_cut
from oncocsr.simulate import simulate_study, study_dates, true_parameters
from oncocsr.stats.binomial import response_rate
from oncocsr.stats.km import km_summary


@pytest.fixture(scope="module")
def derived():
    cutoff = study_dates()["cutoff"]
    domains = {
        name: apply_data_cut(frame, name, cutoff)
        for name, frame in simulate_study(20_000, seed=2026).items()
    }
    adsl = derive_adsl(domains, cutoff)
    adrs = derive_adrs(
        domains["RS"],
        adsl,
        cutoff=cutoff,
        evaluator="INVESTIGATOR",
        sd_min_days=42,
        confirm_min_days=28,
        max_ne_between=1,
        window_days=365,
    )
    adtte = derive_adtte(
        adsl,
        adrs,
        domains["DS"],
        assessment_interval_days=42,
        window_days=7,
        censor_new_therapy=True,
        censor_missed_visits=True,
    )
    return adrs, adtte


def test_confirmed_orr_within_its_99_percent_ci(derived):
    adrs, _ = derived
    cbor = adrs[(adrs["PARAMCD"] == "CBOR") & (adrs["FASFL"] == "Y")]
    rate = response_rate(int(cbor["AVALC"].isin(["CR", "PR"]).sum()), len(cbor), conf_level=0.99)
    assert rate["lcl"] <= true_parameters()["confirmed_orr"] <= rate["ucl"]


@pytest.mark.parametrize(
    ("paramcd", "truth"), [("PFS", "median_pfs_months"), ("OS", "median_os_months")]
)
def test_median_within_its_99_percent_ci(derived, paramcd, truth):
    _, adtte = derived
    data = adtte[(adtte["PARAMCD"] == paramcd) & (adtte["FASFL"] == "Y")]
    summary = km_summary(
        data["AVAL"] / DAYS_PER_MONTH, (data["CNSR"] == 0).astype(int), conf_level=0.99
    )
    assert summary["median_lcl"] <= true_parameters()[truth] <= summary["median_ucl"]
