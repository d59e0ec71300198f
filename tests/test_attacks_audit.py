"""Attacks on the audit chain of a built cut (issue 15): the manifest written last, the bytes
the ingest jobs read, the re-lock trail in the CSR, and signatures with a configured key.

The workflow runs in the session's temporary project (tests/project.py); each test that changes
anything works on a copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from project import run, snakemake
from test_manifest import make_key

from oncocsr.hashing import sha256_file

pytestmark = pytest.mark.workflow
RESULTS = "results/primary"
LOCK = "config/locks/primary.lock.json"


@pytest.fixture
def copy(built_project, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(built_project, target, symlinks=True)
    return target


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def verify(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run(project, "oncocsr", "verify", RESULTS, *args)


def test_the_manifest_is_written_last_and_covers_the_csr(built_project):
    manifest = json.loads((built_project / RESULTS / "manifest.json").read_text())
    files = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert files[f"{RESULTS}/csr.pdf"] == sha256_file(built_project / RESULTS / "csr.pdf")
    assert f"{RESULTS}/provenance.json" in files
    assert any(path.startswith(f"{RESULTS}/appendices/") for path in files)
    assert {job["rule"] for job in manifest["jobs"]} >= {"ingest_domain", "provenance", "csr"}
    done = verify(built_project)
    assert done.returncode == 0 and done.stdout.strip().endswith("files verified, all match")


def test_provenance_records_the_bytes_the_ingest_jobs_read(built_project):
    """Raw hashes come from the verified reads of the ingest jobs, not from a re-read at the end
    of the run (where a file swapped during the run and restored would look untouched)."""
    provenance = json.loads((built_project / RESULTS / "provenance.json").read_text())
    lock = json.loads((built_project / LOCK).read_text())
    locked = {entry["name"]: entry["sha256"] for entry in lock["files"]}
    sdtm = [entry for entry in provenance["raw"] if entry["path"].endswith(".xpt")]
    assert sdtm and all(entry["read"] for entry in sdtm)
    assert all(entry["sha256"] == locked[Path(entry["path"]).name] for entry in sdtm)
    records = {
        json.loads(path.read_text())["wildcards"]["domain"]: json.loads(path.read_text())
        for path in (built_project / RESULTS / "logs").glob("ingest_*.job.json")
    }
    ae = next(entry for entry in records["ae"]["inputs"] if entry["path"].endswith("ae.xpt"))
    assert ae["sha256"] == locked["ae.xpt"]


def test_an_edited_csr_or_a_forged_chain_fails_verify(copy):
    results = copy / RESULTS
    pdf = results / "csr.pdf"
    original = pdf.read_bytes()
    pdf.write_bytes(original.replace(b"/Title", b"/Titl\x65", 1) + b"\n% edited\n")
    done = verify(copy)
    assert done.returncode == 1 and f"{RESULTS}/csr.pdf: expected" in done.stdout
    pdf.write_bytes(original)
    # ADSL edited with its provenance entry and the manifest: the jobs that read ADSL recorded
    # other bytes.
    adsl = results / "adam/adsl.parquet"
    adsl.write_bytes(adsl.read_bytes() + b"\0")
    manifest = json.loads((results / "manifest.json").read_text())
    for entry in manifest["files"]:
        entry["sha256"] = sha256_file(copy / entry["path"])
    (results / "manifest.json").write_text(json.dumps(manifest))
    done = verify(copy)
    assert done.returncode == 1
    assert f"{RESULTS}/adam/adsl.parquet: chain broken: rule adsl wrote" in done.stdout
    assert "rule adrs read" in done.stdout


def test_a_relock_needs_a_reason_and_its_trail_is_in_the_csr(copy):
    refused = run(copy, "oncocsr", "lock", "--cut", "primary", "--force")
    assert refused.returncode == 2 and "--reason" in refused.stderr
    first = (copy / LOCK).read_bytes()
    done = run(
        copy, "oncocsr", "lock", "--cut", "primary", "--force", "--reason", "AE query 17 closed"
    )
    assert done.returncode == 0, done.stderr
    lock = json.loads((copy / LOCK).read_text())
    assert lock["reason"] == "AE query 17 closed" and lock["locked_by"]
    assert lock["previous"]["lock"] == json.loads(first)
    built = snakemake(copy)
    assert built.returncode == 0, built.stderr[-3000:]
    # The lock history is in the audit annex of section 16.1, not the CSR's body.
    text = pdf_text(copy / RESULTS / "appendices/audit.pdf")
    assert "re-locked 1 time(s)" in text and "AE query 17 closed" in text
    assert "NO:" not in text
    assert verify(copy).returncode == 0

    # The predecessor edited after the fact: the chain no longer holds.
    lock["previous"]["lock"]["cutoff"] = "2099-01-01"
    (copy / LOCK).write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    done = verify(copy)
    assert done.returncode == 1 and "lock not chained" in done.stdout


def test_a_configured_key_signs_copies_and_leaves_the_products_unchanged(copy, tmp_path):
    keys = make_key(tmp_path, "Trial Statistician")
    before = {name: (copy / RESULTS / name).read_bytes() for name in ("csr.pdf", "provenance.json")}
    config = copy / "config/config.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["signing"] = keys
    config.write_text(yaml.safe_dump(settings))
    done = snakemake(copy)
    assert done.returncode == 0, done.stderr[-3000:]
    assert {n: (copy / RESULTS / n).read_bytes() for n in before} == before
    assert (copy / RESULTS / "csr.signed.pdf").read_bytes().startswith(before["csr.pdf"])
    ok = verify(copy, "--certificate", keys["certificate"])
    assert ok.returncode == 0, ok.stdout
    (copy / RESULTS / "manifest.json.p7s").unlink()
    gone = verify(copy)
    assert gone.returncode == 1 and "manifest.json.p7s: missing" in gone.stdout
