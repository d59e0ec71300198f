"""provenance.json of a data cut: what every output is, where it came from, what made it.

It holds only facts that identical rebuilds share (hashes, sizes, rule names, versions), never
times or absolute paths, because it is embedded in the CSR, whose bytes must not change between
identical rebuilds (DESIGN.md, determinism).
"""

from __future__ import annotations

import hashlib
import json
import platform
from base64 import urlsafe_b64encode
from importlib import metadata
from pathlib import Path, PurePosixPath

from oncocsr.atomic import writes_atomically
from oncocsr.lock import read_lock
from oncocsr.lockhistory import lock_history


def package_versions(lock: str | Path) -> dict[str, str]:
    """Installed versions of the packages pinned in the lock file (a mismatch shows here)."""
    names = [
        line.split("==")[0].strip()
        for line in Path(lock).read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    ]
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return dict(sorted(versions.items(), key=lambda item: item[0].lower()))


def job_record(path: str, metadata_dir: str | Path = ".snakemake/metadata") -> dict:
    """Snakemake's own record of the job that wrote ``path``: rule, inputs, params (as the
    strings Snakemake compares for its params trigger), start and end times.

    Snakemake stores it under the url-safe base64 of the path, in chunks of at most 254
    characters for long paths (snakemake/persistence/file.py); there is no public API to read it
    from a job.
    """
    encoded = urlsafe_b64encode(path.encode()).decode()
    chunks = [encoded[i : i + 254] for i in range(0, len(encoded), 254)]
    record = Path(metadata_dir, *["@" + chunk for chunk in chunks[:-1]], chunks[-1])
    return json.loads(record.read_text(encoding="utf-8"))


def run_command(run_lock: str | Path = ".snakemake/oncocsr-run.lock") -> str:
    """The Snakemake command of this run, as the workflow wrote it into its run lock
    (oncocsr.runlock.hold_run_lock), without the absolute working directory."""
    try:
        return Path(run_lock).read_text(encoding="utf-8").split(": ", 1)[1].strip()
    except (OSError, IndexError):
        return "unknown"


def portable(path: str, repo: Path) -> str:
    """A path as provenance states it: relative to the working directory, or to the workflow's
    folder ("{repo}/...") for its own files, never absolute, so that clones agree."""
    absolute = Path(path).resolve()
    for root, prefix in ((Path.cwd(), ""), (repo.resolve(), "{repo}/")):
        if absolute.is_relative_to(root):
            return prefix + absolute.relative_to(root).as_posix()
    return path


class ChainError(ValueError):
    """A product whose bytes differ from what the job that wrote it, or a job that read it,
    recorded: it was replaced during the run."""


def producers(records: list[dict]) -> dict[str, dict]:
    """The job record that wrote each output, by output path."""
    return {output["path"]: record for record in records for output in record["outputs"]}


def raw_reads(records: list[dict], raw: list[str]) -> dict[str, dict]:
    """What the jobs recorded of each raw file they read (the ingest job's verified read)."""
    wanted = set(raw)
    return {
        entry["path"]: entry
        for record in records
        for entry in record["inputs"]
        if entry["path"] in wanted
    }


def chain_breaks(records: list[dict], hashes: dict[str, str], locked: dict[str, str]) -> list[str]:
    """Links of the audit chain that do not hold: a job's recorded output, or a job's recorded
    input, whose sha256 is not the file's (``hashes``, by path), or a raw file read with other
    bytes than its lock (``locked``, by path). One line per break."""
    breaks = []
    for record in records:
        for output in record["outputs"]:
            now = hashes.get(output["path"])
            if now is not None and now != output["sha256"]:
                breaks.append(
                    f"{output['path']}: rule {record['rule']} wrote sha256 {output['sha256']}, "
                    f"the file now has {now}"
                )
        for entry in record["inputs"]:
            expected = hashes.get(entry["path"]) or locked.get(entry["path"])
            if expected is not None and expected != entry["sha256"]:
                breaks.append(
                    f"{entry['path']}: rule {record['rule']} read sha256 {entry['sha256']}, "
                    f"but it is {expected}"
                )
    return breaks


