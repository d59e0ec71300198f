"""The workflow's helpers (oncocsr.workflow, oncocsr.runlock), which rules/common.smk wires."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from oncocsr.runlock import RUN_ENV, RUN_LOCK, RunLockError, hold_run_lock
from oncocsr.workflow import (
    SnapshotError,
    check_required_domains,
    config_source,
    select_settings,
    set_aside_after_failure,
    snapshot_files,
)

ROOT = Path(__file__).resolve().parents[1]


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


NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def cut_results(folder: Path, names: list[str]) -> Path:
    """A cut's results folder holding ``names``, each written one second after the one before."""
    for number, name in enumerate(names):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    return folder


def files(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


BUILT = [
    "sdtm/dm.parquet",
    "checks/report.html",
    "logs/checks_gate.log",
    "checks/gate.json",
    "adam/adsl.parquet",
    "checks/adam.json",
    "logs/adam_gate.log",
    "checks/adam_gate.json",
    "ard/ard.parquet",
    "tlf/14.2.1.html",
    "provenance.json",
    "csr.pdf",
    "manifest.json",
]


@pytest.mark.parametrize(
    ("stopped", "gate", "moved"),
    [
        (
            "checks/gate.json",
            "the data-checks gate",
            {"adam/adsl.parquet", "checks/adam.json", "checks/adam_gate.json"},
        ),
        ("checks/adam_gate.json", "the ADaM gate", set()),
    ],
)
def test_a_gate_that_stopped_the_run_sets_aside_everything_it_guards(
    tmp_path, stopped, gate, moved
):
    results = tmp_path / "results"
    folder = cut_results(results / "c", BUILT)
    (folder / stopped).unlink()
    message = set_aside_after_failure("c", [], results=results, now=NOW)
    target = results / "c.set-aside-20250102T030405Z"
    assert message.startswith(f"oncocsr: cut c: {gate} did not pass, so ")
    assert f"moved out of the way to {target}/" in message
    moved |= {"ard/ard.parquet", "tlf/14.2.1.html", "provenance.json", "csr.pdf", "manifest.json"}
    assert files(target) == {*moved, "REASON.txt"}
    assert files(folder) == set(BUILT) - moved - {stopped}
    assert f"{gate} did not pass" in (target / "REASON.txt").read_text()


def test_a_report_older_than_a_product_is_set_aside_after_a_failure(tmp_path):
    results = tmp_path / "results"
    folder = cut_results(results / "c", BUILT)
    products = [folder / "adam/adsl.parquet", folder / "tlf/14.2.1.html"]
    assert set_aside_after_failure("c", products, results=results, now=NOW) is None
    assert files(folder) == set(BUILT)
    os.utime(products[1], (2_000_000, 2_000_000))
    message = set_aside_after_failure("c", products, results=results, now=NOW)
    assert (
        f"the report no longer matches the cut's products ({products[1]} is newer than " in message
    )
    target = results / "c.set-aside-20250102T030405Z"
    assert files(target) == {"provenance.json", "csr.pdf", "manifest.json", "REASON.txt"}
    # The products stay: Snakemake reruns from them.
    assert (folder / "tlf/14.2.1.html").exists()


@pytest.mark.parametrize("missing", ["tlf/14.2.2.svg", "csr.pdf"])
def test_a_missing_product_or_csr_makes_the_report_stale(tmp_path, missing):
    results = tmp_path / "results"
    folder = cut_results(results / "c", BUILT)
    (folder / missing).unlink(missing_ok=True)
    message = set_aside_after_failure("c", [folder / "tlf/14.2.2.svg"], results=results, now=NOW)
    assert f"({folder / missing} is missing)" in message
    assert not (folder / "manifest.json").exists() and not (folder / "provenance.json").exists()


def test_a_second_run_is_refused_while_the_first_holds_the_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(RUN_ENV, "")
    first = hold_run_lock(["--cores", "2", "--directory", str(tmp_path)])
    assert RUN_LOCK.read_text() == f"pid {os.getpid()}: snakemake --cores 2 --directory .\n"
    assert os.environ[RUN_ENV] == str(os.getpid())
    with pytest.raises(RunLockError, match="another run of this workflow is using"):
        hold_run_lock([])
    first.close()
    hold_run_lock([]).close()


JOB = """
from oncocsr.runlock import join_run
join_run()
print("running", flush=True)
input()
"""


def test_a_job_of_a_run_whose_main_process_ended_keeps_a_new_run_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(RUN_ENV, "")
    run = hold_run_lock(["--cores", "2"])
    job = subprocess.Popen(
        [sys.executable, "-c", JOB],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert job.stdout.readline() == "running\n"
        run.close()  # the main process ends, its job runs on
        with pytest.raises(RunLockError) as refused:
            hold_run_lock(["--cores", "1"])
        assert re.match(
            rf"a job of an earlier run of this workflow \(pid {os.getpid()}: snakemake --cores 2\)"
            rf" is still running in {tmp_path}",
            str(refused.value),
        )
    finally:
        job.communicate("")
    hold_run_lock([]).close()


def test_a_job_that_starts_after_its_run_ended_stops_before_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    RUN_LOCK.parent.mkdir()
    RUN_LOCK.write_text("pid 2: snakemake --cores 1\n")
    job = subprocess.run(
        [sys.executable, "-c", JOB],
        env={**os.environ, "PYTHONPATH": str(ROOT), RUN_ENV: "1"},
        capture_output=True,
        text=True,
    )
    assert job.returncode == 1 and job.stdout == ""
    assert (
        "RunLockError: the run that started this job (pid 1) has ended and pid 2: snakemake "
        "--cores 1 holds"
    ) in job.stderr


def test_every_rule_runs_a_script_that_joins_the_run_first():
    """Every job holds the run's jobs lock (oncocsr.runlock) only through job_log: a rule that
    ran a shell command, or a script that did not call job_log first, would not."""
    for rules in sorted((ROOT / "rules").glob("*.smk")):
        directives = re.findall(
            r"^    (shell|run|script|notebook|wrapper):", rules.read_text(), re.M
        )
        assert set(directives) <= {"script"}, rules.name
    for script in sorted((ROOT / "scripts").glob("*.py")):
        code = script.read_text()
        body = code.split('"""', 2)[2].lstrip()
        assert re.match(r"from oncocsr\.joblog import .*\n\nnote = job_log\(snakemake\)\n", body), (
            script.name
        )


def test_config_source_names_files_relative_to_the_working_directory(tmp_path, monkeypatch):
    """A finding names the study config by a path that is the same in every folder the study is
    built in: relative inside the working directory, the file name outside it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "studies").mkdir()
    inside = tmp_path / "studies" / "study.yaml"
    outside = tmp_path.parent / "elsewhere.yaml"
    assert config_source([inside]) == "studies/study.yaml"
    assert config_source([inside, outside]) == "studies/study.yaml, elsewhere.yaml"
    assert config_source([]) == "config/config.yaml"
