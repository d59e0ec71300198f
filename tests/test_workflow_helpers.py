"""The workflow's helpers (oncocsr.workflow), which rules/common.smk wires."""

from __future__ import annotations

import pytest

from oncocsr.workflow import SnapshotError, check_required_domains, select_settings, snapshot_files


def test_select_settings_keeps_only_what_a_rule_uses():
    settings = {
        "response": {"criterion": "RECIST 1.1", "terms": {}, "sd_min_days": 42},
        "baseline": {"ecog": {"domain": "RS"}, "characteristics": [{"variable": "SEX"}]},
        "design": None,
    }
    selected = select_settings(settings, ["response.criterion", "baseline.ecog", "design"])
    assert selected == {
        "response": {"criterion": "RECIST 1.1"},
        "baseline": {"ecog": {"domain": "RS"}},
        "design": None,
    }


def test_a_snapshot_without_a_required_domain_stops_before_any_job(tmp_path):
    for name in ("dm.xpt", "ds.csv", "ex.parquet", "notes.txt"):
        (tmp_path / name).write_text("x")
    files = snapshot_files(tmp_path, "c")
    assert sorted(files) == ["dm", "ds", "ex"]
    with pytest.raises(SnapshotError, match=r"has no RS file \(RS: tumour response"):
        check_required_domains(files, tmp_path, "c")
    (tmp_path / "rs.csv").write_text("x")
    (tmp_path / "RS.xpt").write_text("x")
    with pytest.raises(SnapshotError, match="domain RS is in two files"):
        snapshot_files(tmp_path, "c")
