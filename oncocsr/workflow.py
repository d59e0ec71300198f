"""Helpers of the Snakemake workflow (rules/common.smk wires them): code hashes for rerun
triggers, the files of a snapshot, and the checks made before any job runs.

Kept here, not in the .smk files, so that they are tested like any other module (DESIGN.md,
caching and data flow).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
from pathlib import Path

SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")
# Domains without which there is no CSR: subjects, disposition, dosing, and the tumour
# responses of the primary endpoint (SAP sections 2 to 4).
REQUIRED_DOMAINS = {
    "dm": "demographics (subjects and arms)",
    "ds": "disposition",
    "ex": "exposure (first and last dose)",
    "rs": "tumour response (the primary endpoint, SAP section 4)",
}


class SnapshotError(ValueError):
    """A snapshot folder that the workflow cannot analyse; the message says what to do."""


def snapshot_files(folder: str | Path, cut: str) -> dict[str, str]:
    """Raw SDTM files of a snapshot, by lower-case domain name (the file's stem)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(f"cut {cut!r}: snapshot folder {folder} does not exist")
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SDTM_EXTENSIONS:
            domain = path.stem.lower()
            if domain in files:
                raise SnapshotError(
                    f"cut {cut!r}: domain {domain.upper()} is in two files: {files[domain]} "
                    f"and {path}; keep one"
                )
            files[domain] = str(path)
    return files


def check_required_domains(files: dict[str, str], folder: str | Path, cut: str) -> None:
    """Stop before any job when a domain the CSR cannot do without is missing."""
    missing = [domain for domain in REQUIRED_DOMAINS if domain not in files]
    if missing:
        what = "; ".join(f"{d.upper()}: {REQUIRED_DOMAINS[d]}" for d in missing)
        raise SnapshotError(
            f"cut {cut!r}: the snapshot {folder} has no {', '.join(d.upper() for d in missing)} "
            f"file ({what}). The CSR needs these domains (as .xpt, .csv or .parquet named after "
            f"the domain, e.g. {missing[0]}.xpt); add them to the snapshot and lock it again."
        )


def spec_file(domain: str, repo: str | Path) -> str | None:
    """The data-check spec of a domain (SUPPxx share one), relative to the working directory,
    or None for a domain without checks.

    Relative, so that a clone in another folder with its results restored sees the same input
    files and reruns nothing.
    """
    name = "supp" if domain.startswith("supp") else domain
    path = Path(repo) / "schemas" / "sdtm" / f"{name}.yaml"
    return os.path.relpath(path) if path.is_file() else None


@functools.cache
def imported_modules(path: str, repo: str) -> frozenset[str]:
    """Repository paths of the ``oncocsr`` modules (and their packages) one Python file imports
    directly, imports inside functions included, read from its syntax tree."""
    root = Path(repo)
    found = set()
    for node in ast.walk(ast.parse((root / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # "from oncocsr.tlf import listings" imports the submodule oncocsr.tlf.listings.
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != "oncocsr":
                continue
            for depth in range(1, len(parts) + 1):
                stem = "/".join(parts[:depth])
                for module in (f"{stem}/__init__.py", f"{stem}.py"):
                    if (root / module).is_file():
                        found.add(module)
    return frozenset(found)


def oncocsr_modules(path: str, repo: str | Path) -> set[str]:
    """Every ``oncocsr`` module a Python file imports, transitively (import cycles included),
    so that a module a rule's code uses can never be left out of its hash by hand."""
    found, pending = set(), [path]
    while pending:
        for module in imported_modules(pending.pop(), str(repo)) - found:
            found.add(module)
            pending.append(module)
    return found


def code_hash(script: str, *data: str, repo: str | Path) -> str:
    """Content hash of a rule's code: its script, the ``oncocsr`` modules the script imports
    (``oncocsr_modules``), the templates or specs in ``data``, and the dependency lock (DESIGN.md,
    caching)."""
    digest = hashlib.sha256()
    for path in sorted({script, *oncocsr_modules(script, repo), *data, "requirements.lock"}):
        digest.update(path.encode())
        digest.update((Path(repo) / path).read_bytes())
    return digest.hexdigest()


def select_settings(settings: dict, paths: tuple[str, ...] | list[str]) -> dict:
    """The parts of a cut's settings that ``paths`` name ("response" or "response.criterion"),
    nested as in the settings; an optional section the study does not set is None."""
    selected: dict = {}
    for path in paths:
        *parents, key = path.split(".")
        source, target = settings, selected
        for parent in parents:
            source = source.get(parent) or {}
            target = target.setdefault(parent, {})
        target[key] = source.get(key)
    return selected
