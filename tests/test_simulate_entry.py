"""The SDTM of the entry criteria and the deaths (issue 16, item 6): baseline height and weight
(VS), the setting of the prior regimens (CM.CMSCAT), the primary cause of death (DD), AE ends
capped at death, and the options that give real data's shapes (imperial units, no VS, no DD).
Each expectation is computed here from the other domains, not from the simulator's code."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from oncocsr.dates import impute_date, to_date
from oncocsr.simulate import SimulationOptions, simulate_study

SEED = 13
# Domains the new draws must leave as they were (their own random streams).
UNCHANGED = ("DM", "DS", "EX", "MH", "RS", "SS", "SUPPDM", "TR", "TU")


@pytest.fixture(scope="module")
def default():
    return simulate_study(150, seed=SEED)


@pytest.fixture(scope="module")
def imperial():
    return simulate_study(150, seed=SEED, options=SimulationOptions(vitals="imperial"))


@pytest.fixture(scope="module")
def bare():
    return simulate_study(
        150, seed=SEED, options=SimulationOptions(vitals="none", death_details=False)
    )


def test_vitals_are_height_and_weight_at_screening_of_every_treated_subject(default):
    vs, dm, tu = default["VS"], default["DM"], default["TU"]
    treated = set(dm.loc[dm["RFXSTDTC"] != "", "USUBJID"])
    for testcd, unit, low, high in (("HEIGHT", "cm", 140, 178), ("WEIGHT", "kg", 38, 95)):
        rows = vs[vs["VSTESTCD"] == testcd]
        assert set(rows["USUBJID"]) == treated and rows["USUBJID"].is_unique
        assert (rows["VSORRESU"] == unit).all() and (rows["VSSTRESU"] == unit).all()
        assert rows["VSSTRESN"].between(low, high).all()
        np.testing.assert_array_equal(rows["VSSTRESN"], rows["VSORRES"].astype(float))
    # On the screening scan's day, before the first dose: the last observation before exposure.
    scan = tu[tu["VISIT"] == "SCREENING"].groupby("USUBJID")["TUDTC"].first()
    assert (vs["VSDTC"].to_numpy() == scan.reindex(vs["USUBJID"]).to_numpy()).all()
    first = to_date(dm.set_index("USUBJID")["RFXSTDTC"])
    assert (to_date(vs["VSDTC"]).to_numpy() < first.reindex(vs["USUBJID"]).to_numpy()).all()
    assert (vs["VSLOBXFL"] == "Y").all() and (vs["VISIT"] == "SCREENING").all()
    assert (vs["EPOCH"] == "SCREENING").all()


def test_imperial_vitals_are_the_metric_ones_in_inches_and_pounds(default, imperial):
    # Same stream, so the same subjects' values: 1 in = 2.54 cm, 1 lb = 0.45359237 kg; both
    # rounded to 0.1, so they agree within half a unit of the rounding of each.
    key = ["USUBJID", "VSTESTCD"]
    metric = default["VS"].set_index(key)
    other = imperial["VS"].set_index(key).reindex(metric.index)
    height = metric.index.get_level_values("VSTESTCD") == "HEIGHT"
    assert (other.loc[height, "VSSTRESU"] == "in").all()
    assert (other.loc[~height, "VSSTRESU"] == "LB").all()
    factor = np.where(height, 2.54, 0.45359237)
    difference = np.abs(other["VSSTRESN"].to_numpy() * factor - metric["VSSTRESN"].to_numpy())
    assert (difference <= 0.05 + 0.05 * factor + 1e-9).all()


def test_options_drop_vs_and_dd_and_leave_the_rest(default, bare):
    assert "VS" not in bare and "DD" not in bare
    for domain in (*UNCHANGED, "AE", "CM"):
        pd.testing.assert_frame_equal(bare[domain], default[domain], check_like=False)
    with pytest.raises(ValueError, match="vitals"):
        SimulationOptions(vitals="stone")


def test_death_details_give_every_death_a_cause_consistent_with_the_course(default):
    dd, dm, ae = default["DD"], default["DM"], default["AE"]
    dead = dm[dm["DTHFL"] == "Y"].set_index("USUBJID")
    assert set(dd["USUBJID"]) == set(dead.index) and dd["USUBJID"].is_unique
    assert (dd["DDTESTCD"] == "PRCDTH").all() and (dd["DDTEST"] == "Primary Cause of Death").all()
    assert (dd["DDDTC"].to_numpy() == dead["DTHDTC"].reindex(dd["USUBJID"]).to_numpy()).all()
    fatal = ae[ae["AEOUT"] == "FATAL"].groupby("USUBJID")["AETERM"].first()
    rs, ds = default["RS"], default["DS"]
    progressed = set(rs.loc[rs["RSSTRESC"] == "PD", "USUBJID"])
    progressed |= set(ds.loc[ds["DSDECOD"] == "PROGRESSIVE DISEASE", "USUBJID"])
    cause = dd.set_index("USUBJID")["DDSTRESC"]
    for subject, text in cause.items():
        if subject in fatal.index:
            assert text == fatal[subject]
        else:
            assert text == ("DISEASE PROGRESSION" if subject in progressed else "UNKNOWN")
    assert len(fatal) and (cause == "DISEASE PROGRESSION").any()


def test_no_adverse_event_ends_after_the_death(default):
    # The bug of the bundled study (IRI-MBC-201-06-006, an AE ending 5 days after her death):
    # an event still going on at death ends on the death day and is not resolved.
    ae, dm = default["AE"], default["DM"].set_index("USUBJID")
    death = impute_date(dm["DTHDTC"], "last")["date"]
    ended = impute_date(ae["AEENDTC"], "first")["date"]
    assert not (ended > death.reindex(ae["USUBJID"]).to_numpy()).any()
    on_death_day = ended.to_numpy() == death.reindex(ae["USUBJID"]).to_numpy()
    not_fatal = (ae["AEOUT"] != "FATAL").to_numpy()
    assert (ae.loc[on_death_day & not_fatal, "AEOUT"] == "NOT RECOVERED/NOT RESOLVED").all()


def test_prior_regimens_have_a_setting_consistent_with_the_diagnosis(default):
    cm, mh = default["CM"], default["MH"]
    prior = cm[cm["CMCAT"] == "PRIOR ANTICANCER THERAPY"]
    assert set(prior["CMSCAT"]) == {"NEOADJUVANT", "ADJUVANT", "METASTATIC"}
    assert (cm.loc[cm["CMCAT"] != "PRIOR ANTICANCER THERAPY", "CMSCAT"] == "").all()
    # One setting per regimen; early disease only for the first, after the primary diagnosis.
    assert (prior.groupby(["USUBJID", "CMGRPID"])["CMSCAT"].nunique() == 1).all()
    early = prior[prior["CMSCAT"] != "METASTATIC"]
    assert (early["CMGRPID"] == "REGIMEN 1").all()
    diagnosis = mh[mh["MHCAT"] == "PRIMARY DIAGNOSIS"].set_index("USUBJID")["MHSTDTC"]
    latest_diagnosis = impute_date(diagnosis, "first")["date"]
    started = impute_date(early["CMSTDTC"], "last")["date"]
    assert (started.to_numpy() >= latest_diagnosis.reindex(early["USUBJID"]).to_numpy()).all()


def test_cli_options_for_vitals_and_death_details(tmp_path):
    result = subprocess.run(
        [
            *(sys.executable, "-m", "oncocsr", "simulate", "--quiet", "--subjects", "5"),
            *("--seed", "1", "--out", str(tmp_path), "--vitals", "none", "--no-dd"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    names = {path.stem for path in tmp_path.glob("*.xpt")}
    assert "dm" in names and not {"vs", "dd"} & names
