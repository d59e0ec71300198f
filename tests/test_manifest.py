"""manifest.json and verify on a hand-made cut: a raw file read by an ingest job, an ADaM job,
a CSR with provenance attached, provenance.json and the manifest, all with their job records.

Each attack edits the results the way the issue 15 review did and checks that verify names it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from oncocsr.hashing import sha256_file
from oncocsr.jobrecord import JobRecord, read_records
from oncocsr.lock import build_lock, write_lock
from oncocsr.lockhistory import lock_text, previous_entry
from oncocsr.manifest import build_manifest, write_manifest
from oncocsr.provenance import ChainError, producers
from oncocsr.report import write_pdf

CUT = "t"
RESULTS = Path("results/t")
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def cli(cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", *args], cwd=cwd, capture_output=True, text=True
    )


def job(rule: str, inputs: list[str], outputs: dict[str, bytes], raw: str | None = None) -> None:
    """Run a fake job: record its inputs, write its outputs, finish its record."""
    log = RESULTS / "logs" / f"{rule}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    record = JobRecord(rule, {"cut": CUT}, [*inputs, *([raw] if raw else [])], outputs, log, [raw])
    if raw:
        data = Path(raw).read_bytes()
        import hashlib

        record.read(raw, hashlib.sha256(data).hexdigest(), len(data))
    for path, data in outputs.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
    record.finish()


def csr(path: Path, provenance: bytes, orr: str = "20.9") -> None:
    write_pdf(
        f"<p>ORR {orr}%</p>",
        path,
        base_dir=Path.cwd(),
        allowed_roots=[Path.cwd()],
        epoch=0,
        attachments={"provenance.json": (provenance, "provenance")},
    )


def manifest_of(certificate_sha256: str | None = None) -> dict:
    records = read_records(RESULTS / "logs")
    provenance = json.loads((RESULTS / "provenance.json").read_text())
    files = {
        str(path): {"path": str(path), "sha256": sha256_file(path), "size": path.stat().st_size}
        for path in sorted(RESULTS.rglob("*"))
        if path.is_file() and "logs" not in path.parts and path.name != "manifest.json"
    }
    lock = "config/locks/t.lock.json"
    return build_manifest(
        cut=CUT,
        files=files,
        raw=provenance["raw"],
        lock={"path": lock, "sha256": sha256_file(lock), "size": Path(lock).stat().st_size},
        records=records,
        certificate_sha256=certificate_sha256,
    )


@pytest.fixture
def cut(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("data/snap").mkdir(parents=True)
    Path("data/snap/ae.xpt").write_bytes(b"raw ae records")
    lock = build_lock(CUT, {"snapshot": "data/snap", "cutoff": "2016-10-13"}, commit="c", now=NOW)
    write_lock(lock, "config/locks/t.lock.json")
    job("ingest_ae", [], {"results/t/sdtm/ae.parquet": b"sdtm ae"}, raw="data/snap/ae.xpt")
    job("adae", ["results/t/sdtm/ae.parquet"], {"results/t/adam/adae.parquet": b"adae v1"})
    records = read_records(RESULTS / "logs")
    written = producers(records)
    provenance = {
        "outputs": [
            {
                "path": path,
                "sha256": sha256_file(path),
                "rule": written[path]["rule"],
                "inputs": written[path]["inputs"],
            }
            for path in ("results/t/sdtm/ae.parquet", "results/t/adam/adae.parquet")
        ],
        "raw": [
            {
                "path": "data/snap/ae.xpt",
                "sha256": sha256_file("data/snap/ae.xpt"),
                "lock_sha256": lock["files"][0]["sha256"],
            }
        ],
    }
    text = json.dumps(provenance, indent=1, sort_keys=True).encode()
    job("provenance", ["results/t/adam/adae.parquet"], {"results/t/provenance.json": text})
    log = RESULTS / "logs/csr.log"
    record = JobRecord(
        "csr", {"cut": CUT}, ["results/t/provenance.json"], ["results/t/csr.pdf"], log
    )
    csr(RESULTS / "csr.pdf", text)
    record.finish()
    write_manifest(manifest_of(), RESULTS / "manifest.json")
    return tmp_path


def problems(folder: Path, *extra: str) -> list[str]:
    done = cli(folder, "verify", str(RESULTS), *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.splitlines()


def test_a_finished_cut_verifies(cut):
    lines = problems(cut)
    # 5 products (2 parquet, provenance, csr.pdf; the lock is listed apart), 1 raw file, the lock.
    assert lines == ["6 files verified, all match"]


def test_an_edited_csr_is_found(cut):
    # The same report with another number, and the genuine provenance attached.
    csr(RESULTS / "csr.pdf", (RESULTS / "provenance.json").read_bytes(), orr="45.9")
    lines = problems(cut)
    assert any(line.startswith("results/t/csr.pdf: expected") for line in lines)
    assert lines[-1].startswith("1 problems")


def test_adam_edited_with_its_provenance_entry_attachment_and_manifest_breaks_the_chain(cut):
    """The review's attack: ADaM replaced together with its provenance entry, the copy attached
    to the CSR, and now the manifest's hashes too. The records of the jobs that read ADaM (and
    the job that wrote it) still hold the hashes they saw."""
    adae = RESULTS / "adam/adae.parquet"
    adae.write_bytes(b"adae forged")
    provenance = json.loads((RESULTS / "provenance.json").read_text())
    for entry in provenance["outputs"]:
        if entry["path"] == str(adae):
            entry["sha256"] = sha256_file(adae)
    text = json.dumps(provenance, indent=1, sort_keys=True).encode()
    (RESULTS / "provenance.json").write_bytes(text)
    csr(RESULTS / "csr.pdf", text)
    manifest = json.loads((RESULTS / "manifest.json").read_text())
    for entry in manifest["files"]:
        entry["sha256"] = sha256_file(entry["path"])
    write_manifest(manifest, RESULTS / "manifest.json")
    lines = problems(cut)
    assert any(
        line.startswith("results/t/adam/adae.parquet: chain broken: rule adae wrote")
        for line in lines
    )
    assert any("rule provenance read" in line for line in lines)


def test_a_product_replaced_between_two_jobs_is_refused_by_the_manifest_job(cut):
    (RESULTS / "csr.pdf").write_bytes(b"%PDF-1.7 replaced after its job")
    with pytest.raises(ChainError, match="rule csr wrote"):
        manifest_of()


def test_no_manifest_means_the_run_did_not_finish(cut):
    (RESULTS / "manifest.json").unlink()
    done = cli(cut, "verify", str(RESULTS))
    assert done.returncode == 2 and "did not finish" in done.stderr


def test_a_raw_file_changed_after_the_run_is_found(cut):
    Path("data/snap/ae.xpt").write_bytes(b"raw ae records, edited")
    assert any(line.startswith("data/snap/ae.xpt: expected") for line in problems(cut))


def test_a_lock_not_chained_to_its_predecessor_is_flagged(cut):
    lock_file = Path("config/locks/t.lock.json")
    first = lock_file.read_bytes()
    relock = build_lock(
        CUT,
        {"snapshot": "data/snap", "cutoff": "2016-10-13"},
        commit="d",
        now=NOW,
        reason="query resolved",
        previous=first,
    )
    assert relock["previous"] == previous_entry(first) and relock["reason"] == "query resolved"
    # The predecessor edited after the fact: it no longer hashes to what its successor recorded.
    relock["previous"]["lock"]["cutoff"] = "2016-12-31"
    lock_file.write_text(lock_text(relock), encoding="utf-8")
    manifest = json.loads((RESULTS / "manifest.json").read_text())
    manifest["lock"]["sha256"] = sha256_file(lock_file)
    write_manifest(manifest, RESULTS / "manifest.json")
    lines = problems(cut)
    assert any("lock not chained" in line and "edited after the fact" in line for line in lines)


# --- signatures -------------------------------------------------------------------------------


def make_key(folder: Path, name: str) -> dict:
    """A self-signed RSA key and certificate, generated for the test."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2036, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    paths = {"key": folder / f"{name}.key.pem", "certificate": folder / f"{name}.cert.pem"}
    paths["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    paths["certificate"].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return {k: str(v) for k, v in paths.items()}


@pytest.fixture
def signed(cut, tmp_path_factory) -> dict:
    from oncocsr.signing import certificate_sha256, load_signer, sign_manifest, sign_pdf

    keys = make_key(tmp_path_factory.mktemp("keys"), "statistician")
    write_manifest(manifest_of(certificate_sha256(keys["certificate"])), RESULTS / "manifest.json")
    signer = load_signer(keys)
    manifest = (RESULTS / "manifest.json").read_bytes()
    (RESULTS / "manifest.json.p7s").write_bytes(sign_manifest(manifest, signer))
    (RESULTS / "csr.signed.pdf").write_bytes(sign_pdf((RESULTS / "csr.pdf").read_bytes(), signer))
    return keys


def test_signed_cut_verifies_and_the_unsigned_csr_is_unchanged(signed, cut):
    before = (RESULTS / "csr.pdf").read_bytes()
    assert problems(cut, "--certificate", signed["certificate"]) == ["8 files verified, all match"]
    assert (RESULTS / "csr.signed.pdf").read_bytes().startswith(before)


def test_a_tampered_signed_copy_or_manifest_fails_its_signature(signed, cut):
    copy = RESULTS / "csr.signed.pdf"
    data = bytearray(copy.read_bytes())
    data[-40] = ord("0") if data[-40] != ord("0") else ord("1")
    copy.write_bytes(bytes(data))
    manifest = RESULTS / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"cut": "t"', '"cut": "t" '))
    lines = problems(cut)
    assert any(line.startswith("results/t/csr.signed.pdf: signature not valid") for line in lines)
    assert any(
        line.startswith("results/t/manifest.json.p7s: signature not valid") for line in lines
    )


def test_a_removed_signature_or_another_signer_is_found(signed, cut, tmp_path_factory):
    other = make_key(tmp_path_factory.mktemp("other"), "someone else")
    lines = problems(cut, "--certificate", other["certificate"])
    assert sum("not by" in line for line in lines) == 2
    (RESULTS / "manifest.json.p7s").unlink()
    assert any("manifest.json.p7s: missing" in line for line in problems(cut))


def test_an_unsigned_cut_fails_when_a_signer_is_required(cut, tmp_path_factory):
    keys = make_key(tmp_path_factory.mktemp("keys"), "statistician")
    lines = problems(cut, "--certificate", keys["certificate"])
    assert lines[0] == "results/t/manifest.json: not signed"


def test_the_audit_annex_is_in_the_manifest_and_an_edit_of_it_is_found(cut):
    # The annex job (rule audit_annex) reads provenance.json and writes appendices/audit.pdf,
    # which the csr job then reads for the sha256 that section 16.1 cites.
    annex = RESULTS / "appendices/audit.pdf"
    job("audit_annex", ["results/t/provenance.json"], {str(annex): b"%PDF-1.7 audit annex"})
    write_manifest(manifest_of(), RESULTS / "manifest.json")
    listed = [
        entry["path"] for entry in json.loads((RESULTS / "manifest.json").read_text())["files"]
    ]
    assert str(annex) in listed
    assert problems(cut) == ["7 files verified, all match"]
    annex.write_bytes(b"%PDF-1.7 audit annex, edited")
    lines = problems(cut)
    assert any(line.startswith("results/t/appendices/audit.pdf: expected") for line in lines)
