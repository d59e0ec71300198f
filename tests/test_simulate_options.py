"""Simulator options: each gives the shape it promises and leaves the rest of the study as it is;
same seed and options, same bytes."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from oncocsr.dates import to_date
from oncocsr.io import read_sdtm
from oncocsr.simulate import ARMS, SimulationOptions, run, simulate_study
from oncocsr.simulate.study import permuted_blocks

SEED = 11


def simulate_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", "simulate", "--quiet", *args],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def default():
    return simulate_study(200, seed=SEED)


@pytest.fixture(scope="module")
def randomised():
    return simulate_study(300, seed=SEED, options=SimulationOptions(arms=3))


def test_options_are_validated():
    for bad in ({"arms": 4}, {"grades": "meddra"}, {"ecog": "vs"}, {"file_format": "sas7bdat"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            SimulationOptions(**bad)
    result = simulate_cli("--subjects", "5", "--seed", "1", "--out", "x", "--arms", "4")
    assert result.returncode == 2 and "--arms" in result.stderr


@pytest.mark.parametrize("n_arms", [2, 3])
def test_permuted_blocks_hold_each_arm_twice(n_arms):
    allocation = permuted_blocks(np.random.default_rng(3), 10 * 2 * n_arms + 1, n_arms)
    blocks = allocation[:-1].reshape(-1, 2 * n_arms)
    assert (np.sort(blocks, axis=1) == np.repeat(np.arange(n_arms), 2)).all()
    # Not the same order in every block.
    assert len({tuple(block) for block in blocks}) > 1


def test_randomised_study_has_arms_and_randomisation_records(randomised):
    dm, ds = randomised["DM"].set_index("USUBJID"), randomised["DS"]
    codes = [arm.code for arm in ARMS]
    enrolled = dm["ARMCD"] != "SCRNFAIL"
    assert set(dm.loc[enrolled, "ARMCD"]) == set(codes)
    counts = dm.loc[enrolled, "ARMCD"].value_counts()
    assert counts.max() - counts.min() <= 2
    assert (
        dm["ARM"]
        == dm["ARMCD"].map({a.code: a.name for a in ARMS} | {"SCRNFAIL": "Screen Failure"})
    ).all()
    treated = dm["RFXSTDTC"] != ""
    assert (dm.loc[treated, "ACTARMCD"] == dm.loc[treated, "ARMCD"]).all()
    assert treated.sum() == 300
    assert set(dm.loc[enrolled & ~treated, "ACTARMCD"]) == {"NOTTRT"}
    assert set(dm.loc[~enrolled, "ACTARMCD"]) == {"SCRNFAIL"}

    randomized = ds[ds["DSDECOD"] == "RANDOMIZED"]
    assert (randomized["DSTERM"] == "RANDOMIZED").all()
    assert (randomized["DSCAT"] == "PROTOCOL MILESTONE").all()
    assert randomized["USUBJID"].is_unique
    assert set(randomized["USUBJID"]) == set(dm.index[enrolled])
    day = pd.Series(to_date(randomized["DSSTDTC"]).to_numpy(), index=randomized["USUBJID"])
    consent = to_date(dm["RFICDTC"]).reindex(day.index)
    first_dose = to_date(dm["RFXSTDTC"]).reindex(day.index)
    assert (day > consent).all()
    assert (day[first_dose.notna()] < first_dose.dropna()).all()
    withdrew = ds[ds["DSTERM"] == "WITHDREW CONSENT BEFORE FIRST DOSE"].set_index("USUBJID")
    assert (day[withdrew.index] <= to_date(withdrew["DSSTDTC"])).all()


def test_arms_receive_their_own_treatment_and_doses(randomised):
    ex = randomised["EX"].merge(randomised["DM"][["USUBJID", "ACTARMCD"]], on="USUBJID")
    for arm in ARMS:
        given = ex[ex["ACTARMCD"] == arm.code]
        assert set(given["EXTRT"]) == {arm.treatment}
        assert set(given["EXDOSE"]) == set(arm.dose_levels)
    placebo = ex[ex["ACTARMCD"] == "PBO"]
    assert (placebo["EXDOSE"] == 0).all() and (placebo["EXADJ"] == "").all()


def test_arms_differ_in_response_and_follow_up(randomised):
    dm = randomised["DM"].set_index("USUBJID")
    rs = randomised["RS"][randomised["RS"]["RSTESTCD"] == "OVRLRESP"]
    arm = rs["USUBJID"].map(dm["ACTARMCD"])
    responders = rs[rs["RSSTRESC"].isin(["CR", "PR"])].groupby(arm)["USUBJID"].nunique()
    assert responders["IRI180"] > responders["IRI120"] > responders.get("PBO", 0)
    # The PFS curves end at the last assessment: placebo subjects progress and stop much sooner.
    days = (to_date(rs["RSDTC"]) - to_date(rs["USUBJID"].map(dm["RFXSTDTC"]))).dt.days
    last = days.groupby(arm).max()
    assert last["PBO"] < last["IRI180"] - 90


def test_run_gives_the_truth_per_arm_of_a_randomised_study(tmp_path):
    meta = run(12, 3, tmp_path / "two", quiet=True, options=SimulationOptions(arms=2))
    assert set(meta["truth"]) == set(meta["parameters"]) == {"IRI180", "IRI120"}
    assert meta["arms"] == {"IRI180": "Irinotecan 180 mg/m2", "IRI120": "Irinotecan 120 mg/m2"}
    assert meta["truth"]["IRI120"]["confirmed_orr"] == 0.12
    assert (
        meta["truth"]["IRI120"]["median_pfs_months"] < meta["truth"]["IRI180"]["median_pfs_months"]
    )
    assert meta["parameters"]["IRI120"]["p_response"] == 0.12
    assert json.loads((tmp_path / "two" / "simulation.json").read_text())["options"]["arms"] == 2
    # One arm: the study's truth and parameters, as before.
    single = run(12, 3, tmp_path / "one", quiet=True)
    assert set(single["truth"]) == {"confirmed_orr", "median_pfs_months", "median_os_months"}
    assert single["parameters"]["p_response"] == 0.20 and "arms" not in single


def test_aesev_study_has_no_ctcae_grade(default, tmp_path):
    study = simulate_study(200, seed=SEED, options=SimulationOptions(grades="aesev"))
    assert "AETOXGR" not in study["AE"].columns
    assert set(study["AE"]["AESEV"]) == {"MILD", "MODERATE", "SEVERE"}
    pd.testing.assert_frame_equal(study["AE"], default["AE"].drop(columns="AETOXGR"))
    result = simulate_cli(
        "--subjects", "5", "--seed", "2", "--out", str(tmp_path), "--grades", "aesev"
    )
    assert result.returncode == 0, result.stderr
    assert "AETOXGR" not in read_sdtm(tmp_path / "ae.xpt").columns


def test_study_without_consent_dates(default):
    study = simulate_study(200, seed=SEED, options=SimulationOptions(consent=False))
    assert "RFICDTC" not in study["DM"].columns
    assert not (study["DS"]["DSDECOD"] == "INFORMED CONSENT OBTAINED").any()
    pd.testing.assert_frame_equal(study["DM"], default["DM"].drop(columns="RFICDTC"))
    kept = default["DS"][default["DS"]["DSDECOD"] != "INFORMED CONSENT OBTAINED"]
    pd.testing.assert_frame_equal(
        study["DS"].drop(columns="DSSEQ"), kept.drop(columns="DSSEQ").reset_index(drop=True)
    )


def test_irecist_responses_alongside_recist(default):
    study = simulate_study(200, seed=SEED, options=SimulationOptions(irecist=True))
    rs = study["RS"][study["RS"]["RSTESTCD"] == "OVRLRESP"]
    assert not rs.duplicated(["USUBJID", "RSSEQ"]).any()
    keys = ["USUBJID", "VISITNUM", "VISIT", "RSDTC"]
    recist = rs[rs["RSCAT"] == "RECIST 1.1"].set_index(keys)["RSSTRESC"]
    irecist = rs[rs["RSCAT"] == "iRECIST"].set_index(keys)["RSSTRESC"]
    assert irecist.index.is_unique and recist.index.is_unique
    assert sorted(irecist.index) == sorted(recist.index)
    pairs = pd.DataFrame({"recist": recist, "irecist": irecist.reindex(recist.index)})
    allowed = {"iCR", "iPR", "iSD", "NON-iCR/NON-iUPD", "iUPD", "iCPD", "NE"}
    assert set(pairs["irecist"]) <= allowed and {"iUPD", "iCPD"} <= set(pairs["irecist"])
    same = {"CR": "iCR", "PR": "iPR", "SD": "iSD", "NON-CR/NON-PD": "NON-iCR/NON-iUPD", "NE": "NE"}
    other = pairs[pairs["recist"] != "PD"]
    assert (other["irecist"] == other["recist"].map(same)).all()
    progressions = pairs[pairs["recist"] == "PD"].reset_index().sort_values(["USUBJID", "VISITNUM"])
    first = progressions.groupby("USUBJID").cumcount() == 0
    assert (progressions.loc[first, "irecist"] == "iUPD").all()
    assert (progressions.loc[~first, "irecist"] == "iCPD").all()
    # iCPD: a later assessment of the same subject confirms the iUPD.
    assert (
        progressions.groupby("USUBJID")["irecist"]
        .apply(list)
        .isin([["iUPD"], ["iUPD", "iCPD"]])
        .all()
    )
    # The confirmation scans are added; everything else is the study without iRECIST.
    base = default["RS"][default["RS"]["RSTESTCD"] == "OVRLRESP"].set_index(keys)["RSSTRESC"]
    assert recist.reindex(base.index).equals(base)
    assert len(recist) > len(base)
    for domain in ("DM", "DS", "EX", "AE", "CM", "SS"):
        pd.testing.assert_frame_equal(study[domain], default[domain])


@pytest.mark.parametrize("ecog", ["qs", "none"])
def test_ecog_in_qs_or_not_collected(default, ecog):
    study = simulate_study(200, seed=SEED, options=SimulationOptions(ecog=ecog))
    in_rs = default["RS"][default["RS"]["RSCAT"] == "ECOG"]
    assert not (study["RS"]["RSCAT"] == "ECOG").any()
    pd.testing.assert_frame_equal(
        study["RS"].drop(columns="RSSEQ"),
        default["RS"][default["RS"]["RSCAT"] != "ECOG"]
        .drop(columns="RSSEQ")
        .reset_index(drop=True),
    )
    if ecog == "none":
        assert "QS" not in study
        return
    qs = study["QS"]
    assert list(qs.columns) == [
        "STUDYID",
        "DOMAIN",
        "USUBJID",
        "QSSEQ",
        "QSTESTCD",
        "QSTEST",
        "QSCAT",
        "QSORRES",
        "QSSTRESC",
        "QSSTRESN",
        "VISITNUM",
        "VISIT",
        "EPOCH",
        "QSDTC",
        "QSDY",
    ]
    assert (qs["DOMAIN"] == "QS").all() and (qs["QSSEQ"] == 1).all()
    assert (qs["QSTESTCD"] == "ECOG101").all() and (qs["QSCAT"] == "ECOG").all()
    assert (qs["QSTEST"] == "ECOG01-Performance Status").all()
    assert (qs["VISIT"] == "SCREENING").all()
    assert set(qs["QSORRES"]) == {"0", "1"} and (qs["QSSTRESC"] == qs["QSORRES"]).all()
    assert (qs["QSSTRESN"] == qs["QSORRES"].astype(float)).all()
    assert qs["USUBJID"].tolist() == in_rs["USUBJID"].tolist()
    assert qs["QSORRES"].tolist() == in_rs["RSORRES"].tolist()
    assert qs["QSDTC"].tolist() == in_rs["RSDTC"].tolist()


def test_same_seed_and_options_same_bytes(tmp_path):
    flags = ["--arms", "3", "--irecist", "--ecog", "qs", "--grades", "aesev", "--no-consent"]
    for name in ("a", "b"):
        result = simulate_cli(
            "--subjects", "20", "--seed", "5", "--out", str(tmp_path / name), *flags
        )
        assert result.returncode == 0, result.stderr
    files = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert {"qs.xpt", "ss.xpt", "simulation.json"} <= set(files)
    assert files == sorted(path.name for path in (tmp_path / "b").iterdir())
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
