"""SDTMIG 3.4 conformance checks (oncocsr.sdtmigchecks): each fires on a crafted bad frame, naming
file, variable, subject, sequence number and value, and stays quiet on the good one; through
ingestion and the cross-checks they reach any snapshot, the simulated one (quiet) and the same
data without the SDTMIG variables (what the CDISC CORE engine reported before issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from oncocsr.crosschecks import has_errors
from oncocsr.ingest import apply_data_cut, check_snapshot
from oncocsr.sdtmigchecks import conformance_findings, cross_conformance_findings
from oncocsr.simulate import run as simulate

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas" / "sdtm"
CUTOFF = "2016-10-13"
NEW_IDS = {
    "SDTM.EPOCH.MISSING",
    "SDTM.DY.MISSING",
    "SDTM.DY.INCONSISTENT",
    "SDTM.TRIAL_DESIGN.MISSING",
    "AE.AESOC.MISSING",
    "AE.SERIOUS.NO_CRITERION",
}


def ae_frame(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "STUDYID": "S",
            "DOMAIN": "AE",
            "USUBJID": ["S-1", "S-1", "S-2"],
            "AESEQ": [1.0, 2.0, 1.0],
            "AETERM": ["NAUSEA", "SEPSIS", "FEVER"],
            "AEDECOD": ["Nausea", "Sepsis", "Pyrexia"],
            "AEBODSYS": ["Gastrointestinal disorders", "Infections", "General disorders"],
            "AESOC": ["Gastrointestinal disorders", "Infections", "General disorders"],
            "AESER": ["N", "Y", "Y"],
            "AESDTH": ["N", "Y", "N"],
            "AESHOSP": ["N", "N", "Y"],
            "EPOCH": "TREATMENT",
            "AESTDTC": ["2016-01-01", "2016-01-10", "2015-12-31"],
            "AESTDY": [1.0, 10.0, -1.0],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


DM = pd.DataFrame(
    {"USUBJID": ["S-1", "S-2"], "RFSTDTC": ["2016-01-01", "2016-01-01T09:30"]},
)


def ids(found: pd.DataFrame) -> set[str]:
    return set(found["id"])


def test_good_frames_give_no_finding():
    assert conformance_findings(ae_frame(), "AE", "ae.xpt").empty
    assert cross_conformance_findings(
        {"DM": DM, "AE": ae_frame(), **{name: pd.DataFrame() for name in "TS TA TE TV SV".split()}},
        {"AE": "ae.xpt"},
        [],
    ).empty


def test_missing_epoch_and_study_day_variables():
    found = conformance_findings(ae_frame().drop(columns=["EPOCH", "AESTDY"]), "AE", "ae.xpt")
    epoch = found[found["id"] == "SDTM.EPOCH.MISSING"]
    day = found[found["id"] == "SDTM.DY.MISSING"]
    assert epoch[["severity", "file", "variable"]].values.tolist() == [
        ["warning", "ae.xpt", "EPOCH"]
    ]
    assert day[["severity", "variable"]].values.tolist() == [["info", "AESTDY"]]
    # MH records history before the study: no EPOCH expected, and no MHSTDY (SDTMIG 3.4 MH).
    mh = pd.DataFrame({"USUBJID": ["S-1"], "MHSEQ": [1.0], "MHSTDTC": ["2010"]})
    assert conformance_findings(mh, "MH", "mh.xpt").empty


def test_study_day_inconsistent_with_its_date_and_rfstdtc():
    # Day 0 does not exist: the day before RFSTDTC is -1, RFSTDTC itself day 1; a datetime
    # reference counts by its date.
    ae = ae_frame(AESTDY=[1.0, 9.0, 0.0])
    found = cross_conformance_findings({"DM": DM, "AE": ae}, {"AE": "ae.xpt"}, [])
    wrong = found[found["id"] == "SDTM.DY.INCONSISTENT"]
    assert set(wrong["severity"]) == {"warning"} and set(wrong["file"]) == {"ae.xpt"}
    assert wrong[["usubjid", "seq", "variable"]].values.tolist() == [
        ["S-1", "2", "AESTDY"],
        ["S-2", "1", "AESTDY"],
    ]
    assert wrong["value"].tolist() == [
        "AESTDY=9 (AESTDTC=2016-01-10, RFSTDTC=2016-01-01: expected 10)",
        "AESTDY=0 (AESTDTC=2015-12-31, RFSTDTC=2016-01-01: expected -1)",
    ]
    # A missing day where the date is full is wrong; a partial date or no RFSTDTC is not checked.
    ae = ae_frame(AESTDY=[np.nan, 10.0, 5.0], AESTDTC=["2016-01-01", "2016-01", "2015-12-31"])
    dm = DM.assign(RFSTDTC=["2016-01-01", ""])
    found = cross_conformance_findings({"DM": dm, "AE": ae}, {"AE": "ae.xpt"}, [])
    wrong = found[found["id"] == "SDTM.DY.INCONSISTENT"]
    assert wrong["value"].tolist() == [
        "AESTDY=missing (AESTDTC=2016-01-01, RFSTDTC=2016-01-01: expected 1)"
    ]


def test_serious_event_without_a_criterion():
    ae = ae_frame(AESHOSP=["N", "N", "N"])
    found = conformance_findings(ae, "AE", "ae.xpt")
    hit = found[found["id"] == "AE.SERIOUS.NO_CRITERION"]
    assert hit[["severity", "usubjid", "seq", "variable", "value"]].values.tolist() == [
        ["warning", "S-2", "1", "AESER", "Y"]
    ]
    # Any criterion counts, legacy ones (AESCAN, AESOD) too; lower case is read as Y.
    assert conformance_findings(ae.assign(AESOD=["", "", "y"]), "AE", "ae.xpt").empty
    assert ids(conformance_findings(ae.drop(columns=["AESDTH", "AESHOSP"]), "AE", "ae.xpt")) == {
        "AE.SERIOUS.NO_CRITERION"
    }


def test_primary_soc_missing():
    found = conformance_findings(ae_frame().drop(columns="AESOC"), "AE", "ae.xpt")
    assert found[["id", "severity", "variable", "usubjid"]].values.tolist() == [
        ["AE.AESOC.MISSING", "warning", "AESOC", ""]
    ]
    found = conformance_findings(ae_frame(AESOC=["", "Infections", ""]), "AE", "ae.xpt")
    assert found["usubjid"].tolist() == ["S-1", "S-2"]
    assert set(found["id"]) == {"AE.AESOC.MISSING"}


def test_numeric_result_without_stresn():
    rs = pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-1", "S-2", "S-2"],
            "RSSEQ": [1.0, 2.0, 1.0, 2.0],
            "RSSTRESC": ["1", "PR", "0", "-2.5e1"],
            "RSSTRESN": [1.0, np.nan, np.nan, np.nan],
            "RSDTC": "2016-01-01",
            "RSDY": 1.0,
            "EPOCH": "SCREENING",
        }
    )
    found = conformance_findings(rs, "RS", "rs.xpt")
    assert found[["id", "severity", "usubjid", "seq", "variable", "value"]].values.tolist() == [
        ["RS.STRESN.MISSING", "warning", "S-2", "1", "RSSTRESN", "0"],
        ["RS.STRESN.MISSING", "warning", "S-2", "2", "RSSTRESN", "-2.5e1"],
    ]
    # Without the variable every numeric result is reported; any findings domain is checked.
    assert len(conformance_findings(rs.drop(columns="RSSTRESN"), "RS", "rs.xpt")) == 3
    tr = rs.rename(columns=lambda c: c.replace("RS", "TR"))
    assert ids(conformance_findings(tr, "TR", "tr.xpt")) == {"TR.STRESN.MISSING"}
    assert conformance_findings(rs.assign(RSSTRESN=[1.0, np.nan, 0.0, -25.0]), "RS", "").empty


def test_relative_timing_without_its_reference_time_point():
    mh = pd.DataFrame(
        {
            "USUBJID": ["S-1", "S-2", "S-2"],
            "MHSEQ": [1.0, 1.0, 2.0],
            "MHENRTPT": ["ONGOING", "ONGOING", ""],
            "MHENTPT": ["SCREENING", "", ""],
            "MHSTRTPT": ["BEFORE", "", ""],
        }
    )
    found = conformance_findings(mh, "MH", "mh.xpt")
    assert found[["id", "severity", "usubjid", "variable", "value"]].values.tolist() == [
        ["MH.ENRTPT.NO_ENTPT", "warning", "S-2", "MHENTPT", "ONGOING"],
        ["MH.STRTPT.NO_STTPT", "warning", "S-1", "MHSTTPT", "BEFORE"],
    ]
    assert conformance_findings(mh.assign(MHSTTPT="SCREENING", MHENTPT="SCREENING"), "MH", "").empty


def test_trial_design_domains_missing_are_named():
    found = cross_conformance_findings({"DM": DM, "TA": pd.DataFrame()}, {}, ["sdtm/tv.xpt"])
    design = found[found["id"] == "SDTM.TRIAL_DESIGN.MISSING"]
    # TS is what a regulator cannot do without: a warning; the others are info.
    assert design[["value", "severity"]].values.tolist() == [
        ["TS", "warning"],
        ["TE", "info"],
        ["SV", "info"],
    ]


def test_data_cut_blanks_the_study_day_of_an_end_after_the_cutoff():
    ae = ae_frame(AEENDTC=["2016-01-05", "2017-01-01", ""], AEENDY=[5.0, 367.0, np.nan])
    cut = apply_data_cut(ae, "AE", "2016-06-30")
    assert cut["AEENDTC"].tolist() == ["2016-01-05", "", ""]
    np.testing.assert_array_equal(cut["AEENDY"], [5.0, np.nan, np.nan])


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sdtm")
    simulate(25, 3, folder, quiet=True)
    (folder / "simulation.json").unlink()
    return folder


def test_simulated_snapshot_passes_every_conformance_check(snapshot):
    domains, found = check_snapshot(snapshot, CUTOFF, SCHEMAS)
    assert {"TS", "TA", "TE", "TV", "SV"} <= set(domains)
    assert not has_errors(found)
    assert not ids(found) & NEW_IDS
    assert not found["id"].str.contains(r"STRESN\.MISSING|\.NO_(?:EN|ST)TPT$").any()
    assert not (found["id"] == "FILE.UNKNOWN_DOMAIN").any()


def test_the_snapshot_without_its_sdtmig_variables_is_reported_as_core_did(snapshot, tmp_path):
    # The shape of the bundled snapshot before issue 14: no EPOCH in CM, RS, TR, TU (and SS), no
    # study days, no AESOC or seriousness criteria, no RSSTRESN or MHENTPT, no trial design.
    folder = tmp_path / "sdtm"
    shutil.copytree(snapshot, folder)
    for name in ("ts", "ta", "te", "tv", "sv"):
        (folder / f"{name}.xpt").unlink()
    drop = {
        "ae": ["AESOC", "AESCONG", "AESDISAB", "AESHOSP", "AESLIFE", "AESMIE", "AESTDY", "AEENDY"],
        "cm": ["EPOCH", "CMSTDY", "CMENDY"],
        "rs": ["EPOCH", "RSSTRESN", "RSDY"],
        "mh": ["MHENTPT"],
        "tr": ["EPOCH", "TRDY"],
    }
    for name, columns in drop.items():
        frame, _ = pyreadstat.read_xport(str(folder / f"{name}.xpt"))
        pyreadstat.write_xport(
            frame.drop(columns=columns),
            str(folder / f"{name}.xpt"),
            file_format_version=5,
            table_name=name.upper(),
        )
    _, found = check_snapshot(folder, CUTOFF, SCHEMAS)
    assert not has_errors(found)
    epoch = found[found["id"] == "SDTM.EPOCH.MISSING"]
    assert sorted(Path(path).name for path in epoch["file"]) == ["cm.xpt", "rs.xpt", "tr.xpt"]
    days = found[found["id"] == "SDTM.DY.MISSING"]
    assert sorted(days["variable"]) == ["AEENDY", "AESTDY", "CMENDY", "CMSTDY", "RSDY", "TRDY"]
    assert (found["id"] == "AE.AESOC.MISSING").sum() == 1
    ae, _ = pyreadstat.read_xport(str(snapshot / "ae.xpt"))
    serious = found[found["id"] == "AE.SERIOUS.NO_CRITERION"]
    assert len(serious) == ((ae["AESER"] == "Y") & (ae["AESDTH"] != "Y")).sum() > 0
    rs, _ = pyreadstat.read_xport(str(snapshot / "rs.xpt"))
    assert (found["id"] == "RS.STRESN.MISSING").sum() == (rs["RSCAT"] == "ECOG").sum() > 0
    mh, _ = pyreadstat.read_xport(str(snapshot / "mh.xpt"))
    assert (found["id"] == "MH.ENRTPT.NO_ENTPT").sum() == len(mh)
    design = found[found["id"] == "SDTM.TRIAL_DESIGN.MISSING"]
    assert sorted(design["value"]) == ["SV", "TA", "TE", "TS", "TV"]
