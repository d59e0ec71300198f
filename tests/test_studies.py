"""Studies shaped as other sponsors' SDTM is (issue 13): simulated with the simulator's options,
configured by ``init`` from what the data holds, and derived as the pipeline derives them."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from inprocess import derive_study
from pypdf import PdfReader

from oncocsr.io import read_sdtm
from oncocsr.simulate import SimulationOptions, write_sdtm_csv
from oncocsr.simulate import run as simulate
from oncocsr.studyconfig import StudyConfig
from oncocsr.studyinit import init_study

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def snapshot(tmp: Path, name: str, subjects: int = 40, seed: int = 5, **options) -> tuple:
    """A simulated snapshot with ``options`` and its cutoff."""
    meta = simulate(subjects, seed, tmp / name, quiet=True, options=SimulationOptions(**options))
    return tmp / name, meta["cutoff"]


def initialised(tmp: Path, name: str, folder: Path, cutoff: str, extra: str = "") -> dict:
    """The settings of the study config that init writes for ``folder`` (with ``extra`` YAML
    appended, as a statistician completes it), in ``tmp``."""
    done = init_study(
        name,
        folder,
        cutoff=cutoff,
        studies_dir=tmp / "config" / "studies",
        locks_dir=tmp / "config" / "locks",
        now=NOW,
    )
    path = Path(done["config"])
    if extra:
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return StudyConfig(yaml.safe_load(path.read_text(encoding="utf-8"))).settings(name)


def ids(findings: pd.DataFrame, severity: str) -> set[str]:
    return set(findings.loc[findings["severity"] == severity, "id"])


def test_study_without_ctcae_grades_grades_by_severity(tmp_path):
    folder, cutoff = snapshot(tmp_path, "aesev", grades="aesev")
    settings = initialised(tmp_path, "aesev", folder, cutoff)
    assert settings["safety"]["grade"]["source"] == "AESEV"
    study = derive_study(folder, cutoff, settings)
    assert not ids(study["findings"], "error")
    ae, adae = read_sdtm(folder / "ae.xpt"), study["adae"]
    assert "AETOXGR" not in ae
    # SEVERE is grade 3: every severe event is grade >= 3, and nothing else is.
    severe = adae["AESEV"] == "SEVERE"
    assert (adae.loc[severe, "GR3FL"] == "Y").all() and (adae.loc[~severe, "GR3FL"] == "").all()
    # Configured as the CTCAE study it is not: a warning, and grades "not collected".
    wrong = {**settings, "safety": {**settings["safety"], "grade": {"source": "AETOXGR"}}}
    study = derive_study(folder, cutoff, wrong)
    assert "AE.GRADE.NOT_COLLECTED" in ids(study["findings"], "warning")
    assert study["adae"]["ATOXGRN"].isna().all()


def test_study_without_consent_dates(tmp_path):
    folder, cutoff = snapshot(tmp_path, "noconsent", consent=False)
    settings = initialised(tmp_path, "noconsent", folder, cutoff)
    # Single arm, not randomised: enrolment falls back to the treated, as the CSR states.
    assert settings["populations"]["enrolled"] == "treated"
    study = derive_study(folder, cutoff, settings)
    assert not ids(study["findings"], "error")
    adsl = study["adsl"]
    assert adsl["RFICDT"].isna().all()
    assert (adsl["ENRLFL"] == "Y").sum() == (adsl["SAFFL"] == "Y").sum() > 0
    # The bundled study's definition (consent) on this data: an empty enrolled set stops the
    # run at the gate, with the rule and the variables it looked for.
    consent = {**settings, "populations": {"enrolled": "consent"}}
    findings = derive_study(folder, cutoff, consent)["findings"]
    empty = findings[findings["id"] == "STUDY.EMPTY_SET"]
    assert list(empty["severity"]) == ["error"] and list(empty["variable"]) == ["ENRLFL"]
    assert "rule adsl" in empty["message"].iloc[0] and "DM.RFICDTC" in empty["message"].iloc[0]


def test_recist_and_irecist_records_use_the_configured_criterion(tmp_path):
    """RSCAT honoured: the iRECIST records are excluded with an info finding naming them, are no
    RECIST errors, and leave the response derivation as it is without them."""
    plain, cutoff = snapshot(tmp_path, "plain")
    both, _ = snapshot(tmp_path, "both", irecist=True)
    settings = initialised(tmp_path, "both", both, cutoff)
    assert settings["response"]["criterion"] == "RECIST 1.1"
    with_irecist = derive_study(both, cutoff, settings)
    findings = with_irecist["findings"]
    assert not ids(findings, "error")
    other = findings[findings["id"] == "RS.RSCAT.OTHER"]
    assert list(other["value"]) == ["iRECIST"] and other["severity"].eq("info").all()
    without = derive_study(plain, cutoff, settings)
    # The simulator adds a confirmation scan after a progression to the iRECIST study (RECIST
    # and iRECIST records): the subject-level responses, all before it, are the same.
    columns = ["USUBJID", "PARAMCD", "AVALC", "ADT"]
    responses = ["BOR", "CBOR", "RSP", "CRSP", "DCR", "PD"]
    subject_level = [
        adrs[adrs["PARAMCD"].isin(responses)][columns].reset_index(drop=True)
        for adrs in (with_irecist["adrs"], without["adrs"])
    ]
    pd.testing.assert_frame_equal(*subject_level)
    # A study that analyses by iRECIST maps its terms to RECIST categories (init does it).
    irecist = {
        **settings,
        "response": {
            **settings["response"],
            "criterion": "iRECIST",
            "terms": {
                "iCR": "CR",
                "iPR": "PR",
                "iSD": "SD",
                "NON-iCR/NON-iUPD": "NON-CR/NON-PD",
                "iUPD": "PD",
                "iCPD": "PD",
            },
        },
    }
    study = derive_study(both, cutoff, irecist)
    assert not ids(study["findings"], "error")
    assert set(study["adrs"].loc[study["adrs"]["PARAMCD"] == "OVR", "AVALC"]) <= {
        "CR",
        "PR",
        "SD",
        "NON-CR/NON-PD",
        "PD",
        "NE",
    }
    # Unmapped iRECIST terms under an iRECIST criterion are errors naming the check.
    unmapped = {**irecist, "response": {**irecist["response"], "terms": {}}}
    assert "RS.RSSTRESC.OVRLRESP" in ids(derive_study(both, cutoff, unmapped)["findings"], "error")


def assert_same_adam(left: dict, right: dict) -> None:
    for name in ("adsl", "adrs", "adtr", "adtte", "adae", "adex"):
        a, b = left[name], right[name]
        assert list(a.columns) == list(b.columns), name
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, obj=name
        )


def test_csv_copy_of_a_snapshot_gives_the_same_adam_as_its_xpt(tmp_path):
    """CSV as R writes it (NA for every missing value, numbers as text) against the transport
    files of the same data: the same ADaM datasets."""
    xpt, cutoff = snapshot(tmp_path, "xpt")
    csv, _ = snapshot(tmp_path, "csv", file_format="csv")
    assert sorted(p.suffix for p in csv.iterdir() if p.name != "simulation.json") == [".csv"] * 18
    assert "NA" in (csv / "ae.csv").read_text(encoding="utf-8")
    settings = initialised(tmp_path, "xpt", xpt, cutoff)
    assert_same_adam(derive_study(xpt, cutoff, settings), derive_study(csv, cutoff, settings))


def test_csv_copy_of_the_pharmaverse_example_gives_the_same_adam(tmp_path):
    source = ROOT.parent / "shared" / "external" / "pharmaverse-onco"
    study = StudyConfig(
        yaml.safe_load((ROOT / "config" / "studies" / "pharmaverse.yaml").read_text())
    )
    settings, cutoff = study.settings("pharmaverse"), study.cut("pharmaverse")["cutoff"]
    write_sdtm_csv({p.stem.upper(): read_sdtm(p) for p in source.glob("*.xpt")}, tmp_path)
    assert_same_adam(
        derive_study(source, cutoff, settings), derive_study(tmp_path, cutoff, settings)
    )


def test_three_arm_study_in_process(tmp_path):
    """A randomised three-arm study: init takes randomisation as the reference start, no Total
    (placebo with active), the design (once written) for the irinotecan arms only."""
    folder, cutoff = snapshot(tmp_path, "arms", subjects=90, seed=11, arms=3)
    settings = initialised(tmp_path, "arms", folder, cutoff)
    assert settings["reference_start"] == "randomization"
    assert settings["arms"]["pool"] is False
    assert settings.get("design") is None
    study = derive_study(folder, cutoff, settings)
    assert not ids(study["findings"], "error")
    arms = set(study["adsl"].loc[study["adsl"]["FASFL"] == "Y", "ACTARM"])
    assert arms == {"Irinotecan 180 mg/m2", "Irinotecan 120 mg/m2", "Placebo"}
    # Exposure for every arm, placebo included (dose 0, no dose intensity).
    exposed = study["adex"].merge(study["adsl"][["USUBJID"]], on="USUBJID")
    assert set(exposed["ACTARM"]) == arms
    placebo = exposed[(exposed["ACTARM"] == "Placebo") & (exposed["PARAMCD"] == "RDI")]
    assert placebo["AVAL"].isna().all()


DESIGN = """
design:
  p0: 0.10
  p1: 0.25
  arms: [Irinotecan 180 mg/m2, Irinotecan 120 mg/m2]
