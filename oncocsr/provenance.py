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
from pathlib import Path

from oncocsr.hashing import sha256_file
from oncocsr.lock import read_lock


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
    (rules/common.smk, hold_run_lock), without the absolute working directory."""
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


def build_provenance(
    *,
    raw: list[str],
    products: list[str],
    code_hashes: dict[str, str],
    lock: str,
    cut: dict,
    pipeline: dict,
    config: dict,
    repo: Path,
) -> tuple[dict, dict]:
    """provenance.json of a cut, and the run log of wall-clock facts kept beside it.

    For every product: its hash, size, the rule and the inputs (with hashes), params and code
    hash of the job that wrote it, from Snakemake's job records (code is None when the job ran
    with other code than the rule has now).
    """
    config_text = json.dumps(config, sort_keys=True, default=str)
    locked = {entry["name"]: entry["sha256"] for entry in read_lock(lock)["files"]}
    hashes: dict[str, str] = {}

    def sha(path: str) -> str:
        # Raw files are also inputs of the ingest jobs, and products inputs of later jobs:
        # each file is read once (1.1 GB of raw data at 100,000 subjects).
        if path not in hashes:
            hashes[path] = sha256_file(path)
        return hashes[path]

    def record(path: str) -> dict:
        return {"path": path, "sha256": sha(path), "size": Path(path).stat().st_size}

    outputs, times = [], []
    for path in sorted(set(products)):
        job = job_record(path)
        # Snakemake records a job's params as their sorted reprs, without names; the rule's
        # code hash is among them when the job ran with the current code.
        code = code_hashes.get(job["rule"])
        params = [value.replace(str(repo.resolve()), "{repo}") for value in job["params"]]
        outputs.append(
            {
                **record(path),
                "rule": job["rule"],
                "inputs": [
                    {"path": portable(name, repo), "sha256": sha(name)}
                    for name in sorted(job["input"])
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
    document = {
        "command": run_command(),
        "cut": cut,
        "pipeline": pipeline,
        "python": platform.python_version(),
        "packages": package_versions(repo / "requirements.lock"),
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "lock": {"path": lock, "sha256": sha(lock)},
        "raw": [
            {**record(path), "lock_sha256": locked.get(Path(path).name)} for path in sorted(raw)
        ],
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


def write_provenance(document: dict, path: str | Path) -> None:
    """provenance.json, or the run log beside it: JSON with indent 1 and sorted keys."""
    Path(path).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
