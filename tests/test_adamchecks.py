"""ADaM conformance checks: each rule fires on a dataset crafted to break it, naming dataset,
variable, subject and value, and is quiet on conformant data; the ADaM the pipeline derives for
the bundled study and the pharmaverse example has no error; an error stops the CSR at the ADaM
gate."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from inprocess import derive_study

from oncocsr.adam.contracts import write_adam
from oncocsr.adamchecks import Transport, check_adam, read_transport
from oncocsr.adamchecks.base import ADSL, BDS, OCCDS, TTE
from oncocsr.findings import COLUMNS
from oncocsr.joblog import JobError
from oncocsr.studyconfig import load_study
from oncocsr.waivers import gate_waivers, pass_gate, read_waivers

ROOT = Path(__file__).resolve().parents[1]
CUTOFF = "2016-06-30"
DAY1 = pd.Timestamp("2016-01-01")
# A metadata source of four datasets, one per class, independent of schemas/adam.yaml.
SPEC = {
    "datasets": {
        "adsl": {"class": ADSL, "required": ["DCUTDT", "TRT01A"]},
        "adrs": {"class": BDS, "required": ["ASEQ", "TRTP"]},
        "adtte": {"class": BDS, "subclass": TTE, "required": ["STARTDT"]},
        "adae": {"class": OCCDS, "subclass": "ADVERSE EVENT", "required": ["TRTA"]},
    }
}


def days(*numbers: int) -> list[pd.Timestamp]:
    """Dates of study days (day 1 = DAY1, no day 0)."""
    return [DAY1 + pd.Timedelta(days=n - 1 if n > 0 else n) for n in numbers]


def conformant() -> dict[str, pd.DataFrame]:
    """Three subjects (S3 never treated) in four conformant datasets."""
    subjects = ["S1", "S2", "S3"]
    adsl = pd.DataFrame(
        {
            "STUDYID": "ST",
            "USUBJID": subjects,
            "SUBJID": ["1", "2", "3"],
            "SITEID": "01",
            "AGE": [50.0, 60.0, 70.0],
            "AGEU": "YEARS",
            "SEX": "F",
            "RACE": "ASIAN",
            "ARM": "Drug",
            "TRT01P": "Drug",
            "TRT01A": ["Drug", "Drug", ""],
            "TRTSDT": [DAY1, DAY1 + pd.Timedelta(days=2), pd.NaT],
            "TRTEDT": [DAY1 + pd.Timedelta(days=90), DAY1 + pd.Timedelta(days=60), pd.NaT],
            "STARTDT": [DAY1, DAY1 + pd.Timedelta(days=2), pd.NaT],
            "SAFFL": ["Y", "Y", "N"],
            "FASFL": ["Y", "Y", "N"],
            "ITTFL": "Y",
            "DCUTDT": pd.Timestamp(CUTOFF),
        }
    )
    adrs = pd.DataFrame(
        {
            "STUDYID": "ST",
            "USUBJID": ["S1", "S1", "S1", "S2"],
            "ASEQ": [1.0, 2.0, 3.0, 1.0],
            "PARAMCD": ["OVR", "OVR", "BOR", "OVR"],
            "PARAM": ["Overall Response", "Overall Response", "Best Response", "Overall Response"],
            "PARAMN": [1.0, 1.0, 2.0, 1.0],
            "AVALC": ["SD", "PR", "PR", "SD"],
            "AVAL": [3.0, 2.0, 2.0, 3.0],
            "ADT": [*days(-3, 43), *days(43), DAY1 + pd.Timedelta(days=44)],
            "ADTF": ["", "D", "D", ""],
            "ADY": [-3.0, 43.0, 43.0, 43.0],
            "AVISIT": ["BASELINE", "WEEK 6", "", "WEEK 6"],
            "AVISITN": [0.0, 6.0, None, 6.0],
            "ABLFL": ["Y", "", "", ""],
            "ANL01FL": ["", "Y", "", "Y"],
            "TRTP": "Drug",
            "TRTA": "Drug",
        }
    )
    adtte = pd.DataFrame(
        {
            "STUDYID": "ST",
            "USUBJID": ["S1", "S2"],
            "ASEQ": [1.0, 1.0],
            "PARAMCD": "OS",
            "PARAM": "Overall Survival",
            "PARAMN": 3.0,
            "AVAL": [100.0, 50.0],
            "CNSR": [0, 1],
            "EVNTDESC": ["DEATH", ""],
            "STARTDT": [DAY1, DAY1 + pd.Timedelta(days=2)],
            "ADT": [DAY1 + pd.Timedelta(days=99), DAY1 + pd.Timedelta(days=51)],
            "TRTP": "Drug",
            "TRTA": "Drug",
        }
    )
    adae = pd.DataFrame(
        {
            "STUDYID": "ST",
            "USUBJID": ["S1", "S2"],
            "AESEQ": [1.0, 1.0],
            "AETERM": ["HEADACHE", "NAUSEA"],
            "AEDECOD": ["Headache", "Nausea"],
            "AEBODSYS": ["Nervous system disorders", "Gastrointestinal disorders"],
            "ASTDT": [DAY1 - pd.Timedelta(days=1), DAY1 + pd.Timedelta(days=12)],
            "ASTDTF": ["", "M"],
            "AENDT": [DAY1 + pd.Timedelta(days=5), pd.NaT],
            "ASTDY": [-1.0, 11.0],
            "TRTEMFL": ["", "Y"],
            "AOCCFL": ["", "Y"],
            "TRTA": "Drug",
            "ASEQ": [1.0, 1.0],
        }
    )
    return {"adsl": adsl, "adrs": adrs, "adtte": adtte, "adae": adae}


def transport_of(frame: pd.DataFrame, label: str) -> Transport:
    """The transport file's metadata as write_adam writes it: labelled, dates DATE9."""
    dates = [name for name in frame if pd.api.types.is_datetime64_any_dtype(frame[name])]
    return Transport(
        label=label,
        labels={name: f"Label of {name}" for name in frame},
        formats={name: "DATE9" if name in dates else "" for name in frame},
        numeric=frozenset(name for name in frame if frame[name].dtype != object),
    )


