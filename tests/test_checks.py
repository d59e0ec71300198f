"""SDTM data checks: each kind of fault fires its check id with subject, sequence and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oncocsr.checks import check_domain, format_finding, load_spec
from oncocsr.io import read_sdtm

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "data" / "sdtm" / "2016-11-27"


def findings(domain: str, frame: pd.DataFrame) -> list[dict]:
    return check_domain(
        frame,
        load_spec(ROOT / "schemas" / "sdtm" / f"{domain.lower()}.yaml"),
        f"{domain.lower()}.xpt",
    )


@pytest.mark.parametrize("domain", ["dm", "suppdm", "ds", "ex", "ae", "rs", "tu", "tr", "cm", "mh"])
def test_bundled_snapshot_passes(domain):
    assert findings(domain.upper(), read_sdtm(SNAPSHOT / f"{domain}.xpt")) == []


@pytest.fixture
def rs():
    return read_sdtm(SNAPSHOT / "rs.xpt")


def only(found: list[dict], check_id: str) -> dict:
    hits = [f for f in found if f["id"] == check_id]
    assert len(hits) == 1, found
    return hits[0]


def test_invalid_controlled_term_names_subject_seq_and_value(rs):
    row = rs.index[rs["RSTESTCD"] == "OVRLRESP"][0]
    rs.loc[row, "RSSTRESC"] = "pr"
    hit = only(findings("RS", rs), "RS.RSSTRESC.OVRLRESP")
    assert (hit["usubjid"], hit["seq"], hit["value"], hit["severity"]) == (
        rs.loc[row, "USUBJID"],
        f"{rs.loc[row, 'RSSEQ']:g}",
        "pr",
        "error",
    )
    assert "rs.xpt: RSSTRESC" in format_finding(hit)


def test_missing_required_column(rs):
    assert only(findings("RS", rs.drop(columns=["RSDTC"])), "RS.REQUIRED")["variable"] == "RSDTC"


def test_duplicate_key(rs):
    duplicated = pd.concat([rs, rs.iloc[[3]]], ignore_index=True)
    assert only(findings("RS", duplicated), "RS.KEY.DUPLICATE")["usubjid"] == rs.loc[3, "USUBJID"]


def test_blank_subject_and_non_iso_date(rs):
    rs.loc[0, "USUBJID"] = " "
    rs.loc[1, "RSDTC"] = "12/03/2015"
    found = findings("RS", rs)
    assert only(found, "RS.USUBJID.BLANK")["seq"] == f"{rs.loc[0, 'RSSEQ']:g}"
    assert only(found, "RS.RSDTC.ISO8601")["value"] == "12/03/2015"


def test_wrong_type_and_implausible_value_severity():
    dm = read_sdtm(SNAPSHOT / "dm.xpt")
    dm.loc[0, "AGE"] = 7
    assert only(findings("DM", dm), "DM.AGE.RANGE")["severity"] == "warning"
    dm["AGE"] = dm["AGE"].astype(str)
    assert only(findings("DM", dm), "DM.AGE.TYPE")["severity"] == "error"
