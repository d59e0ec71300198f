"""provenance.json of a data cut: what every output is, where it came from, what made it.

It holds only facts that identical rebuilds share (hashes, sizes, rule names, versions), never
times or absolute paths, because it is embedded in the CSR, whose bytes must not change between
identical rebuilds (DESIGN.md, determinism).
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from oncocsr.io import sha256_file


def file_record(path: str | Path) -> dict:
    return {"path": str(path), "sha256": sha256_file(path), "size": Path(path).stat().st_size}


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


def build_provenance(
    *,
    raw: list[str],
    products: list[str],
    producers: dict[str, str],
    cut: dict,
    pipeline: dict,
    config: dict,
    lock: str | Path,
) -> dict:
    config_text = json.dumps(config, sort_keys=True, default=str)
    return {
        "cut": cut,
        "pipeline": pipeline,
        "python": platform.python_version(),
        "packages": package_versions(lock),
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "raw": [file_record(path) for path in sorted(raw)],
        "outputs": [
            {**file_record(path), "rule": producers[path]} for path in sorted(set(products))
        ],
    }


def write_provenance(document: dict, path: str | Path) -> None:
    Path(path).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
