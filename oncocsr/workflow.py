"""Helpers of the Snakemake workflow (rules/common.smk wires them): code hashes for rerun
triggers, the files of a snapshot, the checks made before any job runs, and what a failed run
does with the products it leaves out of date.

Kept here, not in the .smk files, so that they are tested like any other module (DESIGN.md,
caching and data flow).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
from collections.abc import Iterable
from datetime import UTC, datetime
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
    """Raw SDTM files of a snapshot, by lower-case domain name (the file's stem). A symbolic
    link in the folder is refused: its target can change without the snapshot changing."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(f"cut {cut!r}: snapshot folder {folder} does not exist")
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink():
            raise SnapshotError(
                f"cut {cut!r}: {path} is a symbolic link (to {os.readlink(path)}): refused; "
                "a snapshot must hold its own files: copy it into the folder and lock it again"
            )
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


def config_source(files: list[str | Path]) -> str:
    """The study config files as a finding names them: relative to the working directory, or
    by file name for one outside it, so that a rebuild in another folder gives the same bytes;
    config/config.yaml when no --configfile was given."""
    names = []
    for file in files:
        relative = os.path.relpath(Path(file).resolve())
        names.append(Path(file).name if relative.startswith("..") else relative)
    return ", ".join(names) or "config/config.yaml"


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


# A cut's products by what they rest on, as paths in results/{cut}/ (DESIGN.md, output
# contract): the report and its records, made last; what follows the ADaM gate (ARD, TLFs,
# appendices: they are made from ADaM beside the ADaM checks, not after them); and what follows
# the data-checks gate (ADaM, its checks and everything after).
REPORT = (
    "csr.pdf",
    "csr.signed.pdf",
    "manifest.json",
    "manifest.json.p7s",
    "provenance.json",
    "provenance.prov.json",
)
AFTER_ADAM_GATE = ("ard", "tlf", "appendices", *REPORT)
AFTER_DATA_GATE = (
    "adam",
    "checks/adam.json",
    "checks/adam.html",
    "checks/adam_gate.json",
    *AFTER_ADAM_GATE,
)
# Each gate (rules/checks.smk): its name, the record it writes when it passes, its log (which
# every run of the gate writes, passed or not) and what it guards. A log without its record is a
# gate that ran and stopped the run.
GATES = (
    ("the data-checks gate", "checks/gate.json", "logs/checks_gate.log", AFTER_DATA_GATE),
    ("the ADaM gate", "checks/adam_gate.json", "logs/adam_gate.log", AFTER_ADAM_GATE),
)


def stale_report(folder: Path, products: Iterable[str | Path]) -> str | None:
    """Why the report of a cut (csr.pdf and its records) no longer matches the products it rests
    on: a manifest whose csr.pdf is gone, or the first of ``products`` that is missing or newer
    than the oldest report file; None when it matches or there is no report. By modification
    time, as Snakemake's own trigger: a restore that gave the files new times in another order
    makes a matching report look stale, and it is moved aside and built again with the same
    bytes, not lost."""
    present = [folder / name for name in REPORT if (folder / name).exists()]
    if not present:
        return None
    csr = folder / "csr.pdf"
    if (folder / "manifest.json").exists() and not csr.exists():
        return f"{csr} is missing"
    oldest = min(present, key=lambda path: path.stat().st_mtime_ns)
    written = oldest.stat().st_mtime_ns
    for product in map(Path, products):
        if not product.exists():
            return f"{product} is missing"
        if product.stat().st_mtime_ns > written:
            return f"{product} is newer than {oldest}"
    return None


def set_aside(folder: Path, names: list[str], reason: str, now: datetime) -> Path:
    """Move ``names`` (files and folders of a cut's results ``folder``) to a folder beside it
    named ``<cut>.set-aside-<UTC time>``, which no cut can be named (cut names have no dot:
    studyconfig), with a note of ``reason``; returns that folder."""
    target = folder.with_name(f"{folder.name}.set-aside-{now:%Y%m%dT%H%M%SZ}")
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(folder / name, target / name)
    (target / "REASON.txt").write_text(
        f"Set aside on {now:%Y-%m-%d %H:%M:%S} UTC by a failed run of the workflow: {reason}.\n"
        f"No passed check nor current product backs these: {', '.join(names)}.\n",
        encoding="utf-8",
    )
    return target


def set_aside_after_failure(
    cut: str, products: Iterable[str | Path], results: str | Path = "results", now=None
) -> str | None:
    """After a run that failed, move out of a cut's results what no longer matches its data, so
    that no reader takes it for current; returns the message for the user, or None.

    A gate that stopped the run sets aside everything it guards (an earlier build's ADaM, ARD,
    TLFs and CSR after the data-checks gate; what follows ADaM after the ADaM gate); any other
    failure sets aside the report (csr.pdf, its manifest, provenance and signed copies) when one
    of its ``products`` is missing or newer than it (``stale_report``). Moved aside, not
    deleted: the earlier CSR may be the only one of an earlier snapshot."""
    folder = Path(results) / cut
    for gate, record, log, guarded in GATES:
        if (folder / log).exists() and not (folder / record).exists():
            reason, names = f"{gate} did not pass", guarded
            break
    else:
        stale = stale_report(folder, products)
        if stale is None:
            return None
        reason, names = f"the report no longer matches the cut's products ({stale})", REPORT
    moved = [name for name in names if (folder / name).exists()]
    if not moved:
        return None
    target = set_aside(folder, moved, reason, now or datetime.now(UTC))
    return (
        f"oncocsr: cut {cut}: {reason}, so {', '.join(moved)} were moved out of the way to "
        f"{target}/ (delete it when no longer needed)"
    )
