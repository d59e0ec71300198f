"""The re-lock trail of a data cut: each lock embeds the one it replaced, by its sha256.

A re-lock (``python -m oncocsr lock --force --reason TEXT``) accepts whatever the snapshot holds
now, so it says who made it, when and why, and carries the previous lock document with the
sha256 of the file it replaced. The chain can then be checked from the current lock alone: each
embedded predecessor must hash to the value its successor recorded. A lock that is not chained
(a re-lock without its predecessor, or a predecessor edited after the fact) is flagged in the
CSR's audit appendix and by ``verify``.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path


def lock_text(lock: dict) -> str:
    """A lock document as its file holds it: JSON, indent 1, sorted keys, final newline."""
    return json.dumps(lock, indent=1, sort_keys=True) + "\n"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def previous_entry(previous: bytes) -> dict:
    """What a re-lock records of the lock it replaces: that file's sha256 and its document."""
    return {"sha256": hashlib.sha256(previous).hexdigest(), "lock": json.loads(previous)}


def committed_lock(path: str | Path) -> bytes | None:
    """The lock file as the last commit holds it, or None (not in git, or no git): a lock
    deleted from the work tree is still the predecessor of the next one."""
    path = Path(path)
    try:
        done = subprocess.run(
            ["git", "-C", str(path.parent), "show", f"HEAD:./{path.name}"],
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout


def _problem(lock: dict, predecessor: dict | None) -> str:
    """Why ``lock`` is not chained to its predecessor, or "" when it is."""
    previous = lock.get("previous")
    if previous is None:
        return "re-locked without its predecessor" if lock.get("reason") else ""
    if not isinstance(previous, dict) or not isinstance(previous.get("lock"), dict):
        return "its predecessor is not a lock document"
    if sha256_text(lock_text(previous["lock"])) != previous.get("sha256"):
        return "its predecessor does not hash to the sha256 it recorded (edited after the fact)"
    if predecessor is not None and predecessor.get("cut") != lock.get("cut"):
        return f"its predecessor is a lock of cut {predecessor.get('cut')!r}"
    if str(predecessor.get("locked_at", "")) > str(lock.get("locked_at", "")):
        return "it is dated before its predecessor"
    if not lock.get("reason"):
        return "re-locked without a reason"
    return ""


def lock_history(lock: dict) -> list[dict]:
    """Every lock of the chain, newest first: when, by whom, at which commit and why it was
    made, how many files it records, and ``problem``: why it is not chained to its
    predecessor ("" when it is)."""
    history, current = [], lock
    while isinstance(current, dict):
        previous = current.get("previous")
        predecessor = previous.get("lock") if isinstance(previous, dict) else None
        history.append(
            {
                "locked_at": current.get("locked_at", "not recorded"),
                "locked_by": current.get("locked_by", "not recorded"),
                "git_commit": current.get("git_commit", "not recorded"),
                "reason": current.get("reason") or "",
                "files": len(current.get("files") or []),
                "replaces_sha256": previous.get("sha256") if isinstance(previous, dict) else None,
                "problem": _problem(current, predecessor),
            }
        )
        current = predecessor
    return history


def chain_problems(lock: dict) -> list[str]:
    """One line per lock of the chain that is not chained to its predecessor."""
    return [
        f"lock of {entry['locked_at']}: {entry['problem']}"
        for entry in lock_history(lock)
        if entry["problem"]
    ]
