"""Foreign SDTM: the pharmaverse oncology example gets through ingestion and the data checks,
and what the checks report about it is true of that data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from oncocsr.crosschecks import has_errors
from oncocsr.ingest import check_snapshot

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "examples" / "pharmaverse.yaml"
CONFIG = yaml.safe_load(EXAMPLE.read_text())
SNAPSHOT = (ROOT / CONFIG["cuts"]["pharmaverse"]["snapshot"]).resolve()
pytestmark = pytest.mark.skipif(
    not SNAPSHOT.is_dir(), reason=f"shared external data not beside the repository: {SNAPSHOT}"
)


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    return check_snapshot(
        SNAPSHOT, CONFIG["cuts"]["pharmaverse"]["cutoff"], ROOT / "schemas" / "sdtm"
    )[1]


def raw(domain: str) -> pd.DataFrame:
    frame, _ = pyreadstat.read_xport(str(SNAPSHOT / f"{domain}.xpt"))
    return frame


def test_no_errors_and_only_the_expected_kinds_of_finding(findings):
    assert not has_errors(findings)
    assert set(findings["id"]) == {
        "AE.AEACN.TYPE",
        "DM.RFICDTC.TYPE",
        "SUPPDM.IDVAR.TYPE",
        "SUPPDM.IDVARVAL.TYPE",
        "DS.DSSPID.WHITESPACE",
        "CROSS.NO_CONSENT",
        "AE.AESTDTC.PARTIAL",
        "RS.RSDTC.PARTIAL",
        "TR.TRDTC.PARTIAL",
    }


def test_character_variables_stored_as_empty_numeric_columns_are_true(findings):
    # In the transport files these character variables are numeric columns with no values.
    for domain, variable in [
        ("ae", "AEACN"),
        ("dm", "RFICDTC"),
        ("suppdm", "IDVAR"),
        ("suppdm", "IDVARVAL"),
    ]:
        column = raw(domain)[variable]
        assert pd.api.types.is_float_dtype(column) and column.isna().all()


def test_no_consent_date_is_true_for_every_subject(findings):
    ds = raw("ds")
    assert "INFORMED CONSENT OBTAINED" not in set(ds["DSDECOD"])
    assert (findings["id"] == "CROSS.NO_CONSENT").sum() == len(raw("dm"))


def test_padded_and_partial_values_are_true(findings):
    padded = findings[findings["id"] == "DS.DSSPID.WHITESPACE"]
    ds = raw("ds")
    assert len(padded) == (ds["DSSPID"] != ds["DSSPID"].str.strip()).sum()
    partial = findings[findings["id"] == "RS.RSDTC.PARTIAL"]
    assert (
        set(partial["value"]) == {"2014-02"}
        and len(partial) == (raw("rs")["RSDTC"] == "2014-02").sum()
    )


def snakemake(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd)


def test_the_example_config_resolves_from_the_repository_root():
    result = snakemake(
        "--configfile", str(EXAMPLE), "--dry-run", "results/pharmaverse/checks/gate.json", cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ingest_domain" in result.stdout and "checks_gate" in result.stdout


def test_the_pipeline_gets_through_ingestion_and_checks(tmp_path):
    # What Snakemake builds from the main config completed by the example, with an absolute path.
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    for key, value in CONFIG.items():
        config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
    config["cuts"] = {"pharmaverse": dict(CONFIG["cuts"]["pharmaverse"], snapshot=str(SNAPSHOT))}
    path = tmp_path / "pharmaverse.yaml"
    path.write_text(yaml.safe_dump(config))
    result = snakemake(
        "--directory",
        str(tmp_path),
        "--configfile",
        str(path),
        "--cores",
        "2",
        "results/pharmaverse/checks/gate.json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    gate = json.loads((tmp_path / "results/pharmaverse/checks/gate.json").read_text())
    assert gate["passed"] and gate["counts"]["error"] == 0
    report = (tmp_path / "results/pharmaverse/checks/report.html").read_text()
    assert "CROSS.NO_CONSENT" in report and "No errors" in report
