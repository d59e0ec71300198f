"""One run of the workflow at a time per working directory, until every job of it has ended.

Two runs writing the same results would corrupt them. The main Snakemake process of a run holds
an exclusive lock on ``.snakemake/oncocsr-run.lock`` (``hold_run_lock``), in which it writes its
pid and command; every job holds a shared lock on ``.snakemake/oncocsr-jobs.lock`` for as long
as its process lives (``join_run``, called by ``oncocsr.joblog.job_log``, the first act of every
rule script). The operating system releases both when a process ends, even by SIGKILL, so a
killed run leaves nothing to unlock (Snakemake's own directory lock, which would, is switched off
in the profile); but a job outlives a main process killed alone, and while it runs a new run
refuses to start.

The order closes the race with a job that starts just as its run's main process is killed: a
new run writes its pid before it checks the jobs lock, and a job takes the jobs lock before it
checks that the run lock still names its own run. Either the new run sees the job's lock, or
the job sees the new run's pid and stops before writing anything. A new run's own jobs only
start after its check, which they therefore cannot fail.
"""

from __future__ import annotations

import fcntl
import os
import re
import shlex
from pathlib import Path
from typing import IO

RUN_LOCK = Path(".snakemake/oncocsr-run.lock")
JOBS_LOCK = Path(".snakemake/oncocsr-jobs.lock")
# The pid of the run's main process, which every job inherits from it.
RUN_ENV = "ONCOCSR_RUN_PID"
_HOLDER = re.compile(r"pid (\d+):")


class RunLockError(RuntimeError):
    """The working directory is in use by another run, or by a job of one."""


def _holder(text: str) -> str | None:
    """The pid written in the run lock by the run that holds it."""
    found = _HOLDER.match(text)
    return found.group(1) if found else None


def _no_job_running(path: Path) -> bool:
    """Whether no job holds the jobs lock: the exclusive lock is taken and given back at once,
    so that the jobs of this run can take theirs."""
    with open(path, "a") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
    return True


def hold_run_lock(argv: list[str]) -> IO[str]:
    """Take the run lock of the current directory for this process (the main Snakemake process,
    run with the arguments ``argv``) and return its open file, to be kept open for the whole run;
    a ``RunLockError`` names what holds the directory instead.

    The lock records the command, without the absolute working directory, which rule provenance
    reads back (oncocsr.provenance.run_command)."""
    where = Path.cwd()
    RUN_LOCK.parent.mkdir(parents=True, exist_ok=True)
    handle = open(RUN_LOCK, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunLockError(
            f"another run of this workflow is using {where} ({holder}); wait for it to "
            "finish: two runs writing the same results would corrupt them"
        ) from None
    handle.seek(0)
    earlier = handle.read()
    command = ["snakemake", *(arg.replace(str(where), ".") for arg in argv)]
    _rewrite(handle, f"pid {os.getpid()}: {shlex.join(command)}\n")
    if not _no_job_running(JOBS_LOCK):
        # The earlier run's line again, for the next attempt's message.
        _rewrite(handle, earlier)
        handle.close()
        raise RunLockError(
            f"a job of an earlier run of this workflow ({earlier.strip() or 'unknown'}) is still "
            f"running in {where}, though the main Snakemake process of that run has ended; wait "
            "for the job to finish or stop it: two runs writing the same results would corrupt "
            "them"
        )
    os.environ[RUN_ENV] = str(os.getpid())
    return handle


def _rewrite(handle: IO[str], text: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(text)
    handle.flush()


def join_run() -> None:
    """Hold the jobs lock, shared, until this job's process ends, so that no new run starts
    while the job runs; then check that the run that started the job still holds the directory,
    or raise a ``RunLockError`` before the job writes anything. A process that no run started
    (a script run by hand, a test) takes no lock."""
    run = os.environ.get(RUN_ENV)
    if run is None:
        return
    # A bare descriptor, never closed: the lock lasts as long as the process.
    descriptor = os.open(JOBS_LOCK, os.O_RDONLY | os.O_CREAT, 0o666)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    try:
        text = RUN_LOCK.read_text()
    except FileNotFoundError:
        text = ""
    if _holder(text) != run:
        raise RunLockError(
            f"the run that started this job (pid {run}) has ended and "
            f"{text.strip() or 'no run'} holds {Path.cwd()} now; this job stops so as not to "
            "write beside it"
        )
