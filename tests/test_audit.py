"""Audit trail under Snakemake: data lock, content-based rerun triggers, provenance, trace,
verify, Snakemake's report, and runs that are killed or run twice at once.

The workflow runs in a temporary project (tests/project.py), built once per session.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import zipfile
from pathlib import Path

import pytest
import yaml
from project import run, snakemake, wait_for

from oncocsr.hashing import sha256_file

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def built(built_project):
    return built_project


@pytest.fixture
def copy(built, tmp_path):
    """The built project copied with its results and .snakemake, times kept."""
    target = tmp_path / "copy"
    shutil.copytree(built, target, symlinks=True)
    return target


def planned(project: Path, *args: str) -> dict[str, int]:
    """Jobs a dry run would run, by rule (Snakemake's "Job stats" table)."""
    result = snakemake(project, "--dry-run", *args)
    assert result.returncode == 0, result.stderr[-2000:]
    text = result.stdout + result.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", table, re.M))
    jobs.pop("total", None)
    return {rule: int(count) for rule, count in jobs.items()}


def test_touching_code_reruns_nothing(copy):
    for path in [*copy.glob("scripts/*.py"), *copy.glob("oncocsr/**/*.py"), copy / "Snakefile"]:
        path.touch()
    assert planned(copy) == {}


def test_a_library_edit_reruns_exactly_its_rules_and_what_depends_on_them(copy):
    downstream = planned(copy, "--forcerun", "adrs")
    assert "adrs" in downstream and "csr" in downstream and "adsl" not in downstream
    module = copy / "oncocsr" / "adam" / "adrs.py"
    module.write_text(module.read_text() + "\n# a content edit\n")
    assert planned(copy) == downstream


def test_a_sap_parameter_change_reruns_exactly_its_dependents(copy):
    # orr.window_days reaches the adrs and csr rules (SAP section 4; the synopsis text).
    downstream = planned(copy, "--forcerun", "adrs", "csr")
    path = copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["orr"]["window_days"] += 1
    path.write_text(yaml.safe_dump(config))
    assert planned(copy) == downstream


def test_an_aesi_or_table_row_change_reruns_no_ingestion_nor_checks(copy):
    """Each rule gets only the settings it uses: a new AE of special interest reruns ADAE and
    what reads it; a new row of table 14.1.3 the baseline ARD and what reads it; neither reruns
    ingestion, the data checks or ADSL."""
    path = copy / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    config["safety"]["aesi"].append({"id": "NAUSEA", "label": "Nausea", "terms": ["NAUSEA"]})
    config["baseline"]["characteristics"].append({"variable": "ETHNIC", "label": "Ethnicity"})
    path.write_text(yaml.safe_dump(config))
    jobs = planned(copy)
    assert {"adae", "ard_baseline", "ard_safety", "csr"} <= set(jobs)
    assert not {"ingest_domain", "cross_checks", "checks_gate", "adsl", "adrs"} & set(jobs)


def test_a_fresh_copy_with_restored_results_reruns_nothing(built, tmp_path):
    # A plain copy gives every file a new time in copy order, as a clone plus a restore does.
    target = tmp_path / "clone"
    shutil.copytree(built, target, copy_function=shutil.copy)
    assert planned(target) == {}


@pytest.mark.parametrize("change", ["changed", "added", "missing"])
def test_a_snapshot_that_differs_from_its_lock_stops_the_run(copy, change):
    raw = copy / "sdtm"
    before = sha256_file(raw / "ae.xpt")
    if change == "changed":
        data = bytearray((raw / "ae.xpt").read_bytes())
        data[-100] ^= 1
        (raw / "ae.xpt").write_bytes(bytes(data))
        needles = ["ae.xpt", before, sha256_file(raw / "ae.xpt")]
    elif change == "added":
        (raw / "lb.xpt").write_bytes(b"new data")
        needles = ["lb.xpt", sha256_file(raw / "lb.xpt")]
    else:
        (raw / "ae.xpt").unlink()
        needles = ["ae.xpt", before]
    outputs = {p: p.stat().st_mtime_ns for p in (copy / "results").rglob("*") if p.is_file()}
    result = snakemake(copy)
    assert result.returncode != 0
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr[-2000:])
    # Nothing ran: no output was rewritten.
    assert outputs == {p: p.stat().st_mtime_ns for p in outputs}


