"""One raw snapshot file as bytes, read once: what the ingest job hashes, checks against the data
lock and parses (DESIGN.md, audit chain), and what reading it found (``ReadNote``).

Kept apart from ``oncocsr.io`` so that the readers of each format (``oncocsr.io`` for SAS
transport and Parquet, ``oncocsr.csvread`` for CSV) share them without importing each other.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path


class SDTMReadError(ValueError):
    """A raw SDTM file that cannot be read; the message names the file and the reason."""


class SymlinkRefused(ValueError):
    """A raw file that is a symbolic link: a snapshot must hold its own bytes, not point at
    files elsewhere that can change without the folder changing."""


@dataclass(frozen=True)
class ReadNote:
    """What reading a raw file found: a normalisation it made (``BOM``, ``CP1252``, ...) or a
    problem in its bytes (``TRUNCATED``, ``NUL``, ...), with where it is. ``oncocsr.ingest``
    makes each a finding (its ``FILE_NOTES`` give the id, severity and message)."""

    kind: str
    detail: str = ""
    variable: str = ""
    usubjid: str = ""
    value: str = ""


def read_raw(path: str | Path) -> bytes:
    """The bytes of ``path``, read once, never through a symbolic link.

    ``O_NOFOLLOW`` makes the refusal part of the open itself, so a link swapped in after a
    check cannot be followed; ``O_NONBLOCK`` keeps a named pipe from blocking the open (it is
    then refused as not a regular file; regular files read as usual). Raises ``SymlinkRefused``
    for a link and ``SDTMReadError`` for a file that is missing or not a regular file.
    """
    path = Path(path)
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise SDTMReadError(f"{path}: no such file") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SymlinkRefused(
                f"{path} is a symbolic link (to {os.readlink(path)}): refused; a snapshot must "
                "hold its own files: copy the file into the snapshot folder and lock it again"
            ) from None
        raise SDTMReadError(f"{path}: cannot be opened: {error.strerror}") from None
    with os.fdopen(handle, "rb") as stream:
        # Checked on the open file, not the name, which may point elsewhere by now.
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise SDTMReadError(f"{path}: not a regular file")
        return stream.read()
