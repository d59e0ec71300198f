"""trace on a hand-made results folder: ARD filters, ADaM to SDTM links, output lineage."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from oncocsr.hashing import sha256_file
from oncocsr.trace import (
    Condition,
    FilterError,
    parse_filter,
    render,
    trace,
    trace_output,
    trace_result,
)

RESULTS = "results/t"
ARM, OTHER = "Drug 10 mg", "Drug 20 mg"
NAN = np.nan


def cli(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", *args], cwd=cwd, capture_output=True, text=True
    )


def write(frame: pd.DataFrame, path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)


def ard_row(result_id: str, source: str, filter: str, group: str) -> dict:
    return {
        "result_id": result_id,
        "analysis_id": result_id.split(":")[0],
        "tlf_id": "14.2.1",
        "population": "FAS",
        "group": group,
        "variable": "X",
        "stat_name": result_id.split(":")[-1],
        "stat_value": 0.5,
        "stat_label": "a statistic",
        "source_dataset": source,
        "filter": filter,
        "method": "a method",
        "input_sha256": "0" * 64,
    }


ROWS = [
    ard_row(
        "ORR:A:CRSP:n", "ADRS", "FASFL = 'Y' and PARAMCD = 'CBOR' and AVALC in ['CR', 'PR']", ARM
    ),
    ard_row(
        "ORR:T:CRSP:n",
        "ADRS",
        "FASFL = 'Y' and PARAMCD = 'CBOR' and AVALC in ['CR', 'PR']",
        "Total",
    ),
    ard_row("SUB:A:AGE:n", "ADRS, ADSL", "FASFL = 'Y' and AGEGR1 = '<50'", ARM),
    ard_row("AE:T:ALL:n", "ADAE", "TRTEMFL = 'Y' and AESER != 'Y'", "Total"),
    ard_row("AE:T:DISC:n", "ADAE", "TRTEMFL = 'Y' and DISCFL = Y", "Total"),
    ard_row("SIMON:A:CRSP:n", "ADRS", "FASFL = 'Y' and PARAMCD = 'CBOR'; stage 1 = first n1", ARM),
    ard_row("PD:T:CITE:n", "ADRS", "PARAMCD = 'OVR' and AVALC = 'PD'", "Total"),
]


@pytest.fixture
def study(tmp_path, monkeypatch):
    """A results folder with ARD, ADaM, cut SDTM and raw files, and a provenance.json whose
    raw entries carry their lock hashes."""
    monkeypatch.chdir(tmp_path)
    results = tmp_path / RESULTS
    adsl = pd.DataFrame(
        {
            "USUBJID": ["S1", "S2", "S3", "S4"],
            "ACTARM": [ARM, ARM, ARM, OTHER],
            "FASFL": ["Y", "Y", "N", "Y"],
            "AGEGR1": ["<50", ">=50", "<50", "<50"],
        }
    )
    # S1 responds (PR), S2 does not, S3 responds but is not in the FAS, S4 responds in the
    # other arm. OVR records cite RS; S4's PD record cites an RS record the cut lacks.
    adrs = pd.DataFrame(
        {
            "USUBJID": ["S1", "S1", "S1", "S2", "S2", "S3", "S3", "S4", "S4", "S4"],
            "PARAMCD": ["OVR", "OVR", "CBOR", "OVR", "CBOR", "OVR", "CBOR", "OVR", "OVR", "CBOR"],
            "AVALC": ["PR", "PR", "PR", "SD", "SD", "CR", "CR", "CR", "PD", "CR"],
            "SRCDOM": ["RS", "RS", "", "RS", "", "RS", "", "RS", "RS", ""],
            "SRCSEQ": [2.0, 3.0, NAN, 1.0, NAN, 1.0, NAN, 1.0, 9.0, NAN],
            "ACTARM": [ARM] * 7 + [OTHER] * 3,
            "FASFL": ["Y"] * 5 + ["N"] * 2 + ["Y"] * 3,
        }
    )
    rs = pd.DataFrame(
        {
            "USUBJID": ["S1", "S1", "S1", "S1", "S2", "S3", "S4"],
            "RSSEQ": [1.0, 2.0, 3.0, 4.0, 1.0, 1.0, 1.0],
            "RSSTRESC": ["NE", "PR", "PR", "PD", "SD", "CR", "CR"],
        }
    )
    adae = pd.DataFrame(
        {
            "USUBJID": ["S1", "S1", "S2", "S4"],
            "AESEQ": [1.0, 2.0, 1.0, 1.0],
            "TRTEMFL": ["Y", "Y", "", "Y"],
            "AESER": ["N", "Y", "N", "N"],
            "DISCFL": ["Y", "", "", ""],
            "ACTARM": [ARM, ARM, ARM, OTHER],
        }
    )
    ae = adae[["USUBJID", "AESEQ"]].assign(AETERM="x")
    dm = adsl[["USUBJID"]].assign(SEX="F")
    frames = {
        "ard/ard.parquet": pd.DataFrame(ROWS),
        "adam/adsl.parquet": adsl,
        "adam/adrs.parquet": adrs,
        "adam/adae.parquet": adae,
        "sdtm/rs.parquet": rs,
        "sdtm/ae.parquet": ae,
        "sdtm/dm.parquet": dm,
    }
    for name, frame in frames.items():
        write(frame, results / name)
    raw_dir = tmp_path / "data/raw"
    raw_dir.mkdir(parents=True)
    for domain in ("rs", "ae", "dm"):
        (raw_dir / f"{domain}.xpt").write_bytes(f"raw {domain}".encode())
    provenance = {
        "outputs": [
            {"path": f"{RESULTS}/{name}", "sha256": sha256_file(results / name), "rule": "r"}
            for name in frames
        ],
        "raw": [
            {
                "path": f"data/raw/{d}.xpt",
                "sha256": sha256_file(raw_dir / f"{d}.xpt"),
                "lock_sha256": sha256_file(raw_dir / f"{d}.xpt"),
            }
            for d in ("ae", "dm", "rs")
        ],
    }
    (results / "provenance.json").write_text(json.dumps(provenance), encoding="utf-8")
    return tmp_path


def child(node: dict, name: str) -> dict:
    return next(c for c in node.get("children", []) if c["name"] == name)


# --- filters ----------------------------------------------------------------------------------


def test_filters_of_the_ard_are_parsed():
    conditions, note = parse_filter(
        "FASFL = 'Y' and NPRREG = 3 and SAFFL != 'Y' and AVALC in ['CR', \"PR\"]; stage 1 = x"
    )
    assert conditions == [
        Condition("FASFL", "==", "Y"),
        Condition("NPRREG", "==", 3.0),
        Condition("SAFFL", "!=", "Y"),
        Condition("AVALC", "in", ("CR", "PR")),
    ]
    assert note == "stage 1 = x"


@pytest.mark.parametrize(
    "text",
    [
        "DISCFL = Y",
        "A = 'Y' or B = 'Y'",
        "(A = 'Y')",
        "AGE > 50",
        "A = 'Y' and",
        "A in ['x'",
        "A = ]",
    ],
)
def test_filters_that_cannot_be_applied_exactly_are_refused(text):
    with pytest.raises(FilterError):
        parse_filter(text)


# --- trace of an ARD result -------------------------------------------------------------------


def test_trace_result_selects_filter_and_group_and_follows_srcseq(study):
    lineage = trace_result(RESULTS, "ORR:A:CRSP:n")
    assert lineage["filter"] == ROWS[0]["filter"] and "filter_not_applied" not in lineage
    adrs = child(lineage, "ADRS")
    assert adrs["subjects"] == ["S1"] and adrs["records"] == 1
    assert adrs["sha256"] == sha256_file(study / RESULTS / "adam/adrs.parquet")
    rs = child(adrs, "RS")
    # The CBOR record is derived; S1's OVR records cite RSSEQ 2 and 3 (not 1 or 4).
    assert rs["record_keys"] == [{"USUBJID": "S1", "RSSEQ": 2}, {"USUBJID": "S1", "RSSEQ": 3}]
    raw = child(rs, "data/raw/rs.xpt")
    assert raw["sha256"] == raw["lock_sha256"] == sha256_file(study / "data/raw/rs.xpt")

    total = child(trace_result(RESULTS, "ORR:T:CRSP:n"), "ADRS")
    assert total["subjects"] == ["S1", "S4"]


def test_trace_result_reports_cited_records_missing_from_the_cut(study):
    rs = child(child(trace_result(RESULTS, "PD:T:CITE:n"), "ADRS"), "RS")
    assert rs["records"] == 0 and rs["not_found"] == [{"USUBJID": "S4", "RSSEQ": 9}]


def test_subject_variables_come_from_adsl(study):
    lineage = trace_result(RESULTS, "SUB:A:AGE:n")
    adrs, adsl = child(lineage, "ADRS"), child(lineage, "ADSL")
    assert adrs["subjects"] == adsl["subjects"] == ["S1"]
    assert "AGEGR1 taken from ADSL" in adrs["notes"]
    assert child(adsl, "DM")["subjects"] == ["S1"]


def test_adae_links_by_aeseq(study):
    ae = child(child(trace_result(RESULTS, "AE:T:ALL:n"), "ADAE"), "AE")
    assert ae["record_keys"] == [{"USUBJID": "S1", "AESEQ": 1}, {"USUBJID": "S4", "AESEQ": 1}]


def test_unapplicable_filter_is_said_not_guessed(study):
    lineage = trace_result(RESULTS, "AE:T:DISC:n")
    assert "not quoted" in lineage["filter_not_applied"]
    adae = child(lineage, "ADAE")
    assert "records" not in adae and "subjects" not in adae
    ae = child(adae, "AE")
    assert "records" not in ae and child(ae, "data/raw/ae.xpt")["sha256"]


def test_prose_after_semicolon_is_flagged(study):
    lineage = trace_result(RESULTS, "SIMON:A:CRSP:n")
    assert "stage 1 = first n1" in lineage["filter_not_applied"]
    assert child(lineage, "ADRS")["subjects"] == ["S1", "S2"]


def test_trace_command_text_json_and_unknown_target(study):
    text = cli(study, "trace", "ORR:A:CRSP:n", "--results", RESULTS)
    assert text.returncode == 0, text.stderr
    assert "ADRS" in text.stdout and "RSSEQ=2" in text.stdout
    assert sha256_file(study / "data/raw/rs.xpt") in text.stdout
    as_json = cli(study, "trace", "ORR:A:CRSP:n", "--results", RESULTS, "--json")
    assert json.loads(as_json.stdout) == json.loads(
        json.dumps(trace("ORR:A:CRSP:n", RESULTS), sort_keys=True)
    )
    unknown = cli(study, "trace", "ORR:A:CRSP:N", "--results", RESULTS)
    assert unknown.returncode == 2 and "neither an output" in unknown.stderr
    assert "ORR:A:CRSP:n" in unknown.stderr  # the close match is suggested


def test_render_shows_ten_items_and_the_count():
    subjects = [f"S{i:02d}" for i in range(12)]
    text = render({"node": "ADaM", "name": "ADSL", "subjects": subjects})
    assert "S09" in text and "S10" not in text and "12 in all" in text


# --- trace of an output file ------------------------------------------------------------------


def test_trace_output_walks_inputs_down_to_raw_files():
    def out(path, *inputs, rule="r"):
        return {
            "path": path,
            "sha256": f"sha-{path}",
            "rule": rule,
            "code": f"code-{rule}",
            "params": {"code": f"'code-{rule}'"},
            "inputs": [{"path": i, "sha256": f"sha-{i}"} for i in inputs],
        }

    provenance = {
        "outputs": [
            out("r/ard.parquet", "r/adrs.parquet", "r/adsl.parquet", rule="ard"),
            out("r/adrs.parquet", "r/rs.parquet", "r/adsl.parquet", rule="adrs"),
            out("r/adsl.parquet", "r/dm.parquet", rule="adsl"),
            out("r/rs.parquet", "raw/rs.xpt", rule="ingest"),
            out("r/dm.parquet", "raw/dm.xpt", rule="ingest"),
        ],
        "raw": [
            {"path": "raw/rs.xpt", "sha256": "sha-raw/rs.xpt", "lock_sha256": "lock-rs"},
            {"path": "raw/dm.xpt", "sha256": "sha-raw/dm.xpt", "lock_sha256": "lock-dm"},
        ],
    }
    provenance["outputs"][0]["inputs"][0]["sha256"] = "stale"
    lineage = trace_output(provenance, "r/ard.parquet")
    assert (lineage["rule"], lineage["code"]) == ("ard", "code-ard")
    assert lineage["params"] == {"code": "'code-ard'"}

    nodes = []

    def walk(node):
        nodes.append(node)
        for item in node.get("children", []):
            walk(item)

    walk(lineage)
    expanded = [n["name"] for n in nodes if not n.get("see_above")]
    assert len(expanded) == len(set(expanded)) == 7
    assert [n["name"] for n in nodes if n.get("see_above")] == ["r/adsl.parquet"]
    assert {n["name"]: n["lock_sha256"] for n in nodes if n["node"] == "raw"} == {
        "raw/rs.xpt": "lock-rs",
        "raw/dm.xpt": "lock-dm",
    }
    assert child(lineage, "r/adrs.parquet")["sha256_when_read"] == "stale"
    assert "(see above)" in render(lineage)


def test_trace_command_on_an_output_path(study):
    done = cli(study, "trace", f"{RESULTS}/adam/adrs.parquet", "--results", RESULTS, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sha256"] == sha256_file(study / RESULTS / "adam/adrs.parquet")
