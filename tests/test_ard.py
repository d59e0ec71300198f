"""ARD identifiers and subgroup rows."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocsr.ard import result_id
from oncocsr.subgroups import subgroup_ard


def test_result_ids_are_stable_and_keep_signs():
    assert (
        result_id("ORR-FAS", "Irinotecan 180 mg/m2", "CRSP", "estimate")
        == "ORR-FAS:IRINOTECAN_180_MG_M2:CRSP:estimate"
    )
    ids = {result_id("SUBGROUP", "Total", f"AGEGR1={level}", "n") for level in ("<50", ">=50")}
    ids |= {result_id("SUBGROUP", "Total", f"SUBTYPE={level}", "n") for level in ("HER2+", "HER2-")}
    assert len(ids) == 4


def test_subgroup_orr_and_pfs():
    adsl = pd.DataFrame(
        {"USUBJID": list("ABCD"), "FASFL": "Y", "ACTARM": "X", "AGEGR1": ["<50", "<50", ">=50", ""]}
    )
    adrs = pd.DataFrame(
        {
            "USUBJID": list("ABCD"),
            "PARAMCD": "CBOR",
            "FASFL": "Y",
            "AVALC": ["PR", "SD", "CR", "PR"],
        }
    )
    adtte = pd.DataFrame(
        {
            "USUBJID": list("ABCD"),
            "PARAMCD": "PFS",
            "FASFL": "Y",
            "AVAL": [30.4375, 60.875, 91.3125, 10.0],
            "CNSR": [0, 0, 1, 0],
        }
    )
    subgroups = [{"variable": "AGEGR1", "label": "Age group"}]
    rows = subgroup_ard(
        adrs,
        adtte,
        adsl,
        subgroups=subgroups,
        conf_level=0.95,
        convention="sas",
        input_sha256="x",
    )
    value = rows.set_index("result_id")["stat_value"]
    # <50: A responds, B does not: 1/2; PFS events at 1 and 2 months: S = 0.5 on [1, 2), median 1.5.
    assert value["SUBGROUP:X:AGEGR1_LT_50:orr"] == 0.5
    assert value["SUBGROUP:X:AGEGR1_LT_50:pfs_median"] == pytest.approx(1.5)
    assert value["SUBGROUP:X:AGEGR1_GE_50:N"] == 1
    assert not rows["variable"].str.endswith("=").any()  # a blank level is not a subgroup