def test_provenance_records_each_output_job_and_exports_prov(built):
    results = built / "results/primary"
    provenance = json.loads((results / "provenance.json").read_text())
    adrs = next(o for o in provenance["outputs"] if o["path"].endswith("adam/adrs.parquet"))
    assert adrs["rule"] == "adrs"
    assert {i["path"] for i in adrs["inputs"]} >= {"results/primary/sdtm/rs.parquet"}
    for item in adrs["inputs"]:
        assert item["sha256"] == sha256_file(built / item["path"])
    assert adrs["code"] and repr(adrs["code"]) in adrs["params"]
    assert provenance["lock"]["sha256"] == sha256_file(built / "config/locks/primary.lock.json")
    lock = json.loads((built / "config/locks/primary.lock.json").read_text())
    assert {r["path"]: r["lock_sha256"] for r in provenance["raw"]} == {
        f"sdtm/{f['name']}": f["sha256"] for f in lock["files"]
    }
    assert provenance["command"].startswith("snakemake")
    text = (results / "provenance.json").read_text()
    assert str(built) not in text and "starttime" not in text
    prov = json.loads((results / "provenance.prov.json").read_text())
    generated = {g["prov:entity"] for g in prov["wasGeneratedBy"].values()}
    assert f"file:{adrs['path']}" in generated
    assert set(prov["entity"]) >= {f"file:{r['path']}" for r in provenance["raw"]}
    jobs = json.loads((results / "logs/run.json").read_text())["jobs"]
    assert {job["path"] for job in jobs} == {o["path"] for o in provenance["outputs"]}


def test_verify_reports_a_tampered_output(copy):
    ok = run(copy, "oncocsr", "verify", "results/primary")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    target = copy / "results/primary/ard/ard.parquet"
    expected = sha256_file(target)
    target.write_bytes(target.read_bytes() + b"\0")
    tampered = run(copy, "oncocsr", "verify", "results/primary")
    assert tampered.returncode == 1
    assert "results/primary/ard/ard.parquet" in tampered.stdout + tampered.stderr
    assert expected in tampered.stdout + tampered.stderr


def test_trace_walks_an_ard_result_down_to_the_locked_raw_file(built):
    import pandas as pd

    ard = pd.read_parquet(built / "results/primary/ard/ard.parquet")
    row = ard[(ard["analysis_id"] == "ORR-FAS") & (ard["stat_name"] == "n")].iloc[0]
    result = run(built, "oncocsr", "trace", row["result_id"], "--results", "results/primary")
    assert result.returncode == 0, result.stderr
    lock = json.loads((built / "config/locks/primary.lock.json").read_text())
    rs = next(f for f in lock["files"] if f["name"] == "rs.xpt")
    assert row["result_id"] in result.stdout and "ADRS" in result.stdout
    assert "rs.xpt" in result.stdout and rs["sha256"] in result.stdout
    as_json = run(built, "oncocsr", "trace", row["result_id"], "--json")
    assert as_json.returncode == 0 and json.loads(as_json.stdout)


def test_snakemake_report_shows_the_figures_with_captions(copy):
    result = snakemake(copy, "--report", "report.zip")
    assert result.returncode == 0, result.stderr[-2000:]
    with zipfile.ZipFile(copy / "report.zip") as archive:
        names = archive.namelist()
        text = "".join(
            archive.read(name).decode("utf-8", "replace")
            for name in names
            if name.endswith((".html", ".js"))
        )
    for stem in ("14.2.2", "14.2.5", "14.2.8-waterfall", "14.2.8-swimmer"):
        assert any(name.endswith(f"{stem}.svg") for name in names), stem
    assert "objective response rate by subgroup" in text


def test_a_run_killed_mid_way_completes_on_restart_with_the_same_bytes(built, tmp_path):
    project = tmp_path / "killed"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("results", ".snakemake"))
    process = snakemake(project, wait=False)
    marker = project / "results/primary/adam/adsl.parquet"
    wait_for(lambda: marker.exists() or process.poll() is not None, 300)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    provenance = json.loads((built / "results/primary/provenance.json").read_text())
    for path in [o["path"] for o in provenance["outputs"]] + ["results/primary/csr.pdf"]:
        assert (project / path).read_bytes() == (built / path).read_bytes(), path


def test_a_second_run_in_the_same_folder_refuses(built, tmp_path):
    project = tmp_path / "busy"
    shutil.copytree(built, project, ignore=shutil.ignore_patterns("results", ".snakemake"))
    first = snakemake(project, wait=False)
    try:
        lock = project / ".snakemake/oncocsr-run.lock"
        wait_for(lambda: lock.exists() and bool(lock.read_text()), 120)
        second = snakemake(project)
        assert second.returncode != 0
        assert "another run of this workflow is using" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