def transports_of(frames: dict[str, pd.DataFrame]) -> dict[str, Transport]:
    labels = {"adsl": "Subject-Level Analysis Dataset"}
    return {
        name: transport_of(frame, labels.get(name, f"{name} label"))
        for name, frame in frames.items()
    }


def run(frames, transports=None) -> pd.DataFrame:
    return check_adam(frames, CUTOFF, transports or transports_of(frames), SPEC)


def test_conformant_datasets_have_no_findings():
    found = run(conformant())
    assert found.empty, found.to_string()


def set_value(dataset: str, variable: str, row: int, value):
    def edit(frames):
        frames[dataset].loc[row, variable] = value

    return edit


def drop(dataset: str, *variables: str):
    def edit(frames):
        frames[dataset] = frames[dataset].drop(columns=list(variables))

    return edit


def rename(dataset: str, old: str, new: str):
    def edit(frames):
        frames[dataset] = frames[dataset].rename(columns={old: new})

    return edit


def duplicate_first(dataset: str):
    def edit(frames):
        frames[dataset] = pd.concat([frames[dataset], frames[dataset].iloc[[0]]])

    return edit


def without_adsl(frames):
    del frames["adsl"]


# (rule, severity, dataset, variable, subject, edit): a dataset that breaks the rule.
RECORD_CASES = [
    ("ADaM-1", "error", "ADSL", "", "", without_adsl),
    ("ADaM-54", "error", "ADSL", "USUBJID", "S1", duplicate_first("adsl")),
    ("ADaM-256", "error", "ADRS", "USUBJID", "NOBODY", set_value("adrs", "USUBJID", 3, "NOBODY")),
    ("ADaM-720", "error", "ADRS", "TRTP", "S2", set_value("adrs", "TRTP", 3, "Other")),
    ("ADaM-897", "error", "ADAE", "TRTA", "S1", set_value("adae", "TRTA", 0, "Other")),
    ("ADaMIG.DCUTDT", "error", "ADSL", "DCUTDT", "S2", set_value("adsl", "DCUTDT", 1, DAY1)),
    ("ADaMIG.DCUTDT", "error", "ADSL", "DCUTDT", "", drop("adsl", "DCUTDT")),
    ("ADaM-50", "error", "ADSL", "AGEU", "", drop("adsl", "AGEU")),
    ("ADaM-88", "error", "ADTTE", "STUDYID", "", drop("adtte", "STUDYID")),
    ("ADaMIG.REQUIRED", "error", "ADSL", "TRT01A", "", drop("adsl", "TRT01A")),
    ("ADaM-198", "error", "ADRS", "AVAL", "", drop("adrs", "AVAL", "AVALC")),
    ("ADaM-373", "error", "ADTTE", "CNSR", "", drop("adtte", "CNSR", "EVNTDESC")),
    ("ADaM-621", "error", "ADAE", "TRTEMFL", "", drop("adae", "TRTEMFL")),
    ("ADaM-581", "error", "ADRS", "TRTP", "", drop("adrs", "TRTP", "TRTA")),
    ("ADaM-719", "error", "ADAE", "TRTP", "", drop("adae", "TRTA")),
    ("ADaM-13", "error", "ADAE", "AOCCPTFLX", "", rename("adae", "AOCCFL", "AOCCPTFLX")),
    ("ADaM-14", "error", "ADAE", "_AOCCFL", "", rename("adae", "AOCCFL", "_AOCCFL")),
    ("ADaM-15", "error", "ADAE", "AOCC-FL", "", rename("adae", "AOCCFL", "AOCC-FL")),
    ("ADaM-17", "error", "ADAE", "AETERM", "", set_value("adae", "AETERM", 1, "X" * 201)),
    ("ADaM-5", "error", "ADAE", "AOCCFL", "S2", set_value("adae", "AOCCFL", 1, "X")),
    ("ADaM-269", "error", "ADAE", "TRTEMFL", "S1", set_value("adae", "TRTEMFL", 0, "N")),
    ("ADaM-272", "error", "ADAE", "AOCCFL", "S1", set_value("adae", "AOCCFL", 0, "N")),
    ("ADaM-176", "error", "ADRS", "ABLFL", "S1", set_value("adrs", "ABLFL", 1, "N")),
    ("ADaM-178", "error", "ADRS", "ANL01FL", "S1", set_value("adrs", "ANL01FL", 0, "N")),
    ("ADaM-20", "warning", "ADSL", "FASFL", "S3", set_value("adsl", "FASFL", 2, "")),
    ("ADaM-23", "warning", "ADSL", "SAFFL", "S3", set_value("adsl", "SAFFL", 2, "")),
    ("ADaM-39", "error", "ADRS", "ADTF", "S1", set_value("adrs", "ADTF", 0, "X")),
    ("ADaM-369", "error", "ADRS", "ADTF", "S1", set_value("adrs", "ADT", 1, pd.NaT)),
    ("ADaM-369", "error", "ADAE", "ASTDTF", "", drop("adae", "ASTDT", "ASTDY")),
    ("ADaM-196", "error", "ADRS", "PARAM", "S2", set_value("adrs", "PARAM", 3, "")),
    ("ADaM-738", "error", "ADRS", "PARAM", "", set_value("adrs", "PARAM", 3, "Overall")),
    ("ADaM-739", "error", "ADRS", "PARAMCD", "", set_value("adrs", "PARAM", 2, "Overall Response")),
    ("ADaM-740", "error", "ADRS", "PARAM", "", set_value("adrs", "PARAMN", 2, 1.0)),
    ("ADaM-741", "error", "ADRS", "PARAMN", "", set_value("adrs", "PARAMN", 3, 9.0)),
    ("ADaM-143", "error", "ADTTE", "PARAMCD", "S1", set_value("adtte", "PARAMCD", 0, "OSLONGCD9")),
    ("ADaM-742", "error", "ADRS", "AVALC", "", set_value("adrs", "AVALC", 3, "NE")),
    ("ADaM-727", "error", "ADRS", "AVISITN", "", set_value("adrs", "AVISITN", 3, 7.0)),
    ("ADaM-447", "error", "ADRS", "AVISIT", "S1", set_value("adrs", "AVISIT", 1, "")),
    ("ADaM-155", "error", "ADRS", "ABLFL", "S1", set_value("adrs", "ABLFL", 1, "Y")),
    ("ADaMIG.ASEQ", "error", "ADRS", "ASEQ", "S1", set_value("adrs", "ASEQ", 1, 1.0)),
    ("ADaMIG.ASEQ", "error", "ADAE", "ASEQ", "S2", set_value("adae", "ASEQ", 1, None)),
    ("ADaM-46", "error", "ADRS", "ADY", "S1", set_value("adrs", "ADY", 0, 0.0)),
    ("ADaMIG.ADY", "error", "ADRS", "ADY", "S2", set_value("adrs", "ADY", 3, 45.0)),
    ("ADaMIG.ADY", "error", "ADRS", "ADY", "S1", set_value("adrs", "ADY", 2, None)),
    ("ADaMIG.ASTDY", "error", "ADAE", "ASTDY", "S1", set_value("adae", "ASTDY", 0, 0.0)),
    ("ADaM-169", "error", "ADTTE", "CNSR", "S2", set_value("adtte", "CNSR", 1, -1)),
    (
        "ADaM-TTE.EVNTDESC",
        "warning",
        "ADTTE",
        "EVNTDESC",
        "S1",
        set_value("adtte", "EVNTDESC", 0, ""),
    ),
    (
        "ADaM-361",
        "warning",
        "ADAE",
        "ASTDT",
        "S1",
        set_value("adae", "AENDT", 0, DAY1 - pd.Timedelta(days=2)),
    ),
]


