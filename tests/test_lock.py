"""Snapshot locks: what a lock records, and every way a snapshot can drift from it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import yaml

from oncocsr.lock import (
    LockError,
    SnapshotChanged,
    build_lock,
    check_lock_matches,
    lock_path,
    read_lock,
    verify_snapshot,
    write_lock,
)

FILES = {"dm.xpt": b"DM records\n", "rs.csv": b"USUBJID,RSSEQ\nS1,1\n", "simulation.json": b"{}"}
CUT = {"snapshot": "data/snap", "cutoff": "2016-10-13", "description": "test cut"}
NOW = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A working directory with a three-file snapshot at data/snap."""
    snapshot = tmp_path / "data" / "snap"
    snapshot.mkdir(parents=True)
    for name, data in FILES.items():
        (snapshot / name).write_bytes(data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def locked(project):
    lock = build_lock("primary", CUT, commit="abc123", now=NOW)
    write_lock(lock, lock_path("primary"))
    return lock


def test_lock_records_every_file_of_the_snapshot(project):
    (project / "data/snap/sub").mkdir()
    lock = build_lock(
        "primary", CUT, commit="abc123", now=NOW.astimezone(timezone(timedelta(hours=2)))
    )
    assert {k: lock[k] for k in ("cut", "snapshot", "cutoff", "git_commit")} == {
        "cut": "primary",
        "snapshot": "data/snap",
        "cutoff": "2016-10-13",
        "git_commit": "abc123",
    }
    assert lock["locked_at"] == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert lock["files"] == [
        {"name": name, "path": f"data/snap/{name}", "sha256": sha(data), "size": len(data)}
        for name, data in sorted(FILES.items())
    ]


def test_round_trip_passes_and_file_is_sorted_json(locked):
    text = lock_path("primary").read_text(encoding="utf-8")
    assert text == json.dumps(locked, indent=1, sort_keys=True) + "\n"
    lock = read_lock(lock_path("primary"))
    assert lock == locked
    check_lock_matches(lock, "primary", CUT)
    verify_snapshot(lock, "data/snap")


def test_changed_byte_names_file_and_both_hashes(project, locked):
    path = project / "data/snap/rs.csv"
    data = bytearray(path.read_bytes())
    data[3] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotChanged) as caught:
        verify_snapshot(locked, "data/snap")
    lines = str(caught.value).splitlines()
    assert "data/snap" in lines[0] and str(lock_path("primary")) in lines[0]
    changed = [line for line in lines if "rs.csv" in line]
    assert len(changed) == 1 and "changed" in changed[0]
    assert sha(FILES["rs.csv"]) in changed[0] and sha(bytes(data)) in changed[0]
    assert "--cut primary --force" in lines[-1] and "restore" in lines[-1]
    assert len(lines) == 3


def test_added_and_missing_files_are_listed_sorted(project, locked):
    (project / "data/snap/ae.xpt").write_bytes(b"late AE data")
    (project / "data/snap/dm.xpt").unlink()
    with pytest.raises(SnapshotChanged) as caught:
        verify_snapshot(locked, "data/snap")
    problems = str(caught.value).splitlines()[1:-1]
    assert [line.split()[1].rstrip(":") for line in problems] == ["ae.xpt", "dm.xpt"]
    assert problems[0].split()[0] == "added" and sha(b"late AE data") in problems[0]
    assert problems[1].split()[0] == "missing" and sha(FILES["dm.xpt"]) in problems[1]


def test_vanished_snapshot_lists_every_file_missing(project, locked):
    (project / "data/snap").rename(project / "data/elsewhere")
    with pytest.raises(SnapshotChanged) as caught:
        verify_snapshot(locked, "data/snap")
    assert sum(line.lstrip().startswith("missing") for line in str(caught.value).splitlines()) == 3


@pytest.mark.parametrize(("key", "value"), [("cutoff", "2017-01-01"), ("snapshot", "data/other")])
def test_lock_of_another_snapshot_or_cutoff_is_refused(locked, key, value):
    with pytest.raises(LockError) as caught:
        check_lock_matches(locked, "primary", {**CUT, key: value})
    assert value in str(caught.value) and CUT[key] in str(caught.value)
    with pytest.raises(LockError):
        check_lock_matches(locked, "interim", CUT)


def test_missing_or_broken_lock_file(project):
    with pytest.raises(LockError) as caught:
        read_lock(lock_path("interim"))
    assert str(caught.value) == (
        "cut interim has no lock file config/locks/interim.lock.json; lock the snapshot with "
        "python -m oncocsr lock --cut interim"
    )
    lock_path("interim").parent.mkdir(parents=True)
    lock_path("interim").write_text("{not json", encoding="utf-8")
    with pytest.raises(LockError, match="not valid JSON"):
        read_lock(lock_path("interim"))
    lock_path("interim").write_text("[]", encoding="utf-8")
    with pytest.raises(LockError, match="not a lock file"):
        read_lock(lock_path("interim"))


def test_relock_needs_force(locked):
    relocked = {**locked, "git_commit": "def456"}
    with pytest.raises(LockError, match="--force"):
        write_lock(relocked, lock_path("primary"))
    assert read_lock(lock_path("primary"))["git_commit"] == "abc123"
    write_lock(relocked, lock_path("primary"), force=True)
    assert read_lock(lock_path("primary"))["git_commit"] == "def456"


def test_bad_cut_configuration(project):
    with pytest.raises(LockError, match="does not exist"):
        build_lock("primary", {**CUT, "snapshot": "data/none"}, commit="x", now=NOW)
    with pytest.raises(LockError, match="text value"):
        build_lock("primary", {**CUT, "cutoff": date(2016, 10, 13)}, commit="x", now=NOW)
    with pytest.raises(ValueError, match="time zone"):
        build_lock("primary", CUT, commit="x", now=NOW.replace(tzinfo=None))


def cli(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", *args], cwd=cwd, capture_output=True, text=True
    )


def test_lock_command_exit_codes(project):
    config = project / "config" / "config.yaml"
    config.parent.mkdir()
    config.write_text(
        yaml.safe_dump({"cuts": {"primary": CUT, "gone": {**CUT, "snapshot": "data/none"}}}),
        encoding="utf-8",
    )
    done = cli(project, "lock", "--cut", "primary")
    assert done.returncode == 0, done.stderr
    lock = json.loads((project / "config/locks/primary.lock.json").read_text())
    assert [f["name"] for f in lock["files"]] == sorted(FILES)
    assert lock["git_commit"] == "unknown"  # tmp_path is no git repository

    again = cli(project, "lock", "--cut", "primary")
    assert again.returncode == 2 and "exists" in again.stderr and "--force" in again.stderr
    no_reason = cli(project, "lock", "--cut", "primary", "--force")
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    relock = cli(project, "lock", "--cut", "primary", "--force", "--reason", "query resolved")
    assert relock.returncode == 0, relock.stderr

    unknown = cli(project, "lock", "--cut", "interim")
    assert unknown.returncode == 2 and "interim" in unknown.stderr
    gone = cli(project, "lock", "--cut", "gone")
    assert gone.returncode == 2 and "data/none" in gone.stderr

    (project / "other.yaml").write_text(yaml.safe_dump({"cuts": {"x": CUT}}), encoding="utf-8")
    custom = cli(project, "lock", "--cut", "x", "--config", "other.yaml", "--locks", "locks")
    assert custom.returncode == 0, custom.stderr
    assert read_lock(project / "locks/x.lock.json")["cut"] == "x"
