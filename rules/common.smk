import functools
import re
import sys
from operator import attrgetter
from pathlib import Path

from snakemake.io import is_callable
from snakemake.logging import logger
from snakemake.utils import min_version

from oncocsr.studyconfig import ConfigError, StudyConfig
from oncocsr.tlf.catalog import FIGURES, LISTINGS, TABLES
from oncocsr import runlock, waivers
from oncocsr import workflow as helpers

min_version("9.0")


REPO = Path(workflow.basedir)
ENVIRONMENT = "../environment.yml"
# The study config: config/config.yaml, or only the files given with --configfile (Snakefile).
# Errors name the files as given; products name them relative to the working directory.
CONFIG_SOURCE = (
    ", ".join(map(str, workflow.overwrite_configfiles)) or "config/config.yaml"
)
CONFIG_NAME = helpers.config_source(workflow.overwrite_configfiles)
try:
    STUDY = StudyConfig(config, source=CONFIG_SOURCE)
except ConfigError as error:
    raise WorkflowError(str(error)) from None
CUTS = STUDY.cuts
ADAM = ["adsl", "adrs", "adtr", "adtte", "adae", "adex"]
# The ADaM conformance checks' findings, report and gate (rules/checks.smk).
ADAM_CHECKS = ["adam.json", "adam.html", "adam_gate.json"]


wildcard_constraints:
    cut="|".join(re.escape(cut) for cut in CUTS),
    # "cross", "gate" and "adam" name the cut-level checks files, never an SDTM domain.
    domain=r"(?!(?:cross|gate|adam)\b)[a-z0-9]+",


def code_hash(script, *data):
    return helpers.code_hash(script, *data, repo=REPO)


def sap(*keys):
    """A params function: the cut's resolved SAP setting under ``keys`` (studyconfig); None for
    an optional section the study does not set (e.g. no design)."""

    def value(wildcards):
        setting = STUDY.settings(wildcards.cut)
        for key in keys:
            setting = setting.get(key) if isinstance(setting, dict) else None
        return setting

    value.__doc__ = f"SAP setting {'.'.join(keys)} of the cut"
    return value


def sap_sections(*paths):
    """A params function: the named SAP sections (or keys of them, "baseline.ecog") of the
    cut's resolved settings, nested as in the config. Each rule gets only what it uses, so a
    change reruns only what depends on it."""

    def value(wildcards):
        return helpers.select_settings(STUDY.settings(wildcards.cut), paths)

    value.__doc__ = f"SAP settings {', '.join(paths)} of the cut"
    return value


def waiver_path(wildcards):
    """Where the cut's waiver file (accepted data-check findings) is, whether or not it exists."""
    return str(waivers.waiver_path(STUDY.study["waivers"], wildcards.cut))


def waiver_file(wildcards):
    """The cut's waiver file, if it has one."""
    path = waiver_path(wildcards)
    return [path] if Path(path).is_file() else []


def input_scaled(per_input_mb, base):
    """A resource function: ``base`` plus ``per_input_mb`` for each MB of the job's inputs."""

    def resource(wildcards, input):
        return int(base + per_input_mb * input.size_mb)

    return resource


def memory_mb(per_input_mb, base):
    """Memory of a job, growing with its inputs: pandas holds several working copies of a table
    (peaks measured at 100,000 subjects in benchmarks/README.md), for cluster schedulers.
    """
    return input_scaled(per_input_mb, base)


def runtime_min(per_input_mb, base=5):
    """Wall-time limit of a job in minutes, growing with its inputs, with a generous margin."""
    return input_scaled(per_input_mb, base)


def snapshot_files(cut):
    """Raw SDTM files of a cut's snapshot, by lower-case domain name."""
    try:
        return helpers.snapshot_files(STUDY.cut(cut)["snapshot"], cut)
    except helpers.SnapshotError as error:
        raise WorkflowError(str(error)) from None


