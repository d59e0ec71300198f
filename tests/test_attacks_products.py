"""Attacks on what a run leaves behind (issue 15, items 7 and 8): a rerun stopped by a gate after
a good build, a job that fails after the gate, a writer that fails half way, and a second run
while a job of a killed run is still writing.

The Snakemake attacks work on a copy of the project built once per session (conftest.py,
built_project), so each costs only the jobs it reruns.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from project import snakemake, wait_for

from oncocsr.io import write_xpt

pytestmark = pytest.mark.workflow

# Made after the data-checks gate, and after the ADaM gate (DESIGN.md, output contract).
REPORT = ["csr.pdf", "manifest.json", "provenance.json"]
AFTER_ADAM = ["ard/ard.parquet", "tlf/14.2.1.html", "appendices/listing-16.2.2.pdf", *REPORT]
AFTER_DATA_GATE = ["adam/adsl.parquet", "checks/adam_gate.json", *AFTER_ADAM]


@pytest.fixture
def project(built_project, tmp_path):
    """A copy of the built project: code, results and .snakemake, file times kept."""
    target = tmp_path / "project"
    shutil.copytree(built_project, target, symlinks=True)
    return target


def set_aside(project: Path) -> list[Path]:
    """The folders a failed run moved a cut's out-of-date products to."""
    return sorted((project / "results").glob("primary.set-aside-*"))


def partial_files(project: Path) -> list[Path]:
    """Temporary files of writes that did not finish."""
    return sorted((project / "results").rglob(".partial-*"))


def unmatched_waiver(project: Path) -> str:
    """Close the data-checks gate: a waiver that matches no finding (oncocsr.waivers)."""
    waivers = project / "config/waivers/primary.yaml"
    waivers.parent.mkdir(parents=True)
    check = {"check": "RS.RSSTRESC.OVRLRESP", "reason": "r", "by": "dm"}
    waivers.write_text(yaml.safe_dump([check]))
    return "WAIVER.UNMATCHED"


def bad_adam_flag(project: Path) -> str:
    """Close the ADaM gate: the ADaM checks see a flag that is neither Y, N nor null."""
    script = project / "scripts/adam_checks.py"
    code = script.read_text()
    check = "findings = check_adam("
    assert check in code
    script.write_text(code.replace(check, 'datasets["adsl"].loc[0, "SAFFL"] = "X"\n' + check))
    return "ADaM-5"


@pytest.mark.parametrize(
    ("close", "gate", "stale", "kept"),
    [
        (unmatched_waiver, "checks_gate", AFTER_DATA_GATE, ["sdtm/rs.parquet"]),
        (bad_adam_flag, "adam_gate", AFTER_ADAM, ["adam/adsl.parquet"]),
    ],
)
def test_a_rerun_stopped_by_a_gate_leaves_no_earlier_product_behind_it(
    project, close, gate, stale, kept
):
    results = project / "results/primary"
    earlier = (results / "csr.pdf").read_bytes()
    finding = close(project)
    result = snakemake(project)
    assert result.returncode != 0
    assert f"rule {gate}" in result.stderr and finding in result.stderr
    for name in stale:
        assert not (results / name).exists(), name
    for name in kept:
        assert (results / name).exists(), name
    # Moved aside, clearly named, and said so.
    [folder] = set_aside(project)
    assert (folder / "csr.pdf").read_bytes() == earlier
    assert "did not pass" in (folder / "REASON.txt").read_text()
    assert f"{folder.relative_to(project)}/" in result.stderr


def test_a_job_failing_after_the_gate_leaves_no_csr_nor_its_own_outputs(project):
    results = project / "results/primary"
    script = project / "scripts/tlf_response_figures.py"
    script.write_text(script.read_text() + '\nraise RuntimeError("the figures failed")\n')
    result = snakemake(project)
    assert result.returncode != 0
    assert "rule tlf_response_figures" in result.stderr
    for name in ["14.2.8-waterfall.svg", "14.2.8-spider.svg", "14.2.8-swimmer.svg"]:
        assert not (results / "tlf" / name).exists(), name
    assert partial_files(project) == []
    # The CSR no longer matches its products: out of the way, with its manifest.
    for name in REPORT:
        assert not (results / name).exists(), name
    assert "the report no longer matches the cut's products" in result.stderr
    [folder] = set_aside(project)
    assert (folder / "csr.pdf").is_file() and (folder / "manifest.json").is_file()
    assert (results / "ard/ard.parquet").exists()


def test_a_writer_failing_half_way_leaves_no_file(tmp_path):
    path = tmp_path / "adsl.xpt"
    # The first row (readstat's prototype) is written; SAS transport cannot hold the second.
    frame = pd.DataFrame({"AGE": [50.0, 1e80], "USUBJID": ["S-01", "S-02"]})
    with pytest.raises(ValueError, match="outside the range"):
        write_xpt(frame, path, dataset="ADSL")
    assert sorted(tmp_path.iterdir()) == []


def test_a_job_of_a_killed_run_keeps_a_second_run_out(project):
    # The CSR job of the first run waits, so that the run's main process is killed under it.
    marker = project / "csr-job.pid"
    script = project / "scripts/csr.py"
    code = script.read_text()
    first_line = "note = job_log(snakemake)\n"
    assert first_line in code
    script.write_text(
        code.replace(
            first_line,
            first_line
            + "import os, pathlib, time\n"
            + f"if not pathlib.Path({str(marker)!r}).exists():\n"
            + f"    pathlib.Path({str(marker)!r}).write_text(str(os.getpid()))\n"
            + "    time.sleep(120)\n",
        )
    )
    first = snakemake(project, wait=False)
    try:
        wait_for(lambda: marker.exists() or first.poll() is not None, 120)
        assert marker.exists(), "the CSR job did not start"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        job = int(marker.read_text())
        os.kill(job, 0)  # the job outlives the main process
        second = snakemake(project)
        assert second.returncode != 0
        assert "a job of an earlier run of this workflow" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
