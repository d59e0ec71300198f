"""The whole pipeline under Snakemake on a small simulated snapshot, in a temporary directory."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml
from pypdf import PdfReader

from oncocsr.simulate import run as simulate

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow


def make_project(tmp: Path, subjects: int, seed: int) -> Path:
    meta = simulate(subjects, seed, tmp / "sdtm", quiet=True)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config["cuts"] = {"primary": {"snapshot": str(tmp / "sdtm"), "cutoff": meta["cutoff"]}}
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def snakemake(tmp: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(tmp),
        "--configfile",
        str(config),
        "--cores",
        "2",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("study")
    config = make_project(tmp, 60, 3)
    result = snakemake(tmp, config)
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp, config


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_synopsis_orr_is_the_ard_value(built):
    tmp, _ = built
    ard = pd.read_parquet(tmp / "results/primary/ard/ard.parquet")
    rows = ard[(ard["analysis_id"] == "ORR-FAS") & (ard["variable"] == "CRSP")].set_index(
        "stat_name"
    )
    text = " ".join(pdf_text(tmp / "results/primary/csr.pdf").split())
    match = re.search(r"ORR (\d+\.\d)% \(95% CI (\d+\.\d)% to (\d+\.\d)%", text)
    assert match, text[:2000]
    printed = [float(value) for value in match.groups()]
    expected = [round(100 * rows.loc[name, "stat_value"], 1) for name in ("estimate", "lcl", "ucl")]
    assert printed == expected
    # The responders in the ARD are the confirmed responders of ADRS.
    adrs = pd.read_parquet(tmp / "results/primary/adam/adrs.parquet")
    cbor = adrs[(adrs["PARAMCD"] == "CBOR") & (adrs["FASFL"] == "Y")]
    assert rows.loc["n", "stat_value"] == cbor["AVALC"].isin(["CR", "PR"]).sum()
    assert rows.loc["N", "stat_value"] == 60


def test_report_has_the_sections_and_tlfs(built):
    tmp, _ = built
    text = pdf_text(tmp / "results/primary/csr.pdf")
    for needle in (
        "Clinical Study Report",
        "Synopsis",
        "Table 14.2.1",
        "Table 14.2.5",
        "Table 14.2.7",
        "Figure 14.2.5",
        "Page 1 of",
    ):
        assert needle in text, needle
    for tlf in ("14.2.1.html", "14.2.5.html", "14.2.7.html", "14.2.5.svg"):
        assert (tmp / "results/primary/tlf" / tlf).stat().st_size > 0


def test_second_run_has_nothing_to_do(built):
    tmp, config = built
    result = snakemake(tmp, config, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Nothing to be done" in result.stdout + result.stderr


def test_data_check_error_stops_the_run_before_adam(tmp_path):
    config = make_project(tmp_path, 12, 4)
    rs_path = tmp_path / "sdtm" / "rs.xpt"
    rs, _ = pyreadstat.read_xport(str(rs_path))
    row = rs.index[rs["RSTESTCD"] == "OVRLRESP"][0]
    rs.loc[row, "RSSTRESC"] = "PARTIAL"
    pyreadstat.write_xport(rs, str(rs_path), file_format_version=5, table_name="RS")
    before = rs_path.read_bytes()
    result = snakemake(tmp_path, config)
    assert result.returncode != 0
    assert "RS.RSSTRESC.OVRLRESP" in result.stderr and "PARTIAL" in result.stderr
    assert rs.loc[row, "USUBJID"] in result.stderr
    assert not (tmp_path / "results/primary/adam").exists()
    assert not (tmp_path / "results/primary/checks/rs.json").exists()
    assert rs_path.read_bytes() == before