def build_provenance(
    *,
    raw: list[str],
    products: list[str],
    records: list[dict],
    hashed: dict[str, dict],
    code_hashes: dict[str, str],
    lock: str,
    cut: dict,
    pipeline: dict,
    config: dict,
    repo: Path,
) -> tuple[dict, dict]:
    """provenance.json of a cut, and the run log of wall-clock facts kept beside it.

    For every product: its hash and size as this job read them (``hashed``, by path: the
    provenance job's own record), the rule and params of the job that wrote it (Snakemake's
    job record), the inputs with the hashes that job recorded when it read them (``records``,
    oncocsr.jobrecord), and the rule's code hash (None when the job ran with other code than
    the rule has now). Raw files carry the hash of the bytes the ingest job read, never a
    re-read. Raises :class:`ChainError` when a product changed between the job that wrote it
    and a job that read it.
    """
    config_text = json.dumps(config, sort_keys=True, default=str)
    lock_document = read_lock(lock)
    folder = PurePosixPath(lock_document["snapshot"])
    locked = {str(folder / entry["name"]): entry for entry in lock_document["files"]}
    products = sorted(set(products))
    by_output = producers(records)
    missing = [path for path in products if path not in by_output]
    if missing:
        raise ChainError(
            "no job record (logs/*.job.json) of the job that wrote "
            + ", ".join(missing)
            + ": these files were not written by this workflow's jobs; rerun snakemake"
        )
    hashes = {path: hashed[path]["sha256"] for path in products}
    breaks = chain_breaks(
        [by_output[path] for path in products],
        hashes,
        {path: entry["sha256"] for path, entry in locked.items()},
    )
    if breaks:
        raise ChainError(
            "the products of this run changed between the jobs that wrote and read them:\n  "
            + "\n  ".join(sorted(set(breaks)))
        )
    reads = raw_reads(records, raw)
    outputs, times = [], []
    for path in products:
        job = job_record(path)
        # Snakemake records a job's params as their sorted reprs, without names; the rule's
        # code hash is among them when the job ran with the current code.
        code = code_hashes.get(job["rule"])
        params = [value.replace(str(repo.resolve()), "{repo}") for value in job["params"]]
        outputs.append(
            {
                "path": path,
                "sha256": hashes[path],
                "size": hashed[path]["size"],
                "rule": job["rule"],
                "inputs": [
                    {"path": portable(entry["path"], repo), "sha256": entry["sha256"]}
                    for entry in by_output[path]["inputs"]
                ],
                "params": params,
                "code": code if repr(code) in params else None,
            }
        )
        times.append(
            {
                "path": path,
                "rule": job["rule"],
                "start": job["starttime"],
                "end": job["endtime"],
                "seconds": round(job["endtime"] - job["starttime"], 3),
            }
        )
    raw_entries = []
    for path in sorted(raw):
        entry = locked.get(str(PurePosixPath(path)), {})
        read = reads.get(path)
        raw_entries.append(
            {
                "path": path,
                "sha256": read["sha256"] if read else entry.get("sha256"),
                "size": read["size"] if read else entry.get("size"),
                "lock_sha256": entry.get("sha256"),
                "read": read is not None,
            }
        )
    document = {
        "command": run_command(),
        "cut": cut,
        "pipeline": pipeline,
        "python": platform.python_version(),
        "packages": package_versions(repo / "requirements.lock"),
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "lock": {
            "path": lock,
            "sha256": hashed[lock]["sha256"],
            "history": lock_history(lock_document),
        },
        "raw": raw_entries,
        "outputs": outputs,
    }
    return document, {"jobs": times}


def prov_document(document: dict) -> str:
    """provenance.json as W3C PROV-JSON (the ``prov`` package): files are entities with their
    sha256, each job an activity that used its inputs and generated its output, on behalf of
    the pipeline at its commit."""
    import prov.model as pm

    prov = pm.ProvDocument()
    prov.add_namespace("file", "urn:oncocsr:file:")
    prov.add_namespace("job", "urn:oncocsr:job:")
    prov.add_namespace("oncocsr", "urn:oncocsr:")
    pipeline = document["pipeline"]
    agent = prov.agent(
        f"oncocsr:pipeline-{pipeline['version']}-{pipeline['commit']}",
        {"prov:type": "prov:SoftwareAgent", "oncocsr:dirty": str(pipeline["dirty"]).lower()},
    )
    entities = {}

    def entity(path: str, sha: str):
        if path not in entities:
            entities[path] = prov.entity(f"file:{path}", {"oncocsr:sha256": sha})
        return entities[path]

    for raw in document["raw"]:
        entity(raw["path"], raw["sha256"])
    for output in document["outputs"]:
        job = prov.activity(
            f"job:{output['path']}", other_attributes={"oncocsr:rule": output["rule"]}
        )
        prov.wasAssociatedWith(job, agent)
        for item in output["inputs"]:
            prov.used(job, entity(item["path"], item["sha256"]))
        prov.wasGeneratedBy(entity(output["path"], output["sha256"]), job)
    return prov.serialize(format="json", indent=1, sort_keys=True) + "\n"


@writes_atomically()
def write_provenance(document: dict, path: str | Path) -> None:
    """provenance.json, or the run log beside it: JSON with indent 1 and sorted keys."""
    Path(path).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
