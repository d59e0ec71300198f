"""The workflow copied into a temporary project (its own code, config, lock and snapshot), so
that tests can edit code and data without touching the repository; PYTHONPATH makes the jobs
import the copy's library. The project is built once per session (conftest.py, built_project);
tests that change anything work on a copy of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from oncocsr.simulate import run as simulate

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = [
    "Snakefile",
    "rules",
    "scripts",
    "oncocsr",
    "reports",
    "schemas",
    "profiles",
    "config",
    "requirements.lock",
    "environment.yml",
]


def run(project: Path, *args: str, wait: bool = True):
    """``python -m <args>`` in the project, importing its library: the finished process, or
    with ``wait=False`` the running one, in a session of its own (its process group)."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    command = [sys.executable, "-m", *args]
    if not wait:
        return subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def snakemake(project: Path, *args: str, wait: bool = True):
    """Snakemake on two cores in the project (see ``run``)."""
    return run(project, "snakemake", "--cores", "2", *args, wait=wait)


def new_project(folder: Path) -> Path:
    """The workflow, a 30-subject simulated snapshot and its data lock, in ``folder``."""
    for name in WORKFLOW:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    shutil.rmtree(folder / "config" / "locks", ignore_errors=True)
    meta = simulate(30, 5, folder / "sdtm", quiet=True)
    config = yaml.safe_load((folder / "config" / "config.yaml").read_text())
    config["cuts"] = {"primary": {"snapshot": "sdtm", "cutoff": meta["cutoff"]}}
    (folder / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    locked = run(folder, "oncocsr", "lock", "--cut", "primary")
    assert locked.returncode == 0, locked.stderr
    return folder


def wait_for(ready: Callable[[], bool], seconds: float) -> bool:
    """Poll ``ready`` every 0.1 s until it holds or ``seconds`` pass; returns its last answer."""
    deadline = time.monotonic() + seconds
    while not ready() and time.monotonic() < deadline:
        time.sleep(0.1)
    return ready()
