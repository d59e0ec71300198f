"""The simulator: determinism, SDTM shape, RECIST consistency, realistic mess, documented truth,
DM reference dates. Options are tested in test_simulate_options.py, CSV output in
test_simulate_csv.py, survival follow-up (SS) in test_simulate_followup.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocsr.dates import parse_iso8601, to_date
from oncocsr.io import read_sdtm
from oncocsr.simulate import SimulationOptions, simulate_study, study_dates, true_parameters

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "sdtm" / "2016-11-27"


def simulate_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", "simulate", *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def study():
    return simulate_study(400, seed=11)


@pytest.fixture(scope="module")
def irecist_study():
    return simulate_study(400, seed=11, options=SimulationOptions(irecist=True))


def test_same_seed_same_data_other_seed_other_data(study):
    again = simulate_study(400, seed=11)
    for domain, frame in study.items():
        pd.testing.assert_frame_equal(frame, again[domain])
    assert not simulate_study(400, seed=12)["RS"].equals(study["RS"])


def test_bundled_snapshot_is_reproduced_by_the_simulator(tmp_path):
    meta = json.loads((BUNDLED / "simulation.json").read_text())
    result = simulate_cli(
        "--subjects",
        str(meta["treated_subjects"]),
        "--seed",
        str(meta["seed"]),
        "--out",
        str(tmp_path),
    )
    assert "simulate: 43/43 treated subjects" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in BUNDLED.iterdir())
    for path in sorted(BUNDLED.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_domains_keys_and_subject_counts(study):
    subject_level = {"AE", "CM", "DD", "DM", "DS", "EX", "MH", "RS", "SS", "SUPPDM", "SV", "TR"}
    subject_level |= {"TU", "VS"}
    assert set(study) == subject_level | {"TA", "TE", "TS", "TV"}
    dm = study["DM"]
    assert (dm["ACTARMCD"] == "IRI180").sum() == 400
    assert (dm["ACTARMCD"] == "SCRNFAIL").sum() > 0 and (dm["ACTARMCD"] == "NOTTRT").sum() > 0
    for domain in subject_level:
        frame = study[domain]
        # DM, SUPPDM and SV have no sequence number (SV's key is the visit).
        if domain not in ("DM", "SUPPDM", "SV"):
            assert not frame.duplicated(["USUBJID", f"{domain}SEQ"]).any(), domain
        assert set(frame["USUBJID"]) <= set(dm["USUBJID"]), domain
    assert not study["SV"].duplicated(["USUBJID", "VISITNUM"]).any()


@pytest.mark.parametrize("name", ["study", "irecist_study"])
def test_overall_response_follows_recist_thresholds_of_the_measurements(name, request):
    # Independent of the simulator's code path: rebuild each visit's finding from TR and TU.
    # With iRECIST, the confirmation scans after a progression are RECIST 1.1 records too.
    study = request.getfixturevalue(name)
    tr, tu, rs = study["TR"], study["TU"], study["RS"]
    rs = rs[rs["RSCAT"] == "RECIST 1.1"]
    sums = tr[tr["TRTESTCD"] == "SUMDIAM"][["USUBJID", "VISITNUM", "TRSTRESN"]]
    base = sums[sums["VISITNUM"] == 1].set_index("USUBJID")["TRSTRESN"]
    sums = sums.sort_values(["USUBJID", "VISITNUM"])
    sums["nadir"] = sums.groupby("USUBJID")["TRSTRESN"].transform(lambda s: s.cummin().shift())
    new = set(
        zip(
            tu.loc[tu["TUSTRESC"] == "NEW", "USUBJID"],
            tu.loc[tu["TUSTRESC"] == "NEW", "VISITNUM"],
            strict=True,
        )
    )
    nt_pd = tr[tr["TRSTRESC"] == "UNEQUIVOCAL PROGRESSION"]
    nt_pd = set(zip(nt_pd["USUBJID"], nt_pd["VISITNUM"], strict=True))
    overall = rs[rs["RSTESTCD"] == "OVRLRESP"].merge(sums, on=["USUBJID", "VISITNUM"], how="left")
    for row in overall.itertuples():
        key = (row.USUBJID, row.VISITNUM)
        if row.RSSTRESC == "NE":
            assert np.isnan(row.TRSTRESN)
            continue
        change = (row.TRSTRESN - base[row.USUBJID]) / base[row.USUBJID]
        target_pd = row.TRSTRESN >= 1.2 * row.nadir and row.TRSTRESN - row.nadir >= 5
        if row.RSSTRESC == "PD":
            assert target_pd or key in new or key in nt_pd
        else:
            assert not target_pd and key not in new and key not in nt_pd
            if row.RSSTRESC == "PR":
                assert change <= -0.30 or row.TRSTRESN == 0
            if row.RSSTRESC == "SD":
                assert change > -0.30


def test_study_has_the_mess_of_real_trials(study):
    rs = study["RS"][study["RS"]["RSTESTCD"] == "OVRLRESP"]
    assert (rs["RSSTRESC"] == "NE").any()
    assert (parse_iso8601(rs["RSDTC"])["precision"] == "month").any()
    assert (parse_iso8601(study["AE"]["AESTDTC"])["precision"] == "month").any()
    assert (parse_iso8601(study["DM"]["DTHDTC"])["precision"] == "month").any()
    # Missed visits: a gap of more than 70 days between consecutive scans of a subject.
    dates = rs.assign(d=to_date(rs["RSDTC"])).dropna(subset=["d"]).sort_values(["USUBJID", "d"])
    assert (dates.groupby("USUBJID")["d"].diff().dt.days > 70).any()
    ds = study["DS"]
    assert {
        "ADVERSE EVENT",
        "WITHDRAWAL BY SUBJECT",
        "DEATH",
        "PROGRESSIVE DISEASE",
        "SCREEN FAILURE",
    } <= set(ds["DSDECOD"])
    assert (ds["DSTERM"] == "CLINICAL PROGRESSION").any()
    # Deaths without any progression recorded, and new therapy before progression.
    progressed = set(rs.loc[rs["RSSTRESC"] == "PD", "USUBJID"]) | set(
        ds.loc[ds["DSDECOD"] == "PROGRESSIVE DISEASE", "USUBJID"]
    )
    dead = set(study["DM"].loc[study["DM"]["DTHFL"] == "Y", "USUBJID"])
    assert dead - progressed
    cm = study["CM"]
    later = cm[cm["CMCAT"] == "SUBSEQUENT ANTICANCER THERAPY"]
    started = later.assign(d=to_date(later["CMSTDTC"])).groupby("USUBJID")["d"].min()
    pd_dates = (
        pd.concat(
            [
                rs.loc[rs["RSSTRESC"] == "PD"].assign(d=to_date(rs["RSDTC"]))[["USUBJID", "d"]],
                ds.loc[ds["DSDECOD"] == "PROGRESSIVE DISEASE"].assign(d=to_date(ds["DSSTDTC"]))[
                    ["USUBJID", "d"]
                ],
            ]
        )
        .groupby("USUBJID")["d"]
        .min()
    )
    first_pd = pd_dates.reindex(started.index)
    assert (first_pd.isna() | (started < first_pd)).any()
    ex = study["EX"]
    assert (ex["EXDOSE"] < 180).any() and (ex["EXADJ"] == "ADVERSE EVENT").any()
    assert {"Diarrhoea", "Neutrophil count decreased", "Febrile neutropenia"} <= set(
        study["AE"]["AEDECOD"]
    )


def test_documented_truth_is_close_to_the_protocol_assumptions():
    truth = true_parameters()
    assert truth["confirmed_orr"] == 0.20
    assert 3.3 <= truth["median_pfs_months"] <= 3.7
    assert 10.5 <= truth["median_os_months"] <= 11.5


def test_cli_refuses_a_study_without_subjects(tmp_path):
    result = simulate_cli("--subjects", "0", "--seed", "1", "--out", str(tmp_path))
    assert result.returncode == 2 and "--subjects" in result.stderr
    assert not any(tmp_path.iterdir())


def test_written_files_read_back_as_sdtm(tmp_path):
    result = simulate_cli("--subjects", "5", "--seed", "3", "--out", str(tmp_path), "--quiet")
    assert result.returncode == 0 and result.stderr == ""
    dm = read_sdtm(tmp_path / "dm.xpt")
    assert dm["USUBJID"].is_unique and (dm["DOMAIN"] == "DM").all()
    header = (tmp_path / "dm.xpt").read_bytes()[:80]
    assert header.startswith(b"HEADER RECORD*******LIBRARY HEADER RECORD")


def test_dm_reference_end_is_the_last_dose_and_end_of_participation_the_extract(study):
    # SAP section 5 counts RFENDTC as a date known alive, never RFPENDTC: RFENDTC must not be
    # the extraction date of subjects still on study.
    dm, ds = study["DM"].set_index("USUBJID"), study["DS"]
    treated = dm["ACTARMCD"] == "IRI180"
    last_dose = study["EX"].groupby("USUBJID")["EXSTDTC"].max().str[:10]
    assert (dm.loc[treated, "RFENDTC"] == dm.loc[treated, "RFXENDTC"]).all()
    assert (dm.loc[treated, "RFXENDTC"] == last_dose.reindex(dm.index[treated])).all()
    # End of participation: the (full) date of death or withdrawal of those who left, the
    # snapshot date for the others.
    left = ds[ds["DSSCAT"] == "END OF STUDY"].set_index("USUBJID")["DSSTDTC"].reindex(dm.index)
    gone = left.notna()
    pendtc = dm.loc[gone, "RFPENDTC"]
    assert [a.startswith(b) for a, b in zip(pendtc, left[gone], strict=True)] == [True] * gone.sum()
    assert (dm.loc[~gone, "RFPENDTC"] == study_dates()["snapshot"]).all() and (~gone).sum() > 50
    assert (dm.loc[~treated, "RFENDTC"] == left[~treated]).all()
    assert (dm.loc[~treated, "RFPENDTC"] == left[~treated]).all()
