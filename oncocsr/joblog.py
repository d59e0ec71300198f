"""The first act of every rule script: send its stderr, tracebacks included, to the job's log,
and on failure tell the user in one line which rule failed on what and where to look.

Snakemake runs a ``script:`` in its own Python process; what it writes to stderr otherwise ends
up on the console, mixed with other jobs, and the job's log stays empty. Here file descriptor 2
itself is redirected, so that warnings of C libraries and subprocesses reach the log too.
"""

from __future__ import annotations

import atexit
import os
import sys
import traceback
from collections.abc import Callable

from oncocsr import jobrecord, runlock


class JobError(Exception):
    """A failure whose message is written for the user (e.g. the data-checks gate): shown in
    full on the console, without a traceback."""


HINT = "fix what the message names (input data or study config) and run snakemake again"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 300 else f"{text[:300]}..."


def job_log(snakemake) -> Callable[[str], None]:
    """Redirect stderr to ``snakemake.log[0]``, install the failure report and start the job's
    record of input and output hashes (oncocsr.jobrecord, written when the job ends without
    error); returns a function that writes a line to the log (what the job did, for the reader
    of the log)."""
    path = snakemake.log[0]
    console = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="replace")
    log = open(path, "w", buffering=1, encoding="utf-8", errors="replace")
    os.dup2(log.fileno(), 2)
    sys.stderr = log
    rule = snakemake.rule
    wildcards = ", ".join(f"{k}={v}" for k, v in snakemake.wildcards.items())
    where = f"rule {rule}" + (f" ({wildcards})" if wildcards else "")

    record = jobrecord.start(snakemake)
    atexit.register(record.finish)

    def report(kind, error, trace) -> None:
        record.failed = True
        traceback.print_exception(kind, error, trace, file=log)
        log.flush()
        if isinstance(error, JobError):
            print(f"oncocsr: {where} stopped:\n{error}\n(log: {path})", file=console)
        else:
            print(
                f"oncocsr: {where} failed: {kind.__name__}: {_one_line(error)} "
                f"(traceback in {path}); {HINT}.",
                file=console,
            )
        console.flush()

    sys.excepthook = report
    # Before the job writes anything: no new run starts while it runs.
    runlock.join_run()

    def note(message: str) -> None:
        print(message, file=log)

    return note
