import hashlib
import re
from pathlib import Path

from snakemake.utils import min_version, validate

min_version("9.0")


validate(config, schema="../schemas/config.schema.yaml")

CUTS = sorted(config["cuts"])
SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")
REPO = Path(workflow.basedir)
ENVIRONMENT = "../environment.yml"


wildcard_constraints:
    cut="|".join(CUTS),
    domain="[a-z0-9]+",


def code_hash(*paths):
    """Content hash of the code a rule runs, plus the dependency lock (DESIGN.md, caching)."""
    digest = hashlib.sha256()
    for path in sorted({*paths, "requirements.lock"}):
        digest.update(path.encode())
        digest.update((REPO / path).read_bytes())
    return digest.hexdigest()


def library(*modules):
    """Paths of the ``oncocsr`` modules a rule imports, for ``code_hash``."""
    return [f"oncocsr/{module}.py" for module in modules]


def snapshot_files(cut):
    """Raw SDTM files of a cut's snapshot, by lower-case domain name."""
    folder = Path(config["cuts"][cut]["snapshot"])
    if not folder.is_dir():
        raise WorkflowError(f"cut {cut!r}: snapshot folder {folder} does not exist")
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SDTM_EXTENSIONS:
            domain = path.stem.lower()
            if domain in files:
                raise WorkflowError(
                    f"cut {cut!r}: domain {domain.upper()} is in two files: {files[domain]} and {path}"
                )
            files[domain] = str(path)
    return files


def raw_sdtm(wildcards):
    files = snapshot_files(wildcards.cut)
    if wildcards.domain not in files:
        raise WorkflowError(
            f"cut {wildcards.cut!r}: no {wildcards.domain.upper()} file in "
            f"{config['cuts'][wildcards.cut]['snapshot']}"
        )
    return files[wildcards.domain]


def sdtm_inputs(required, optional=()):
    """Input function: checked SDTM parquet files by domain, gated by their data checks.

    Required domains must be in the snapshot; optional ones are used when present.
    """

    def inputs(wildcards):
        present = snapshot_files(wildcards.cut)
        missing = [domain for domain in required if domain not in present]
        if missing:
            raise WorkflowError(
                f"cut {wildcards.cut!r}: required SDTM domains missing from the snapshot: "
                + ", ".join(domain.upper() for domain in missing)
            )
        domains = [*required, *(domain for domain in optional if domain in present)]
        files = {
            domain: f"results/{wildcards.cut}/sdtm/{domain}.parquet"
            for domain in domains
        }
        files["checks"] = [
            f"results/{wildcards.cut}/checks/{domain}.json" for domain in domains
        ]
        return files

    return inputs


def cut_params(wildcards):
    return {"name": wildcards.cut, "description": "", **config["cuts"][wildcards.cut]}


def pipeline_identity():
    """Version and commit of the workflow code, for the report's title page."""
    import subprocess

    from oncocsr import __version__

    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return {"version": __version__, "commit": commit}


PIPELINE = pipeline_identity()
