"""results/{cut}/manifest.json, written last, and ``verify``, which checks a cut against it.

The manifest holds the sha256 of every product of the cut, provenance.json and csr.pdf
included, of the raw files as the ingest jobs read them and of the lock, and every job's record
of what it read and wrote (oncocsr.jobrecord). ``verify`` re-hashes every file, checks that
each job read exactly what the job before it wrote (so an edit must rewrite the whole chain, not
one file and one hash), that provenance.json and the copy attached to the CSR agree with it,
that the lock is chained to its predecessors, and the signatures when the cut was signed
(oncocsr.signing). Like provenance.json, the manifest holds no time and no absolute path, so
identical rebuilds give identical bytes (DESIGN.md, determinism).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from oncocsr.atomic import writes_atomically
from oncocsr.hashing import sha256_file
from oncocsr.lockhistory import chain_problems
from oncocsr.provenance import ChainError, chain_breaks, producers

MANIFEST = "manifest.json"
PROVENANCE = "provenance.json"
CSR = "csr.pdf"
# The signed copies (oncocsr.signing): the unsigned products stay byte-identical.
SIGNATURE = "manifest.json.p7s"
SIGNED_CSR = "csr.signed.pdf"


class AuditError(ValueError):
    """A results folder that cannot be verified at all (no or unreadable manifest)."""


@dataclass(frozen=True)
class Problem:
    """Something ``verify`` found wrong with one file (or link of the chain)."""

    path: str
    message: str


def build_manifest(
    *,
    cut: str,
    files: dict[str, dict],
    raw: list[dict],
    lock: dict,
    records: list[dict],
    certificate_sha256: str | None = None,
) -> dict:
    """The manifest of a cut: ``files`` (path -> {path, sha256, size}, as the manifest job read
    them), the ``raw`` entries of provenance.json, the ``lock`` entry, and the job records that
    wrote those files. Raises :class:`ChainError` when a job's record disagrees with a file
    (a product replaced after provenance was written, e.g. csr.pdf after its job ended).
    ``certificate_sha256`` is the signing certificate's, when the cut is to be signed."""
    written = producers(records)
    jobs = {id(written[path]): written[path] for path in files if path in written}
    jobs = sorted(jobs.values(), key=lambda record: [o["path"] for o in record["outputs"]])
    hashes = {path: entry["sha256"] for path, entry in files.items()}
    locked = {entry["path"]: entry["lock_sha256"] for entry in raw}
    breaks = chain_breaks(jobs, hashes, locked)
    if breaks:
        lines = "\n  ".join(breaks)
        raise ChainError(f"the cut's files changed after their jobs ended:\n  {lines}")
    return {
        "cut": cut,
        "files": [files[path] for path in sorted(files)],
        "raw": sorted(raw, key=lambda entry: entry["path"]),
        "lock": lock,
        "jobs": jobs,
        "signature": {"certificate_sha256": certificate_sha256} if certificate_sha256 else None,
    }


