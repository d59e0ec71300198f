"""Foreign SDTM: the pharmaverse oncology example gets through ingestion and the data checks,
and what the checks report about it is true of that data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from pypdf import PdfReader

from oncocsr.crosschecks import has_errors
from oncocsr.ingest import check_snapshot
from oncocsr.studyconfig import load_study

ROOT = Path(__file__).resolve().parents[1]
STUDY_CONFIG = ROOT / "config" / "studies" / "pharmaverse.yaml"
STUDY = load_study(STUDY_CONFIG)
SETTINGS = STUDY.settings("pharmaverse")
SNAPSHOT = (ROOT / STUDY.cut("pharmaverse")["snapshot"]).resolve()
CUTOFF = STUDY.cut("pharmaverse")["cutoff"]
pytestmark = pytest.mark.skipif(
    not SNAPSHOT.is_dir(), reason=f"shared external data not beside the repository: {SNAPSHOT}"
)


@pytest.fixture(scope="module")
def checked() -> tuple[dict, pd.DataFrame]:
    return check_snapshot(SNAPSHOT, CUTOFF, ROOT / "schemas" / "sdtm", SETTINGS)


@pytest.fixture(scope="module")
def findings(checked) -> pd.DataFrame:
    return checked[1]


def raw(domain: str) -> pd.DataFrame:
    frame, _ = pyreadstat.read_xport(str(SNAPSHOT / f"{domain}.xpt"))
    return frame


def test_no_errors_and_only_the_expected_kinds_of_finding(findings):
    assert not has_errors(findings)
    assert set(findings["id"]) == {
        "AE.AEACN.TYPE",
        "DM.RFICDTC.TYPE",
        "DM.ACTARMUD.TYPE",
        "SUPPDM.IDVAR.TYPE",
        "SUPPDM.IDVARVAL.TYPE",
        "DS.DSSPID.WHITESPACE",
        "AE.AESTDTC.PARTIAL",
        "RS.RSDTC.PARTIAL",
        "TR.TRDTC.PARTIAL",
        # SDTMIG 3.4 conformance (oncocsr/sdtmigchecks.py): true of this data, warnings or info.
        "SDTM.EPOCH.MISSING",
        "SDTM.DY.MISSING",
        "SDTM.DY.INCONSISTENT",
        "SDTM.TRIAL_DESIGN.MISSING",
        # Input hardening (oncocsr/inputchecks.py, crosschecks.py), warnings true of this data.
        "AE.AEACN.EMPTY",
        "CROSS.ALIVE_AFTER_DEATH",
        # What its config (written by init from this data) says the study does not collect.
        "STUDY.ENROLMENT",
        "STUDY.NOT_COLLECTED.EOT",
        "STUDY.NOT_COLLECTED.ECOG",
        "STUDY.NOT_COLLECTED.CM.PRIOR_THERAPY",
        "STUDY.NOT_COLLECTED.CM.SUBSEQUENT_THERAPY",
    }


def test_character_variables_stored_as_empty_numeric_columns_are_true(findings):
    # In the transport files these character variables are numeric columns with no values.
    for domain, variable in [
        ("ae", "AEACN"),
        ("dm", "RFICDTC"),
        ("dm", "ACTARMUD"),
        ("suppdm", "IDVAR"),
        ("suppdm", "IDVARVAL"),
    ]:
        column = raw(domain)[variable]
        assert pd.api.types.is_float_dtype(column) and column.isna().all()


def test_no_consent_date_is_true_for_every_subject(findings):
    """No subject has a consent date, so the study config (from init) enrols the randomised,
    which is said once (STUDY.ENROLMENT) rather than as 306 missing consents."""
    ds = raw("ds")
    assert "INFORMED CONSENT OBTAINED" not in set(ds["DSDECOD"])
    assert raw("dm")["RFICDTC"].isna().all()
    assert SETTINGS["populations"]["enrolled"] == "randomized"
    assert (findings["id"] == "STUDY.ENROLMENT").sum() == 1
    assert not (findings["id"] == "CROSS.NO_CONSENT").any()


def test_sdtmig_conformance_findings_are_true(findings):
    # No file has EPOCH; AE, DS, RS and TR have a collection date without its study day; one AE
    # starting on the subject's first day (RFSTDTC) says study day 366; no trial design domain.
    epoch = findings[findings["id"] == "SDTM.EPOCH.MISSING"]
    names = sorted(Path(path).name for path in epoch["file"])
    assert names == ["ae.xpt", "ds.xpt", "ex.xpt", "rs.xpt", "tr.xpt", "tu.xpt"]
    assert all("EPOCH" not in raw(Path(name).stem) for name in names)
    days = findings[findings["id"] == "SDTM.DY.MISSING"]
    assert sorted(days["variable"]) == ["AEDY", "DSDY", "RSDY", "TRDY"]
    wrong = findings[findings["id"] == "SDTM.DY.INCONSISTENT"]
    assert wrong[["usubjid", "variable"]].values.tolist() == [["01-716-1063", "AESTDY"]]
    ae, dm = raw("ae"), raw("dm")
    record = ae[(ae["USUBJID"] == "01-716-1063") & (ae["AESEQ"] == float(wrong["seq"].iloc[0]))]
    start = dm.loc[dm["USUBJID"] == "01-716-1063", "RFSTDTC"].iloc[0]
    assert record[["AESTDTC", "AESTDY"]].values.tolist() == [[start, 366.0]]
    design = findings[findings["id"] == "SDTM.TRIAL_DESIGN.MISSING"]
    assert sorted(design["value"]) == ["SV", "TA", "TE", "TS", "TV"]
    assert not any(SNAPSHOT.glob("t[saev].*")) and not any(SNAPSHOT.glob("sv.*"))


def test_input_hardening_findings_are_true(findings):
    # AEACN is empty in every record, so no AE leads to a dose change; one subject's reference
    # end date (RFENDTC, which ADSL takes as a date known alive) is the day after the death.
    assert raw("ae")["AEACN"].isna().all()
    assert findings.loc[findings["id"] == "AE.AEACN.EMPTY", "variable"].tolist() == ["AEACN"]
    alive = findings[findings["id"] == "CROSS.ALIVE_AFTER_DEATH"]
    assert alive[["usubjid", "variable", "severity"]].values.tolist() == [
        ["01-710-1083", "RFENDTC", "warning"]
    ]
    dm = raw("dm").set_index("USUBJID")
    assert dm.loc["01-710-1083", ["DTHDTC", "RFENDTC"]].tolist() == ["2013-08-02", "2013-08-03"]


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


def test_the_study_config_resolves_from_the_repository_root():
    result = snakemake(
        "--dry-run", "--forceall", "--configfile", str(STUDY_CONFIG.relative_to(ROOT)), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # The study's cuts and nothing of the bundled study.
    assert "results/pharmaverse/csr.pdf" in result.stdout
    assert "results/primary" not in result.stdout and "data/sdtm" not in result.stdout


@pytest.mark.workflow
def test_init_and_one_command_build_a_complete_csr(tmp_path):
    """Issue 13, done when: init + one snakemake command builds a complete CSR for the
    pharmaverse example with its three arms and none of the bundled study's text."""
    init = [sys.executable, "-m", "oncocsr", "init", "pv", "--snapshot", str(SNAPSHOT)]
    done = subprocess.run([*init, "--cutoff", CUTOFF], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    next_command = done.stdout.strip().splitlines()[-1].removeprefix("next: ").split()
    assert next_command == ["snakemake", "--cores", "4", "--configfile", "config/studies/pv.yaml"]
    result = snakemake("--directory", str(tmp_path), *next_command[1:], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    csr = tmp_path / "results" / "pv" / "csr.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(csr).pages)
    for arm in ("Placebo", "Xanomeline High Dose", "Xanomeline Low Dose"):
        assert arm in text
    for bundled in ("rinotecan", "breast", "IRI-MBC", "anthracycl", "taxane", "iarrh", "mg/m"):
        assert bundled not in text, bundled
    # Not collected: said, not counted as zero.
    assert "Not collected" in text and "randomised" in text
    assert not (tmp_path / "results" / "primary").exists()


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


def test_response_and_pfs_of_the_subjects_with_tumour_data(checked):
    from oncocsr.adam.adrs import derive_adrs
    from oncocsr.adam.adsl import derive_adsl
    from oncocsr.adam.adtte import derive_adtte

    domains, _ = checked
    adsl = derive_adsl(domains, CUTOFF, SETTINGS)
    adrs = derive_adrs(domains["RS"], adsl, cutoff=CUTOFF, window_days=365, **SETTINGS["response"])
    adtte = derive_adtte(adsl, adrs, domains["DS"], None, **SETTINGS["pfs"])
    by = adrs[adrs["PARAMCD"] != "OVR"].set_index(["USUBJID", "PARAMCD"])["AVALC"]
    pfs = adtte[adtte["PARAMCD"] == "PFS"].set_index("USUBJID")
    assert sorted(adrs.loc[adrs["PARAMCD"] == "OVR", "USUBJID"].unique()) == sorted(EXPECTED)
    for subject, (bor, cbor, aval, cnsr) in EXPECTED.items():
        assert (by[(subject, "BOR")], by[(subject, "CBOR")]) == (bor, cbor), subject
        assert (pfs.loc[subject, "AVAL"], pfs.loc[subject, "CNSR"]) == (aval, cnsr), subject
    dor = adtte[adtte["PARAMCD"] == "DOR"]
    assert dor[["USUBJID", "AVAL", "CNSR"]].values.tolist() == [["01-701-1118", 43.0, 4]]
