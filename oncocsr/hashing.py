"""sha256 of files, apart from ``oncocsr.io`` so that what only hashes (the lock check at every
Snakemake start, provenance, trace) does not import pandas."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks so large files stay out of memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inputs_sha256(paths) -> str:
    """One hash for several input files: sha256 of their sha256s, in path order."""
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        digest.update(sha256_file(path).encode("ascii"))
    return digest.hexdigest()
