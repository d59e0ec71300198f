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

from oncocsr.io import sha256_file
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


def break_rs(folder: Path) -> str:
    rs, _ = pyreadstat.read_xport(str(folder / "rs.xpt"))
    row = rs.index[rs["RSTESTCD"] == "OVRLRESP"][0]
    rs.loc[row, "RSSTRESC"] = "PARTIAL"
    pyreadstat.write_xport(rs, str(folder / "rs.xpt"), file_format_version=5, table_name="RS")
    return rs.loc[row, "USUBJID"]


def orphan_ae(folder: Path) -> str:
    ae, _ = pyreadstat.read_xport(str(folder / "ae.xpt"))
    ae.loc[0, "USUBJID"] = "NOBODY"
    pyreadstat.write_xport(ae, str(folder / "ae.xpt"), file_format_version=5, table_name="AE")
    return "NOBODY"


def empty_ex(folder: Path) -> str:
    (folder / "ex.xpt").write_bytes(b"")
    return "0 bytes"


@pytest.mark.parametrize(
    ("fault", "check_id"),
    [
        (break_rs, "RS.RSSTRESC.OVRLRESP"),
        (orphan_ae, "CROSS.ORPHAN"),
        (empty_ex, "FILE.UNREADABLE"),
    ],
)
def test_data_check_error_stops_the_run_before_adam(tmp_path, fault, check_id):
    config = make_project(tmp_path, 12, 4)
    needle = fault(tmp_path / "sdtm")
    raw = {path.name: sha256_file(path) for path in (tmp_path / "sdtm").iterdir()}
    result = snakemake(tmp_path, config)
    assert result.returncode != 0
    # A short summary on stderr: the finding, its subject or reason, and where the report is.
    assert check_id in result.stderr and needle in result.stderr
    assert "results/primary/checks/report.html" in result.stderr
    checks = tmp_path / "results/primary/checks"
    assert check_id in (checks / "report.html").read_text()
    assert not (checks / "gate.json").exists()
    assert not (tmp_path / "results/primary/adam").exists()
    assert not (tmp_path / "results/primary/csr.pdf").exists()
    assert raw == {path.name: sha256_file(path) for path in (tmp_path / "sdtm").iterdir()}
