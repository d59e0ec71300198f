"""Accepted findings: a waiver accepts the error findings it names, and one that matches
nothing is itself an error (README, accepted findings)."""

from __future__ import annotations

import pandas as pd
import pytest

from oncocsr.findings import COLUMNS
from oncocsr.waivers import WaiverError, apply_waivers, describe, read_waivers


def findings() -> pd.DataFrame:
    rows = [
        ("RS.RSSTRESC.OVRLRESP", "error", "rs.xpt", "RSSTRESC", "S1", "12", "CHECK", "m"),
        ("RS.RSSTRESC.OVRLRESP", "error", "rs.xpt", "RSSTRESC", "S1", "13", "CHECK", "m"),
        ("RS.RSSTRESC.OVRLRESP", "error", "rs.xpt", "RSSTRESC", "S2", "4", "CHECK", "m"),
        ("DS.DSSPID.WHITESPACE", "warning", "ds.xpt", "DSSPID", "S2", "1", " x", "m"),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_waivers_accept_the_errors_they_name(tmp_path):
    path = tmp_path / "primary.yaml"
    path.write_text(
        "- {check: RS.RSSTRESC.OVRLRESP, subject: S1, reason: no scan, by: A. Manager}\n"
        "- {check: RS.RSSTRESC.OVRLRESP, subject: S2, seq: 4, value: CHECK, reason: r, by: B}\n"
        "- {check: DS.DSSPID.WHITESPACE, reason: warnings need no waiver, by: C}\n",
        encoding="utf-8",
    )
    waived, applied = apply_waivers(findings(), read_waivers(path))
    assert waived["waived"].tolist() == [
        "waived: no scan (A. Manager)",
        "waived: no scan (A. Manager)",
        "waived: r (B)",
        "",
    ]
    # A waiver only accepts errors: the one of a warning matches nothing.
    assert [waiver["matched"] for waiver in applied] == [2, 1, 0]
    assert describe(applied[1]) == "RS.RSSTRESC.OVRLRESP (subject=S2, seq=4, value=CHECK)"


def test_no_file_no_waivers_and_malformed_waivers_are_refused(tmp_path):
    assert read_waivers(tmp_path / "absent.yaml") == [] and read_waivers(None) == []
    path = tmp_path / "bad.yaml"
    path.write_text("- {check: X, subject: S1}\n", encoding="utf-8")
    with pytest.raises(WaiverError, match="missing reason, by"):
        read_waivers(path)
    path.write_text("- {check: X, reason: r, by: b, patient: S1}\n", encoding="utf-8")
    with pytest.raises(WaiverError, match="unknown keys patient"):
        read_waivers(path)
    path.write_text("check: X\n", encoding="utf-8")
    with pytest.raises(WaiverError, match="a list of waivers"):
        read_waivers(path)