@pytest.mark.parametrize(
    ("rule", "severity", "dataset", "variable", "subject", "edit"),
    RECORD_CASES,
    ids=[f"{case[0]}-{case[3] or case[2]}" for case in RECORD_CASES],
)
def test_each_rule_fires_on_data_that_break_it(rule, severity, dataset, variable, subject, edit):
    frames = conformant()
    edit(frames)
    found = run(frames)
    hits = found[found["id"] == rule]
    assert not hits.empty, found.to_string()
    hit = hits.iloc[0]
    assert (hit["severity"], hit["file"], hit["variable"], hit["usubjid"]) == (
        severity,
        dataset,
        variable,
        subject,
    ), hits.to_string()


def with_transport(dataset: str, **changes):
    def edit(transports):
        transports[dataset] = Transport(**{**vars(transports[dataset]), **changes})

    return edit


def relabel(dataset: str, variable: str, label: str):
    def edit(transports):
        labels = {**transports[dataset].labels, variable: label}
        with_transport(dataset, labels=labels)(transports)

    return edit


# (rule, severity, dataset, variable, value, edit): a transport file that breaks the rule.
TRANSPORT_CASES = [
    ("ADaM-16", "error", "ADAE", "AETERM", "L" * 41, relabel("adae", "AETERM", "L" * 41)),
    ("ADaMIG.LABEL", "warning", "ADAE", "AETERM", "", relabel("adae", "AETERM", " ")),
    ("ADaMIG.DATASET.LABEL", "warning", "ADRS", "", "", with_transport("adrs", label="")),
    ("ADaM-320", "warning", "ADSL", "", "ADSL", with_transport("adsl", label="ADSL")),
    (
        "ADaM-41",
        "warning",
        "ADRS",
        "ADT",
        "BEST12",
        with_transport("adrs", formats={"ADT": "BEST12"}),
    ),
    ("ADaM-58", "error", "ADRS", "ADT", "", with_transport("adrs", numeric=frozenset())),
]