def spec_file(domain):
    return helpers.spec_file(domain, REPO)


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
            f"{STUDY.cut(wildcards.cut)['snapshot']}"
        )
    return {"raw": files[wildcards.domain], "spec": spec_file(wildcards.domain)}


def sdtm_inputs(required, optional=()):
    """Input function: cut SDTM parquet files by domain, behind the data-checks gate.

    Required domains must be in the snapshot (checked for every cut before anything runs);
    optional ones are used when present.
    """

    def inputs(wildcards):
        present = snapshot_files(wildcards.cut)
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
    return STUDY.cut(wildcards.cut)


def pipeline_identity():
    """Version and commit of the workflow code, and whether the work tree differs from that
    commit (dirty), for the report's title page and provenance."""
    import subprocess

    from oncocsr import __version__

    def git(*args):
        return subprocess.run(
            ["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.CalledProcessError):
        commit, dirty = "unknown", True
    return {"version": __version__, "commit": commit, "dirty": dirty}


PIPELINE = pipeline_identity()
LOCKS = Path(STUDY.study["locks"])
# The study's signing key and certificate (rule sign), or nothing to sign.
SIGNING = STUDY.study.get("signing") or {}


def finished_cut(cut):
    """What a finished run leaves for a cut: the CSR, the manifest written last, and their
    signed copies when the study configures a key."""
    signed = ["manifest.json.p7s", "csr.signed.pdf"] if SIGNING else []
    return [f"results/{cut}/{name}" for name in ["csr.pdf", "manifest.json", *signed]]


def lock_file(cut):
    """The data lock of a cut: config/locks/<cut>.lock.json (python -m oncocsr lock)."""
    return str(LOCKS / f"{cut}.lock.json")


@functools.cache
def data_lock(cut):
    """The data lock of a cut, read once per process."""
    from oncocsr.lock import read_lock

    try:
        return read_lock(lock_file(cut))
    except (OSError, ValueError) as error:
        raise WorkflowError(f"data lock of cut {cut!r}: {error}") from None


def locked_raw(wildcards):
    """A params function: the data lock's entry (name, sha256, size) of the job's raw file and
    the lock file, which the job checks the bytes it reads against (a verified read). Only a
    change of that file's entry reruns the job."""
    from oncocsr.lock import locked_entry

    name = Path(raw_sdtm(wildcards)["raw"]).name
    try:
        entry = locked_entry(data_lock(wildcards.cut), name)
    except ValueError as error:
        raise WorkflowError(str(error)) from None
    return {**entry, "lock": lock_file(wildcards.cut)}


def snapshot_date(wildcards):
    """A params function: the date (UTC) the cut's snapshot was locked. Data dated after it did
    not exist when the snapshot was taken (the ingest checks); a re-lock on another day changes
    it and so reruns the ingest jobs."""
    locked_at = data_lock(wildcards.cut).get("locked_at")
    return locked_at[:10] if locked_at else None


def verify_data_locks():
    """Before anything runs, each cut's snapshot must match its data lock byte for byte: a
    changed, added or missing raw file stops the run, naming the file and both hashes.
    """
    from oncocsr.lock import check_lock_matches, read_lock, verify_snapshot

    for cut in CUTS:
        snapshot = STUDY.cut(cut)["snapshot"]
        try:
            lock = read_lock(lock_file(cut))
            check_lock_matches(lock, cut, STUDY.cut(cut))
            verify_snapshot(lock, snapshot, lock_file=lock_file(cut))
        except (OSError, ValueError) as error:
            raise WorkflowError(f"data lock of cut {cut!r}: {error}") from None
        try:
            helpers.check_required_domains(
                helpers.snapshot_files(snapshot, cut), snapshot, cut
            )
        except helpers.SnapshotError as error:
            raise WorkflowError(str(error)) from None


if workflow.is_main_process:
    # Once per run, not in every job: the design search takes half a second (studyconfig).
    try:
        STUDY.check_designs()
    except ConfigError as error:
        raise WorkflowError(str(error)) from None
    # One run at a time, until every job of it has ended (oncocsr.runlock).
    try:
        RUN_LOCK = runlock.hold_run_lock(sys.argv[1:])
    except runlock.RunLockError as error:
        raise WorkflowError(str(error)) from None
    verify_data_locks()


# A failed run moves aside what of each cut no longer matches its data: an earlier build's
# products behind a gate that stopped, or a CSR whose products changed (oncocsr.workflow).
onerror:
    for cut in CUTS:
        message = helpers.set_aside_after_failure(cut, cut_products(cut))
        if message:
            logger.error(message)


def listing_inputs(wildcards):
    """The ADaM datasets (or data-check results) a listing lists."""
    files = {}
    for name in LISTINGS[wildcards.listing]:
        if name == "gate":
            files[name] = f"results/{wildcards.cut}/checks/gate.json"
        elif name == "checks":
            files[name] = expand(
                "results/{cut}/checks/{name}.json",
                cut=wildcards.cut,
                name=[*checked_domains(wildcards.cut), "cross"],
            )
        else:
            files[name] = f"results/{wildcards.cut}/adam/{name}.parquet"
    return files


def cut_products(cut):
    """Every file the CSR of a cut rests on, from SDTM to the TLFs, and the submission files of
    its ADaM datasets (DESIGN.md, output contract)."""
    checks = [*checked_domains(cut), "cross"]
    return [
        *expand(
            "results/{cut}/sdtm/{domain}.parquet", cut=cut, domain=checked_domains(cut)
        ),
        *expand("results/{cut}/checks/{name}.json", cut=cut, name=[*checks, "gate"]),
        f"results/{cut}/checks/report.html",
        *expand("results/{cut}/checks/{name}", cut=cut, name=ADAM_CHECKS),
        *expand(
            "results/{cut}/adam/{dataset}.{ext}",
            cut=cut,
            dataset=ADAM,
            ext=["parquet", "xpt"],
        ),
        f"results/{cut}/adam/define.xml",
        f"results/{cut}/adam/define.html",
        *expand("results/{cut}/adam/json/{dataset}.json", cut=cut, dataset=ADAM),
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


def raw_files(cut):
    """Every file of a cut's snapshot folder, as the data lock lists them."""
    from oncocsr.lock import snapshot_paths

    return [str(path) for path in snapshot_paths(STUDY.cut(cut)["snapshot"])]


def rule_graph(wildcards):
    """The workflow graph for the audit appendix: what each step reads and writes, as patterns.
    Input functions are described by the first line of their docstring; an anonymous one
    (a lambda, which has none) by the name of the input it computes."""

    def describe(item, name):
        if is_callable(item):
            # The function sits in the IOFile's private slot, inside a flagged string when
            # unpacked; Snakemake has no public accessor for it.
            function = getattr(item, "_file", item)
            function = getattr(function, "callable", None) or function
            if function.__doc__:
                return f"({function.__doc__.strip().splitlines()[0]})"
            if function.__name__ != "<lambda>":
                return f"({function.__name__})"
            return f"({name or 'input'} of the cut, computed when the workflow starts)"
        return str(item)

    def inputs(rule):
        names = {id(value): name for name, value in rule.input.items()}
        return sorted({describe(item, names.get(id(item))) for item in rule.input})

    return [
        {
            "rule": rule.name,
            "inputs": inputs(rule),
            "outputs": sorted(str(item) for item in rule.output),
        }
        for rule in sorted(workflow.rules, key=attrgetter("name"))
        if rule.name != "all"
    ]


def checks_findings(wildcards):
    """results/{cut}/checks/ of every checked domain, the cross-domain and the ADaM checks"""
    return expand(
        "results/{cut}/checks/{name}.json",
        cut=wildcards.cut,
        name=[*checked_domains(wildcards.cut), "cross", "adam"],
    )


def delivered_domains(wildcards):
    """SDTM domains of the cut's snapshot (the CSR says what was not collected)"""
    return sorted(domain.upper() for domain in snapshot_files(wildcards.cut))