@writes_atomically()
def write_manifest(manifest: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def read_manifest(results_dir: str | Path) -> dict:
    path = Path(results_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise AuditError(
            f"{path} does not exist: the run that made these results did not finish "
            "(run snakemake for this cut, then verify)"
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AuditError(f"{path} cannot be read as JSON ({error})") from error
    if not isinstance(manifest, dict) or not {"files", "jobs", "lock"} <= manifest.keys():
        raise AuditError(f"{path} is not a manifest (no files, jobs or lock)")
    return manifest


def pdf_attachment(pdf: bytes, name: str) -> bytes | None:
    """The bytes of the file attached to a PDF under ``name``, or None when there is none."""
    from pypdf import PdfReader

    attached = PdfReader(io.BytesIO(pdf)).attachments.get(name)
    return attached[0] if attached else None


def _norm(path: str | Path) -> str:
    return PurePosixPath(str(path)).as_posix()


def _rehash(entries: list[dict]) -> list[Problem]:
    problems = []
    for entry in entries:
        path = Path(entry["path"])
        actual = sha256_file(path) if path.is_file() else None
        if actual != entry["sha256"]:
            found = "missing" if actual is None else f"actual {actual}"
            problems.append(Problem(entry["path"], f"expected {entry['sha256']}, {found}"))
    return problems


def _chain(manifest: dict) -> list[Problem]:
    """Links that do not hold: a job that read other bytes than the job before it wrote, and a
    product no job of the manifest wrote."""
    hashes = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    locked = {entry["path"]: entry["lock_sha256"] for entry in manifest["raw"]}
    problems = [
        Problem(line.split(": ", 1)[0], "chain broken: " + line.split(": ", 1)[1])
        for line in chain_breaks(manifest["jobs"], hashes, locked)
    ]
    written = producers(manifest["jobs"])
    lock_path = manifest["lock"]["path"]
    problems += [
        Problem(path, "no job of the manifest wrote it")
        for path in hashes
        if path not in written and path != lock_path
    ]
    return problems


def _provenance(results_dir: Path, manifest: dict) -> list[Problem]:
    """provenance.json and the copy attached to csr.pdf must agree with the manifest."""
    path = results_dir / PROVENANCE
    if not path.is_file():
        return [Problem(_norm(path), "missing")]
    text = path.read_bytes()
    provenance = json.loads(text)
    hashes = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    raw = {entry["path"]: entry["sha256"] for entry in manifest["raw"]}
    problems = [
        Problem(entry["path"], f"provenance.json says {entry['sha256']}, the manifest {listed}")
        for entry in provenance.get("outputs", [])
        if (listed := hashes.get(entry["path"])) != entry["sha256"]
    ]
    problems += [
        Problem(entry["path"], f"provenance.json says {entry['sha256']}, the manifest {listed}")
        for entry in provenance.get("raw", [])
        if (listed := raw.get(entry["path"])) != entry["sha256"]
    ]
    pdf = results_dir / CSR
    if pdf.is_file():
        attached = pdf_attachment(pdf.read_bytes(), PROVENANCE)
        actual = None if attached is None else hashlib.sha256(attached).hexdigest()
        expected = hashlib.sha256(text).hexdigest()
        if actual != expected:
            problems.append(
                Problem(f"{_norm(pdf)} (attached {PROVENANCE})", f"expected {expected}, {actual}")
            )
    return problems


def _lock(manifest: dict) -> list[Problem]:
    path = Path(manifest["lock"]["path"])
    if not path.is_file():
        return []  # reported missing by the re-hash
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return [Problem(str(path), f"not a lock file ({error})")]
    return [Problem(str(path), f"lock not chained: {line}") for line in chain_problems(lock)]


def _signatures(
    results_dir: Path, manifest: dict, certificate: str | Path | None
) -> tuple[int, list[Problem]]:
    """The detached signature of the manifest and the PAdES signature of the signed CSR, when
    the manifest says the cut is signed or a trusted ``certificate`` is given."""
    from oncocsr.signing import SignatureError, verify_manifest_signature, verify_signed_pdf

    expected = (manifest.get("signature") or {}).get("certificate_sha256")
    if expected is None and certificate is None:
        return 0, []
    signature, signed = results_dir / SIGNATURE, results_dir / SIGNED_CSR
    if expected is None:
        return 0, [Problem(_norm(results_dir / MANIFEST), "not signed")]
    problems = []
    checks = [
        (signature, lambda: verify_manifest_signature(
            (results_dir / MANIFEST).read_bytes(), signature.read_bytes(), expected, certificate
        )),
        (signed, lambda: verify_signed_pdf(
            signed.read_bytes(), (results_dir / CSR).read_bytes(), expected, certificate
        )),
    ]  # fmt: skip
    for path, check in checks:
        if not path.is_file():
            problems.append(Problem(_norm(path), "missing (the manifest says the cut is signed)"))
            continue
        try:
            check()
        except SignatureError as error:
            problems.append(Problem(_norm(path), f"signature not valid: {error}"))
    return len(checks), problems


def verify_cut(
    results_dir: str | Path, certificate: str | Path | None = None
) -> tuple[int, list[Problem]]:
    """Check a cut's results against its manifest (module docstring). Returns the number of
    files and signatures checked and the problems found, re-hashes first."""
    results_dir = Path(results_dir)
    manifest = read_manifest(results_dir)
    entries = [*manifest["files"], *manifest["raw"], manifest["lock"]]
    problems = _rehash(entries)
    problems += _chain(manifest)
    problems += _provenance(results_dir, manifest)
    problems += _lock(manifest)
    signatures, signature_problems = _signatures(results_dir, manifest, certificate)
    return len(entries) + signatures, problems + signature_problems
