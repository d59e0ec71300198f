"""Every rule script's stderr goes to its log, traceback included, and a failure tells the user
in one line which rule failed on what and where the traceback is."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_job(
    tmp_path, body: str, inputs: dict | None = None, outputs: dict | None = None
) -> subprocess.CompletedProcess:
    """A script as Snakemake runs one: a ``snakemake`` object, then the script's code."""
    inputs, outputs = inputs or {}, outputs or {}
    log = tmp_path / "job.log"
    script = tmp_path / "job.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from types import SimpleNamespace
            from snakemake.iocontainers import Namedlist
            snakemake = SimpleNamespace(
                log=[{str(log)!r}],
                rule="adsl",
                wildcards={{"cut": "primary"}},
                input=Namedlist(fromdict={inputs!r}),
                output=Namedlist(fromdict={outputs!r}),
            )
            from oncocsr.joblog import JobError, job_log
            note = job_log(snakemake)
            """
        )
        + textwrap.dedent(body),
        encoding="utf-8",
    )
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True)


def test_a_failure_is_one_line_on_the_console_and_its_traceback_in_the_log(tmp_path):
    result = run_job(
        tmp_path, 'note("deriving")\nimport sys\nprint("warn", file=sys.stderr)\n{}["ARM"]\n'
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("oncocsr: rule adsl (cut=primary) failed: KeyError: 'ARM'")
    assert str(tmp_path / "job.log") in lines[0]
    log = (tmp_path / "job.log").read_text()
    assert "deriving" in log and "warn" in log
    assert "Traceback (most recent call last)" in log and "KeyError: 'ARM'" in log


def test_a_message_for_the_user_is_shown_whole_without_traceback(tmp_path):
    result = run_job(tmp_path, 'raise JobError("Data checks found 2 error(s)\\nline two")\n')
    assert result.returncode == 1
    assert (
        "rule adsl (cut=primary) stopped:\nData checks found 2 error(s)\nline two" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_job_that_succeeds_writes_what_it_did_to_its_log(tmp_path):
    result = run_job(tmp_path, 'note("ADSL: 43 subjects")\n')
    assert result.returncode == 0 and result.stderr == ""
    assert (tmp_path / "job.log").read_text() == "ADSL: 43 subjects\n"


def test_a_job_records_the_hashes_it_read_and_wrote_only_when_it_succeeds(tmp_path):
    import hashlib
    import json

    source, target = tmp_path / "in.parquet", tmp_path / "out.parquet"
    source.write_bytes(b"input bytes")
    files = {"inputs": {"data": str(source)}, "outputs": {"out": str(target)}}
    write = f"open({str(target)!r}, 'wb').write(b'output bytes')\n"
    record = tmp_path / "job.job.json"
    assert run_job(tmp_path, write, **files).returncode == 0
    written = json.loads(record.read_text())
    assert written["rule"] == "adsl" and written["wildcards"] == {"cut": "primary"}
    assert written["inputs"] == [
        {"path": str(source), "sha256": hashlib.sha256(b"input bytes").hexdigest(), "size": 11}
    ]
    assert written["outputs"][0]["sha256"] == hashlib.sha256(b"output bytes").hexdigest()
    # A failing rerun leaves no record of the earlier success.
    assert run_job(tmp_path, write + "{}['x']\n", **files).returncode == 1
    assert not record.exists()
