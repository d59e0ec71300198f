"""Survival follow-up (SS): contacts every 12 weeks after treatment, none after death or the
snapshot, and, with them, a last-known-alive date that keeps OS censoring non-informative."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oncocsr.dates import DAYS_PER_MONTH
from oncocsr.simulate import SimulationOptions, simulate_study, study_dates, true_parameters
from oncocsr.stats.km import km_summary

DATES = study_dates()
CUTOFF, SNAPSHOT = pd.Timestamp(DATES["cutoff"]), pd.Timestamp(DATES["snapshot"])


def full_date(text: pd.Series) -> pd.Series:
    """Full dates (datetimes truncated); partial dates are missing."""
    return pd.to_datetime(text.str[:10].where(text.str.len() >= 10), format="%Y-%m-%d")


def overall_survival(study: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """OS of the treated subjects at the cutoff as SAP section 5 derives it, with SS survival
    contacts whose status is alive among the dates known alive; also the last-known-alive date."""
    dm = study["DM"].set_index("USUBJID")
    dm = dm[dm["RFXSTDTC"] != ""]
    ds, ae, ss = study["DS"], study["AE"], study["SS"]
    dated = [
        (ds[ds["DSDECOD"] != "DEATH"], "DSSTDTC"),
        (study["EX"], "EXSTDTC"),
        (study["EX"], "EXENDTC"),
        (ae, "AESTDTC"),
        (ae[ae["AEOUT"] != "FATAL"], "AEENDTC"),
        (study["RS"], "RSDTC"),
        (study["TR"], "TRDTC"),
        (ss[ss["SSSTRESC"] == "ALIVE"], "SSDTC"),
    ]
    # Records after the cutoff are cut; DM's dates are capped at it.
    pieces = [
        pd.Series(full_date(frame[variable]).to_numpy(), index=frame["USUBJID"])
        for frame, variable in dated
    ]
    pieces = [piece[piece <= CUTOFF] for piece in pieces]
    pieces += [
        full_date(dm[variable]).clip(upper=CUTOFF)
        for variable in ("RFICDTC", "RFSTDTC", "RFENDTC", "RFXSTDTC", "RFXENDTC")
    ]
    alive = pd.concat(pieces).dropna().groupby(level=0).max().reindex(dm.index)
    month = dm["DTHDTC"].str.len() == 7
    death = full_date(dm["DTHDTC"].mask(month, dm["DTHDTC"] + "-01"))
    death = death.mask(month & (death < alive), alive)
    died = death <= CUTOFF
    start = full_date(dm["RFXSTDTC"])
    end = death.where(died, alive)
    return pd.DataFrame(
        {
            "arm": dm["ACTARMCD"],
            "alive": alive,
            "died": died,
            "aval": (end - start).dt.days + 1,
        }
    )


@pytest.fixture(scope="module")
def study():
    return simulate_study(600, seed=9)


@pytest.fixture(scope="module")
def contacts(study):
    ss = study["SS"].assign(day=lambda f: full_date(f["SSDTC"]))
    return ss.sort_values(["USUBJID", "SSSEQ"])


def test_ss_records_have_the_sdtm_shape(contacts, study):
    assert list(study["SS"].columns) == [
        "STUDYID",
        "DOMAIN",
        "USUBJID",
        "SSSEQ",
        "SSTESTCD",
        "SSTEST",
        "SSORRES",
        "SSSTRESC",
        "VISIT",
        "EPOCH",
        "SSDTC",
        "SSDY",
    ]
    assert (contacts["DOMAIN"] == "SS").all() and (contacts["SSTESTCD"] == "SURVSTAT").all()
    assert (contacts["SSTEST"] == "Survival Status").all()
    assert (contacts["VISIT"] == "SURVIVAL FOLLOW-UP").all()
    assert set(contacts["SSSTRESC"]) == {"ALIVE", "DEAD"}
    assert (contacts["SSORRES"] == contacts["SSSTRESC"]).all()
    assert contacts["day"].notna().all()
    treated = study["DM"].loc[study["DM"]["RFXSTDTC"] != "", "USUBJID"]
    assert set(contacts["USUBJID"]) <= set(treated)


def test_contacts_every_12_weeks_after_the_end_of_treatment(contacts, study):
    ds = study["DS"]
    eot = ds[ds["DSSCAT"] == "END OF TREATMENT"].set_index("USUBJID")
    gaps = contacts.groupby("USUBJID")["day"].diff().dropna().dt.days
    assert gaps.between(70, 98).all() and gaps.nunique() > 10
    first = contacts.groupby("USUBJID")["day"].min()
    since_eot = (first - full_date(eot["DSSTDTC"]).reindex(first.index)).dt.days
    assert since_eot.between(77, 91).all()
    # Subjects who died or withdrew on treatment are not followed.
    left = eot.index[eot["DSDECOD"].isin(["DEATH", "WITHDRAWAL BY SUBJECT"])]
    assert left.size and not set(left) & set(contacts["USUBJID"])


def test_no_contact_after_death_or_the_snapshot(contacts, study):
    assert (contacts["day"] <= SNAPSHOT).all()
    dm = study["DM"].set_index("USUBJID")
    death_text = contacts["USUBJID"].map(dm["DTHDTC"])
    full = death_text.str.len() == 10
    death = full_date(death_text.where(full))
    alive = contacts["SSSTRESC"] == "ALIVE"
    assert (contacts.loc[alive & full, "day"] < death[alive & full]).all()
    partial = alive & (death_text.str.len() == 7)
    assert (contacts.loc[partial, "SSDTC"].str[:7] <= death_text[partial]).all()
    dead = contacts[~alive]
    assert dead["USUBJID"].is_unique and (dead["USUBJID"].map(dm["DTHFL"]) == "Y").all()
    assert (contacts.groupby("USUBJID")["SSSTRESC"].last()[dead["USUBJID"]] == "DEAD").all()
    since_death = (dead["day"] - death[~alive]).dt.days.dropna()
    assert since_death.between(0, 98).all() and len(since_death) > 20
    # A death in follow-up that the next contact before the snapshot would find is recorded.
    followed = set(contacts["USUBJID"])
    dead_early = dm.index[full_date(dm["DTHDTC"]) < SNAPSHOT - pd.Timedelta(days=98)]
    assert set(dead_early) & followed <= set(dead["USUBJID"])


def test_last_known_alive_is_within_3_months_of_the_cut_for_subjects_on_study(study):
    ds = study["DS"]
    left = ds[(ds["DSSCAT"] == "END OF STUDY") & (full_date(ds["DSSTDTC"]) <= CUTOFF)]
    os_ = overall_survival(study)
    on_study = os_[~os_["died"] & ~os_.index.isin(left["USUBJID"])]
    assert len(on_study) > 100
    assert (on_study["alive"] >= CUTOFF - pd.Timedelta(days=98)).all()


def test_overall_survival_recovers_the_true_median_only_with_ss():
    # As tests/test_truth.py does for the pipeline: the 99% CI of the Kaplan-Meier median.
    study = simulate_study(12_000, seed=2026)
    truth = true_parameters()["median_os_months"]

    def median_ci(domains):
        os_ = overall_survival(domains)
        months, events = os_["aval"] / DAYS_PER_MONTH, os_["died"].astype(int)
        summary = km_summary(months, events, conf_level=0.99)
        return summary["median_lcl"], summary["median_ucl"]

    lcl, ucl = median_ci(study)
    assert lcl <= truth <= ucl
    # Without the contacts, subjects off treatment are censored long before the cut, and
    # censoring depends on their course: the estimate falls short.
    assert median_ci(study | {"SS": study["SS"].iloc[:0]})[1] < truth


@pytest.mark.parametrize("arms", [2, 3])
def test_kaplan_meier_curves_of_the_arms_end_at_different_times(arms):
    os_ = overall_survival(simulate_study(43, seed=7, options=SimulationOptions(arms=arms)))
    ends = os_.groupby("arm")["aval"].max()
    assert len(ends) == arms and ends.is_unique
    assert np.ptp(ends.to_numpy()) > 5
