import hashlib
import re
from operator import attrgetter
from pathlib import Path

from snakemake.io import is_callable
from snakemake.utils import min_version, validate

from oncocsr.tlf.catalog import FIGURES, LISTINGS, TABLES

min_version("9.0")


validate(config, schema="../schemas/config.schema.yaml")

CUTS = sorted(config["cuts"])
ADAM = ["adsl", "adrs", "adtr", "adtte", "adae", "adex"]
SDTM_EXTENSIONS = (".xpt", ".csv", ".parquet")
REPO = Path(workflow.basedir)
ENVIRONMENT = "../environment.yml"


wildcard_constraints:
    cut="|".join(CUTS),
    # "cross" and "gate" name the cut-level checks files, never an SDTM domain.
    domain=r"(?!(?:cross|gate)\b)[a-z0-9]+",


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


def spec_file(domain):
    """The data-check spec of a domain (SUPPxx share one), or None for an unknown domain."""
    name = "supp" if domain.startswith("supp") else domain
    path = REPO / "schemas" / "sdtm" / f"{name}.yaml"
    return str(path) if path.is_file() else None


def checked_domains(cut):
    """Domains of a cut's snapshot that have checks: these are ingested."""
    return sorted(d for d in snapshot_files(cut) if spec_file(d))


def unknown_files(cut):
    """SDTM-typed files of a cut's snapshot for which no checks exist (reported, not read)."""
    return sorted(p for d, p in snapshot_files(cut).items() if not spec_file(d))


def raw_sdtm(wildcards):
    files = snapshot_files(wildcards.cut)
    if wildcards.domain not in files:
        raise WorkflowError(
            f"cut {wildcards.cut!r}: no {wildcards.domain.upper()} file in "
            f"{config['cuts'][wildcards.cut]['snapshot']}"
        )
    return {"raw": files[wildcards.domain], "spec": spec_file(wildcards.domain)}


def sdtm_inputs(required, optional=()):
    """Input function: cut SDTM parquet files by domain, behind the data-checks gate.

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
        files["gate"] = f"results/{wildcards.cut}/checks/gate.json"
        return files

    # Named for the audit appendix's rule graph, which describes input functions by docstring.
    optional_text = f"; optional {', '.join(optional).upper()}" if optional else ""
    inputs.__doc__ = f"results/{{cut}}/sdtm/ of {', '.join(required).upper()}{optional_text}; checks/gate.json"
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


def listing_inputs(wildcards):
    """The ADaM datasets (or data-check results) a listing lists."""
    files = {}
    for name in LISTINGS[wildcards.listing]:
        if name == "checks":
            files[name] = expand(
                "results/{cut}/checks/{name}.json",
                cut=wildcards.cut,
                name=[*checked_domains(wildcards.cut), "cross"],
            )
        else:
            files[name] = f"results/{wildcards.cut}/adam/{name}.parquet"
    return files


def cut_products(cut):
    """Every file the CSR of a cut rests on, from SDTM to the TLFs (DESIGN.md, output contract)."""
    checks = [*checked_domains(cut), "cross"]
    return [
        *expand(
            "results/{cut}/sdtm/{domain}.parquet", cut=cut, domain=checked_domains(cut)
        ),
        *expand("results/{cut}/checks/{name}.json", cut=cut, name=[*checks, "gate"]),
        f"results/{cut}/checks/report.html",
        *expand(
            "results/{cut}/adam/{dataset}.{ext}",
            cut=cut,
            dataset=ADAM,
            ext=["parquet", "xpt"],
        ),
        *expand("results/{cut}/ard/{name}.parquet", cut=cut, name=ARD_FILES),
        *expand(
            "results/{cut}/tlf/{tlf}.{ext}",
            cut=cut,
            tlf=sorted(TABLES),
            ext=["html", "rtf"],
        ),
        *expand("results/{cut}/tlf/{stem}.svg", cut=cut, stem=sorted(FIGURES)),
        *expand("results/{cut}/tlf/{listing}.html", cut=cut, listing=sorted(LISTINGS)),
        *expand(
            "results/{cut}/appendices/listing-{listing}.pdf",
            cut=cut,
            listing=sorted(LISTINGS),
        ),
    ]


def producers(wildcards, input):
    """The rule that wrote each input file, by the rules' output patterns."""
    return {
        path: next(rule.name for rule in workflow.rules if rule.is_producer(path))
        for path in input.products
    }


def rule_graph(wildcards):
    """The workflow graph for the audit appendix: what each step reads and writes, as patterns.
    Input functions are described by the first line of their docstring."""

    def describe(item):
        if is_callable(item):
            # The function sits in the IOFile's private slot, inside a flagged string when
            # unpacked; Snakemake has no public accessor for it.
            function = getattr(item, "_file", item)
            function = getattr(function, "callable", None) or function
            doc = (function.__doc__ or function.__name__).strip().splitlines()[0]
            return f"({doc})"
        return str(item)

    return [
        {
            "rule": rule.name,
            "inputs": sorted({describe(item) for item in rule.input}),
            "outputs": sorted(str(item) for item in rule.output),
        }
        for rule in sorted(workflow.rules, key=attrgetter("name"))
        if rule.name != "all"
    ]
