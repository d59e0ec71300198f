"""Snapshot locks: the sha256 of every file of a data cut's raw snapshot, committed to git.

``config/locks/<cut>.lock.json`` records what the snapshot folder held when the data manager
locked it. The workflow reads the lock when it parses the Snakefile, checks that it belongs to the
configured cut (:func:`check_lock_matches`) and that the folder still holds exactly those bytes
(:func:`verify_snapshot`), so a report is never built from data that changed after the lock.
Writing a lock is a deliberate act (``python -m oncocsr lock --cut NAME``); nothing here rewrites
one silently.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from oncocsr.hashing import sha256_file
from oncocsr.lockhistory import lock_text, previous_entry
from oncocsr.studyconfig import ConfigError, check_cut_name, check_cutoff

LOCK_DIR = Path("config/locks")


class LockError(ValueError):
    """A lock file that is missing, unreadable, already present or made for another cut."""


class SnapshotChanged(ValueError):
    """The snapshot folder no longer holds the files its lock records."""


def lock_path(cut: str, locks_dir: str | Path = LOCK_DIR) -> Path:
    """Where the lock of ``cut`` lives: ``<locks_dir>/<cut>.lock.json``. A name that is not a
    cut name (oncocsr.studyconfig.CUT_NAME: no '/', no '.') is a :class:`LockError`, so that no
    lock is read or written outside ``locks_dir``."""
    try:
        check_cut_name(cut)
    except ConfigError as error:
        raise LockError(str(error)) from None
    return Path(locks_dir) / f"{cut}.lock.json"


def _relock_command(cut: str) -> str:
    return f"python -m oncocsr lock --cut {cut}"


def _hash_files(paths: list[Path]) -> list[str]:
    # hashlib releases the GIL on large blocks, so threads hash a 1 GB snapshot about twice as
    # fast as one loop; this runs every time the workflow parses the Snakefile.
    if not paths:
        return []
    with ThreadPoolExecutor(max_workers=min(len(paths), os.cpu_count() or 1)) as pool:
        return list(pool.map(sha256_file, paths))


def refuse_symlinks(snapshot: str | Path) -> None:
    """Raise :class:`LockError` naming every symbolic link in the snapshot folder: a link's
    target can change, or point outside, without the folder changing, so a lock of it would
    vouch for bytes that are not in the snapshot."""
    links = sorted(path for path in Path(snapshot).iterdir() if path.is_symlink())
    if links:
        named = ", ".join(f"{path.name} -> {os.readlink(path)}" for path in links)
        raise LockError(
            f"snapshot {snapshot} holds symbolic links ({named}): refused; a snapshot must "
            "hold its own files: copy them into the folder, then lock it"
        )


def snapshot_paths(snapshot: str | Path) -> list[Path]:
    """Every regular file in the snapshot folder, by name: the files a lock records.

    Every file counts, not only the SDTM ones: a changed ``simulation.json`` or a stray file is
    a change of the snapshot too. Sub-folders are not part of a snapshot and are not read. A
    folder holding a symbolic link is refused (:func:`refuse_symlinks`).
    """
    refuse_symlinks(snapshot)
    return sorted(
        (path for path in Path(snapshot).iterdir() if path.is_file()), key=lambda p: p.name
    )


def snapshot_entries(snapshot: str | Path) -> list[dict]:
    """Name, path, sha256 and size of every file of the snapshot (:func:`snapshot_paths`)."""
    files = snapshot_paths(snapshot)
    return [
        {
            "name": path.name,
            "path": str(PurePosixPath(str(snapshot)) / path.name),
            "sha256": digest,
            "size": path.stat().st_size,
        }
        for path, digest in zip(files, _hash_files(files), strict=True)
    ]


def _cut_fields(cut: str, cut_config: dict) -> tuple[str, str]:
    snapshot, cutoff = cut_config.get("snapshot"), cut_config.get("cutoff")
    for key, value in (("snapshot", snapshot), ("cutoff", cutoff)):
        if not isinstance(value, str):
            # An unquoted YAML date arrives as a date object; the lock must hold the text the
            # config schema requires, so the comparison with the config stays exact.
            raise LockError(f"cuts.{cut}.{key} must be a text value in the config, got {value!r}")
    try:
        # A lock of a cutoff that is no date could never match a valid config.
        check_cutoff(cutoff)
    except ConfigError as error:
        raise LockError(f"cuts.{cut}.cutoff: {error}") from None
    return snapshot, cutoff


def build_lock(
    cut: str,
    cut_config: dict,
    *,
    commit: str,
    now: datetime,
    locked_by: str = "not recorded",
    reason: str | None = None,
    previous: bytes | None = None,
) -> dict:
    """The lock document of ``cut``: its snapshot and cutoff as configured, when, by whom and at
    which commit it was locked, and every file of the snapshot folder (relative to the current
    directory) with its sha256 and size.

    A re-lock passes the bytes of the lock it replaces (``previous``) and must give a
    ``reason``: the new lock embeds its predecessor with that file's sha256
    (oncocsr.lockhistory), so the trail of re-locks can be checked from the lock alone.
    """
    snapshot, cutoff = _cut_fields(cut, cut_config)
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone (the lock records UTC)")
    if not Path(snapshot).is_dir():
        raise LockError(f"cut {cut}: snapshot folder {snapshot} does not exist")
    if previous is not None and not (reason or "").strip():
        raise LockError(
            f"cut {cut} is already locked: a re-lock must say why, with "
            f"{_relock_command(cut)} --force --reason TEXT"
        )
    lock = {
        "cut": cut,
        "snapshot": snapshot,
        "cutoff": cutoff,
        "locked_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locked_by": locked_by,
        "git_commit": commit,
        "files": snapshot_entries(snapshot),
    }
    if previous is not None:
        try:
            lock["previous"] = previous_entry(previous)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LockError(f"the lock being replaced is not valid JSON ({error})") from error
        lock["reason"] = reason.strip()
    return lock


def refuse_relock(path: str | Path, cut: str, *, force: bool) -> None:
    """Raise :class:`LockError` when the lock at ``path`` exists and ``force`` is not given:
    re-locking accepts whatever the snapshot now holds, so it must be asked for."""
    if Path(path).exists() and not force:
        raise LockError(
            f"{path} exists: cut {cut} is already locked; to accept the snapshot as it is now, "
            f"run {_relock_command(cut)} --force --reason TEXT and commit the new lock"
        )


def write_lock(lock: dict, path: str | Path, *, force: bool = False) -> Path:
    """Write ``lock`` as JSON (indent 1, sorted keys); an existing lock is replaced only with
    ``force``, because re-locking accepts whatever the snapshot now holds."""
    path = Path(path)
    refuse_relock(path, lock["cut"], force=force)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lock_text(lock), encoding="utf-8")
    return path


def read_lock(path: str | Path) -> dict:
    """The lock document at ``path`` (named ``<cut>.lock.json``); a missing file or one that is
    not a JSON object is a :class:`LockError` that says how to create the lock."""
    path = Path(path)
    cut = path.name.removesuffix(".lock.json")
    if not path.is_file():
        raise LockError(
            f"cut {cut} has no lock file {path}; lock the snapshot with {_relock_command(cut)}"
        )
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LockError(f"{path} is not valid JSON ({error})") from error
    if not isinstance(lock, dict):
        raise LockError(f"{path} is not a lock file (not a JSON object)")
    missing = [key for key in ("cut", "snapshot", "cutoff", "files") if key not in lock]
    if missing:
        raise LockError(f"{path} is not a lock file (no {', '.join(missing)})")
    return lock


def check_lock_matches(lock: dict, cut: str, cut_config: dict) -> None:
    """Raise :class:`LockError` when ``lock`` was made for another cut, snapshot or cutoff than
    the configured ``cut``: a lock vouches only for the data it was made from."""
    snapshot, cutoff = _cut_fields(cut, cut_config)
    problems = [
        f"{key} is {configured!r} in the config but {lock.get(key)!r} in the lock"
        for key, configured in (("cut", cut), ("snapshot", snapshot), ("cutoff", cutoff))
        if lock.get(key) != configured
    ]
    if problems:
        raise LockError(
            f"the lock of cut {cut} does not match its configuration: {'; '.join(problems)}. "
            f"Fix the config, or lock the configured snapshot with "
            f"{_relock_command(cut)} --force --reason TEXT and commit the new lock"
        )


def locked_entry(lock: dict, name: str) -> dict:
    """The lock's entry of the snapshot file ``name``: its name, sha256 and size (what a job
    reading the file checks its bytes against, :func:`verify_read`)."""
    for entry in lock["files"]:
        if entry["name"] == name:
            return {key: entry[key] for key in ("name", "sha256", "size")}
    raise LockError(f"the lock of cut {lock['cut']} has no file {name}")


def verify_read(data: bytes, entry: dict, path: str | Path, lock_file: str | Path) -> str:
    """The sha256 of ``data``, the bytes a job read from ``path``; raise
    :class:`SnapshotChanged` when they are not the bytes the lock's ``entry`` records
    (:func:`locked_entry`), naming the file, the lock file and both hashes and sizes."""
    digest = hashlib.sha256(data).hexdigest()
    if (digest, len(data)) != (entry["sha256"], entry["size"]):
        raise SnapshotChanged(
            f"{path}: the bytes read are not the locked ones: the data lock {lock_file} records "
            f"sha256 {entry['sha256']} ({entry['size']} bytes), the file read has sha256 "
            f"{digest} ({len(data)} bytes). The snapshot changed after the run started; "
            "nothing was written. Data manager: restore the file as it was locked, or re-lock "
            "the snapshot if the change is intended."
        )
    return digest


def verify_snapshot(
    lock: dict, snapshot: str | Path, *, lock_file: str | Path | None = None
) -> None:
    """Raise :class:`SnapshotChanged` unless ``snapshot`` holds exactly the files of ``lock``
    with the same bytes. The message has one line per changed, added or missing file (sorted by
    name) between a line naming the lock and folder and a line saying what to do."""
    cut = lock["cut"]
    locked = {entry["name"]: entry for entry in lock["files"]}
    # A vanished folder is reported like any other loss: every locked file is missing.
    present = Path(snapshot).is_dir()
    current = {entry["name"]: entry for entry in snapshot_entries(snapshot)} if present else {}
    problems = []
    for name in sorted(locked.keys() | current.keys()):
        was, now = locked.get(name), current.get(name)
        if now is None:
            problems.append(f"  missing {name}: lock sha256 {was['sha256']}")
        elif was is None:
            problems.append(f"  added {name}: sha256 {now['sha256']} ({now['size']} bytes)")
        elif (was["sha256"], was["size"]) != (now["sha256"], now["size"]):
            problems.append(
                f"  changed {name}: lock sha256 {was['sha256']} ({was['size']} bytes), "
                f"now sha256 {now['sha256']} ({now['size']} bytes)"
            )
    if problems:
        lock_file = lock_file if lock_file is not None else lock_path(cut)
        raise SnapshotChanged(
            "\n".join(
                [
                    f"snapshot {snapshot} of cut {cut} does not match its lock {lock_file}:",
                    *problems,
                    f"Data manager: restore the snapshot as it was locked, or, if the change is "
                    f"intended, re-lock it with {_relock_command(cut)} --force --reason TEXT and "
                    f"commit the new lock file.",
                ]
            )
        )
