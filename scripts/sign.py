"""Rule sign (only when the study configures a key): manifest.json -> manifest.json.p7s
(detached CMS), csr.pdf -> csr.signed.pdf (PAdES), with pyHanko (oncocsr.signing)."""

from oncocsr.joblog import job_log

note = job_log(snakemake)

from pathlib import Path

from oncocsr.atomic import write_bytes
from oncocsr.joblog import JobError
from oncocsr.signing import SignatureError, load_signer, sign_manifest, sign_pdf

inputs, outputs = snakemake.input, snakemake.output
try:
    signer = load_signer(snakemake.params.signing)
except (SignatureError, OSError, ValueError) as error:
    raise JobError(f"signing: {error}") from None
write_bytes(outputs.signature, sign_manifest(Path(inputs.manifest).read_bytes(), signer))
write_bytes(outputs.csr, sign_pdf(Path(inputs.csr).read_bytes(), signer))
note(f"signed {inputs.manifest} and {inputs.csr} as {signer.signing_cert.subject.human_friendly}")
