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
        "results/pharmaverse/checks/gate.json",
        "--dry-run",
        "--forceall",
        "--configfile",
        str(EXAMPLE),
        cwd=ROOT,
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
    lock = [sys.executable, "-m", "oncocsr", "lock", "--cut", "pharmaverse", "--config", path]
    locked = subprocess.run(lock, capture_output=True, text=True, cwd=tmp_path)
    assert locked.returncode == 0, locked.stderr
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


# BOR, CBOR and PFS (days, CNSR) of the 8 subjects with tumour data, reasoned from their
# investigator responses in the README table (not copied from the derivation's output).
EXPECTED = {
    "01-701-1015": ("CR", "SD", 64, 4),
    "01-701-1028": ("PD", "PD", 43, 0),
    "01-701-1034": ("NON-CR/NON-PD", "NON-CR/NON-PD", 43, 4),
    "01-701-1097": ("NE", "NE", 22, 4),
    "01-701-1115": ("CR", "SD", 64, 4),
    "01-701-1118": ("PR", "PR", 85, 4),
    "01-701-1130": ("SD", "SD", 64, 0),
    "01-701-1133": ("CR", "SD", 64, 0),
}


def test_response_and_pfs_of_the_subjects_with_tumour_data():
    from oncocsr.adam.adrs import derive_adrs
    from oncocsr.adam.adsl import derive_adsl
    from oncocsr.adam.adtte import derive_adtte

    cut = CONFIG["cuts"]["pharmaverse"]["cutoff"]
    domains, _ = check_snapshot(SNAPSHOT, cut, ROOT / "schemas" / "sdtm")
    adsl = derive_adsl(domains, cut, reference_start=CONFIG["reference_start"])
    main = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    adrs = derive_adrs(domains["RS"], adsl, cutoff=cut, window_days=365, **main["response"])
    adtte = derive_adtte(adsl, adrs, domains["DS"], **(main["pfs"] | CONFIG["pfs"]))
    by = adrs[adrs["PARAMCD"] != "OVR"].set_index(["USUBJID", "PARAMCD"])["AVALC"]
    pfs = adtte[adtte["PARAMCD"] == "PFS"].set_index("USUBJID")
    assert sorted(adrs.loc[adrs["PARAMCD"] == "OVR", "USUBJID"].unique()) == sorted(EXPECTED)
    for subject, (bor, cbor, aval, cnsr) in EXPECTED.items():
        assert (by[(subject, "BOR")], by[(subject, "CBOR")]) == (bor, cbor), subject
        assert (pfs.loc[subject, "AVAL"], pfs.loc[subject, "CNSR"]) == (aval, cnsr), subject
    dor = adtte[adtte["PARAMCD"] == "DOR"]
    assert dor[["USUBJID", "AVAL", "CNSR"]].values.tolist() == [["01-701-1118", 43.0, 4]]