@pytest.mark.parametrize(
    ("rule", "severity", "dataset", "variable", "value", "edit"),
    TRANSPORT_CASES,
    ids=[case[0] for case in TRANSPORT_CASES],
)
def test_each_transport_rule_fires_on_a_file_that_breaks_it(
    rule, severity, dataset, variable, value, edit
):
    frames = conformant()
    transports = transports_of(frames)
    edit(transports)
    found = run(frames, transports)
    hits = found[found["id"] == rule]
    assert not hits.empty, found.to_string()
    assert (hits.iloc[0][["severity", "file", "variable", "value"]].tolist()) == [
        severity,
        dataset,
        variable,
        value,
    ], hits.to_string()


def test_the_transport_file_is_read_as_written(tmp_path):
    frame = conformant()["adsl"]
    outputs = SimpleNamespace(parquet=tmp_path / "adsl.parquet", xpt=tmp_path / "adsl.xpt")
    # The output contract of ADSL wants flags Y or blank (schemas/adam.yaml).
    flags = ["SAFFL", "FASFL", "ITTFL"]
    write_adam(frame.drop(columns=flags), "adsl", outputs, CUTOFF)
    transport = read_transport(outputs.xpt)
    assert transport.label == "Subject-Level Analysis Dataset"
    assert transport.labels["TRTSDT"] == "Date of First Exposure to Treatment"
    assert transport.formats["TRTSDT"] == "DATE9" and "TRTSDT" in transport.numeric
    assert "USUBJID" not in transport.numeric


def derived_findings(config: Path, cut: str, tmp_path: Path) -> pd.DataFrame:
    """The findings of the ADaM the pipeline derives for a study's cut, its XPT files written
    by the pipeline's writer and read back."""
    study = load_study(config)
    settings = study.settings(cut)
    snapshot = ROOT / study.cut(cut)["snapshot"]
    if not snapshot.is_dir():
        pytest.skip(f"shared external data not beside the repository: {snapshot}")
    cutoff = study.cut(cut)["cutoff"]
    frames = {
        name: frame
        for name, frame in derive_study(snapshot, cutoff, settings).items()
        if name != "findings"
    }
    labels = settings["baseline"].get("supplemental")
    transports = {}
    for name, frame in frames.items():
        outputs = SimpleNamespace(
            parquet=tmp_path / f"{name}.parquet", xpt=tmp_path / f"{name}.xpt"
        )
        write_adam(frame, name, outputs, cutoff, labels)
        transports[name] = read_transport(outputs.xpt)
    return check_adam(frames, cutoff, transports)


