"""Signatures of a cut, when the study configures a key (``signing`` in the study config):
a detached CMS signature of manifest.json and a PAdES signature of a copy of the CSR, both with
pyHanko.

They are separate files (manifest.json.p7s, csr.signed.pdf), so the unsigned products stay
byte-identical across rebuilds; a signature carries the time it was made, which is the point of
signing. The CSR's signature is an incremental update: the signed copy starts with the bytes of
csr.pdf, which ``verify`` checks together with the signatures themselves. The signer is pinned
by the sha256 of its certificate (DER), recorded in the manifest; an auditor who holds the
certificate can give it to ``verify`` as the trust anchor.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from pathlib import Path


class SignatureError(ValueError):
    """A signature that is missing, broken, made by another certificate, or not covering the
    file it signs; or a signing key that cannot be loaded."""


def _load_certificate(path: str | Path):
    from pyhanko.keys import load_cert_from_pemder

    try:
        return load_cert_from_pemder(str(path))
    except (OSError, ValueError) as error:
        raise SignatureError(f"{path}: not a PEM or DER certificate ({error})") from error


def certificate_sha256(path: str | Path) -> str:
    """sha256 of a certificate's DER bytes: how the manifest names the signer."""
    return hashlib.sha256(_load_certificate(path).dump()).hexdigest()


def load_signer(settings: dict):
    """The pyHanko signer of a study's ``signing`` settings: key and certificate files, and the
    environment variable holding the key's passphrase (never the passphrase itself)."""
    from pyhanko.sign import signers

    variable = settings.get("passphrase_env")
    passphrase = os.environ.get(variable, "").encode() if variable else None
    if variable and variable not in os.environ:
        raise SignatureError(f"signing.passphrase_env names {variable}, which is not set")
    signer = signers.SimpleSigner.load(
        settings["key"], settings["certificate"], key_passphrase=passphrase or None
    )
    if signer is None:
        raise SignatureError(
            f"cannot load the signing key {settings['key']} with certificate "
            f"{settings['certificate']} (wrong file or passphrase)"
        )
    return signer


def sign_manifest(data: bytes, signer) -> bytes:
    """A detached CMS signature (DER) of the manifest's bytes."""
    signed = asyncio.run(signer.async_sign_general_data(data, "sha256", detached=True))
    return signed.dump()


def sign_pdf(pdf: bytes, signer) -> bytes:
    """``pdf`` with a PAdES baseline signature appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="CSRSignature",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Clinical study report of a locked data cut",
    )
    output = io.BytesIO()
    signers.sign_pdf(writer, metadata, signer=signer, output=output)
    return output.getvalue()


def _trust(signing_cert, expected: str, trusted: str | Path | None):
    """A validation context that trusts the signer only if it is the pinned certificate."""
    from pyhanko_certvalidator import ValidationContext

    actual = hashlib.sha256(signing_cert.dump()).hexdigest()
    if actual != expected:
        raise SignatureError(
            f"signed by certificate sha256 {actual}, the manifest names {expected}"
        )
    if trusted is not None and certificate_sha256(trusted) != actual:
        raise SignatureError(f"signed by certificate sha256 {actual}, not by {trusted}")
    return ValidationContext(trust_roots=[signing_cert], allow_fetching=False)


def _subject(certificate) -> str:
    return certificate.subject.human_friendly


def verify_manifest_signature(
    data: bytes, signature: bytes, expected: str, trusted: str | Path | None = None
) -> str:
    """Check the detached signature of the manifest; returns the signer's subject."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    try:
        signed_data = cms.ContentInfo.load(signature)["content"]
        certificate = signed_data["certificates"][0].chosen
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise SignatureError(f"not a CMS signature ({error})") from error
    context = _trust(certificate, expected, trusted)
    status = asyncio.run(
        async_validate_detached_cms(data, signed_data, signer_validation_context=context)
    )
    if not (status.intact and status.valid):
        raise SignatureError("the manifest's bytes are not the ones that were signed")
    return _subject(certificate)


def verify_signed_pdf(
    signed: bytes, unsigned: bytes, expected: str, trusted: str | Path | None = None
) -> str:
    """Check the signed copy of the CSR: it is csr.pdf plus one signature covering the whole
    file, made by the pinned certificate; returns the signer's subject."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not signed.startswith(unsigned):
        raise SignatureError("the signed copy does not start with the bytes of csr.pdf")
    try:
        signatures = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    except (PdfReadError, ValueError, TypeError) as error:
        raise SignatureError(f"not a readable PDF ({error})") from error
    if len(signatures) != 1:
        raise SignatureError(f"{len(signatures)} signatures, expected one")
    embedded = signatures[0]
    context = _trust(embedded.signer_cert, expected, trusted)
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except SignatureValidationError as error:
        raise SignatureError(str(error)) from error
    if not (status.intact and status.valid):
        raise SignatureError("the signed bytes have changed")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise SignatureError("the signature does not cover the whole file")
    return _subject(embedded.signer_cert)