"""


@pytest.mark.workflow
def test_three_arm_study_end_to_end(tmp_path):
    """Issue 13, done when: a three-arm simulated study, init + snakemake, to a complete CSR:
    tables and figures by arm, no Total, the design and tests against p0 only for the arms it
    names, KM figures although the arms end at different times, exposure for every arm."""
    meta = simulate(90, 11, tmp_path / "sdtm", quiet=True, options=SimulationOptions(arms=3))
    init = [sys.executable, "-m", "oncocsr", "init", "arms", "--snapshot", "sdtm"]
    done = subprocess.run(
        [*init, "--cutoff", meta["cutoff"]], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    config = tmp_path / "config" / "studies" / "arms.yaml"
    config.write_text(config.read_text(encoding="utf-8") + DESIGN, encoding="utf-8")
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]
    result = subprocess.run(
        [*command, "--directory", str(tmp_path), "--cores", "2", "--configfile", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    results = tmp_path / "results" / "arms"
    ard = pd.read_parquet(results / "ard" / "ard.parquet")
    arms = {"Irinotecan 180 mg/m2", "Irinotecan 120 mg/m2", "Placebo"}
    assert set(ard.loc[ard["analysis_id"] == "ORR-FAS", "group"]) == arms
    # Study-level rows only: what was collected, screening (a screen failure has no arm) and
    # the conduct of the study (study period, centres).
    study_level = ard["analysis_id"].isin(["COLLECTED", "SCREENING", "STUDY-CONDUCT"])
    assert "Total" not in set(ard.loc[~study_level, "group"])
    assert set(ard.loc[ard["analysis_id"] == "SCREENING", "group"]) == {"Total"}
    simon = set(ard.loc[ard["analysis_id"] == "SIMON-FAS", "group"])
    assert simon == arms - {"Placebo"}
    tested = ard[(ard["analysis_id"] == "ORR-FAS") & (ard["stat_name"] == "p_value")]
    assert set(tested["group"]) == arms - {"Placebo"}
    # One numbers-at-risk grid for every arm, to the longest follow-up of any.
    risk = ard[(ard["analysis_id"] == "KM-OS") & ard["stat_name"].str.startswith("n_risk_")]
    grids = risk.groupby("group")["stat_name"].apply(frozenset)
    assert grids.nunique() == 1 and set(grids.index) == arms
    assert set(ard.loc[ard["analysis_id"] == "EXPOSURE", "group"]) == arms
    text = " ".join(page.extract_text() for page in PdfReader(results / "csr.pdf").pages)
    for arm in arms:
        assert arm in text
    assert "randomisation" in text
    gate = json.loads((results / "checks" / "gate.json").read_text())
    assert gate["passed"] and gate["counts"]["error"] == 0


@pytest.mark.workflow
def test_a_true_error_is_accepted_by_a_waiver_not_by_editing_the_data(tmp_path):
    """A true error finding (an overall response recorded as CHECK) stops the run at the gate;
    the data manager's waiver lets it pass, and listing 16.2.4 shows the waiver; a waiver that
    matches nothing is itself an error."""
    folder, cutoff = snapshot(tmp_path, "sdtm", subjects=20, seed=8, file_format="csv")
    rs = pd.read_csv(folder / "rs.csv", dtype=str, keep_default_na=False)
    row = rs.index[rs["RSTESTCD"] == "OVRLRESP"][0]
    rs.loc[row, "RSSTRESC"] = "CHECK"
    rs.to_csv(folder / "rs.csv", index=False)
    subject, seq = rs.loc[row, "USUBJID"], rs.loc[row, "RSSEQ"]
    initialised(tmp_path, "waived", folder, cutoff)
    config = tmp_path / "config" / "studies" / "waived.yaml"
    listing = "results/waived/tlf/16.2.4.html"
    # The target before --configfile, which takes every argument after it as a config file.
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), listing]
    command += ["--directory", str(tmp_path), "--cores", "2", "--configfile", str(config)]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)

    stopped = run()
    assert stopped.returncode != 0
    assert (
        "RS.RSSTRESC.OVRLRESP" in stopped.stderr and "config/waivers/waived.yaml" in stopped.stderr
    )
    waivers = tmp_path / "config" / "waivers"
    waivers.mkdir(parents=True)
    (waivers / "waived.yaml").write_text(
        f"- check: RS.RSSTRESC.OVRLRESP\n  subject: {subject}\n  seq: {seq}\n"
        "  reason: scan not readable (query 12 closed)\n  by: A. Data Manager\n"
        "- {check: AE.AETERM.BLANK, reason: no such finding, by: A. Data Manager}\n",
        encoding="utf-8",
    )
    unmatched = run()
    assert unmatched.returncode != 0 and "WAIVER.UNMATCHED" in unmatched.stderr
    (waivers / "waived.yaml").write_text(
        (waivers / "waived.yaml").read_text().split("- {check: AE")[0], encoding="utf-8"
    )
    passed = run()
    assert passed.returncode == 0, passed.stderr[-3000:]
    gate = json.loads((tmp_path / "results/waived/checks/gate.json").read_text())
    assert gate["counts"]["waived"] == 1 and gate["waivers"][0]["matched"] == 1
    html = (tmp_path / listing).read_text()
    assert "scan not readable (query 12 closed)" in html and "A. Data Manager" in html


def test_a_snapshot_without_rs_stops_before_any_job(tmp_path):
    """Deliver 5: no tumour responses, no CSR: the run stops when the workflow is parsed, with
    the domain it needs, and nothing is built."""
    folder, cutoff = snapshot(tmp_path, "sdtm", subjects=10, seed=2)
    initialised(tmp_path, "nors", folder, cutoff)
    (folder / "rs.xpt").unlink()
    # Re-locked without RS: the snapshot matches its lock, and still the run must not start.
    lock = [
        sys.executable,
        "-m",
        "oncocsr",
        "lock",
        "--cut",
        "nors",
        "--force",
        "--reason",
        "no RS",
    ]
    assert subprocess.run(lock, capture_output=True, cwd=tmp_path).returncode == 0
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]
    config = tmp_path / "config" / "studies" / "nors.yaml"
    result = subprocess.run(
        [*command, "--directory", str(tmp_path), "--cores", "1", "--configfile", str(config)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "has no RS file (RS: tumour response" in result.stderr
    assert not (tmp_path / "results").exists()