@pytest.mark.parametrize(
    ("config", "cut"),
    [("config/config.yaml", "primary"), ("config/studies/pharmaverse.yaml", "pharmaverse")],
)
def test_the_derived_adam_has_no_conformance_error(config, cut, tmp_path):
    found = derived_findings(ROOT / config, cut, tmp_path)
    errors = found[found["severity"] == "error"]
    assert errors.empty, errors.to_string()


def test_an_adam_error_stops_the_gate_naming_check_dataset_variable_and_count(tmp_path):
    frames = conformant()
    frames["adsl"] = pd.concat([frames["adsl"], frames["adsl"].iloc[[0, 1]]])
    found = run(frames)
    with pytest.raises(JobError) as stopped:
        pass_gate(
            found,
            [],
            "config/waivers/primary.yaml",
            checks="ADaM conformance checks",
            stops="the clinical study report was not built",
            report="results/primary/checks/adam.html",
        )
    lines = str(stopped.value).splitlines()
    # One finding per subject with more than one record.
    assert lines[0].startswith("ADaM conformance checks found 2 error(s) in 1 check(s)")
    assert lines[0].endswith("the clinical study report was not built.")
    assert lines[1].startswith("[error] ADaM-54 ADSL: USUBJID USUBJID=S1")
    assert lines[1].endswith("(2 finding(s))")


def test_a_waiver_of_an_adam_check_is_judged_by_the_adam_gate_only(tmp_path):
    waiver_file = tmp_path / "primary.yaml"
    waiver_file.write_text(
        "- {check: ADaM-54, subject: S1, reason: known duplicate, by: A. Manager}\n"
        "- {check: RS.RSSTRESC.OVRLRESP, reason: no scan, by: A. Manager}\n",
        encoding="utf-8",
    )
    waivers = read_waivers(waiver_file)
    assert [w["check"] for w in gate_waivers(waivers, adam=True)] == ["ADaM-54"]
    assert [w["check"] for w in gate_waivers(waivers, adam=False)] == ["RS.RSSTRESC.OVRLRESP"]
    frames = conformant()
    frames["adsl"] = pd.concat([frames["adsl"], frames["adsl"].iloc[[0]]])
    record = pass_gate(
        run(frames),
        gate_waivers(waivers, adam=True),
        str(waiver_file),
        checks="ADaM conformance checks",
        stops="the clinical study report was not built",
        report="adam.html",
    )
    assert record["counts"]["waived"] == 1 and record["waivers"][0]["matched"] == 1
    # With nothing to accept, the ADaM waiver is itself an error.
    with pytest.raises(JobError, match=r"WAIVER\.UNMATCHED .*ADaM-54"):
        pass_gate(
            pd.DataFrame(columns=COLUMNS),
            gate_waivers(waivers, adam=True),
            str(waiver_file),
            checks="ADaM conformance checks",
            stops="the clinical study report was not built",
            report="adam.html",
        )


def planned_jobs(tmp_path: Path, target: str) -> dict[str, tuple[str, str]]:
    """Inputs and outputs of each job of a dry run of the bundled study (its config and data
    linked into a fresh working directory, so that no other run's lock or results count)."""
    for name in ("config", "data"):
        (tmp_path / name).symlink_to(ROOT / name)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]
    command += ["--directory", str(tmp_path), "--dry-run", target]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = re.findall(
        r"^(?:local)?rule (\w+):\n    input: (.*)\n    output: (.*)$", result.stdout, re.M
    )
    return {rule: (inputs, outputs) for rule, inputs, outputs in jobs}


def test_the_csr_is_built_only_behind_the_adam_gate(tmp_path):
    """The CSR needs its audit annex (16.1 quotes the annex's sha256), and the annex needs
    checks/adam_gate.json, which only a passed ADaM gate writes, and shows the ADaM findings;
    provenance (and so verify) covers the new files."""
    jobs = planned_jobs(tmp_path, "results/primary/csr.pdf")
    checks = "results/primary/checks"
    assert "results/primary/appendices/audit.pdf" in jobs["csr"][0].split(", ")
    annex_inputs = jobs["audit_annex"][0].split(", ")
    assert f"{checks}/adam_gate.json" in annex_inputs and f"{checks}/adam.json" in annex_inputs
    assert jobs["adam_gate"] == (
        f"{checks}/adam.json, {checks}/adam.html",
        f"{checks}/adam_gate.json",
    )
    assert "results/primary/adam/adae.xpt" in jobs["adam_checks"][0]
    for name in ("adam.json", "adam.html", "adam_gate.json"):
        assert f"{checks}/{name}" in jobs["provenance"][0].split(", ")
