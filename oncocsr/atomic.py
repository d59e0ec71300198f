"""Writing a product atomically: into a temporary file beside it, renamed onto it when whole.

Snakemake deletes the outputs of a job that fails, and marks those of a job it loses (a killed
run) for a rerun; what it cannot do is keep a reader (``verify``, a person opening csr.pdf, a job
of a second run) from seeing a file while it is half written, nor remove what a job left after
the main Snakemake process is gone. Written here, a product is at its path whole or not at all
(DESIGN.md: a failed rule leaves no output).

The temporary file is named ``.partial-<pid>-<name>``: hidden, with the product's extension
(writers that choose a format by extension still do), and found again by the next write of the
same product, which removes what a killed writer left.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".partial-"


def _leftovers(path: Path) -> Iterator[Path]:
    """Temporary files of earlier, killed writes of ``path`` (only one job writes a product at a
    time, so any there is dead)."""
    own = re.compile(re.escape(PREFIX) + r"\d+-" + re.escape(path.name))
    return (other for other in path.parent.glob(f"{PREFIX}*") if own.fullmatch(other.name))


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """The temporary path to write ``path``'s content to; renamed onto ``path`` when the block
    ends without error, removed when it raises."""
    path = Path(path)
    for leftover in _leftovers(path):
        leftover.unlink(missing_ok=True)
    partial = path.with_name(f"{PREFIX}{os.getpid()}-{path.name}")
    # Created here, with the mode the umask gives, so that the product gets the permissions a
    # plain write would give it (tempfile's files are private to their owner).
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666))
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def writes_atomically(parameter: str = "path") -> Callable[[Callable], Callable]:
    """Decorate a writer so that the file it is given as ``parameter`` is written atomically:
    the writer writes (and may read back) a temporary file, renamed onto the path at the end."""

    def decorate(writer: Callable) -> Callable:
        signature = inspect.signature(writer)

        @functools.wraps(writer)
        def write(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            target = bound.arguments[parameter]
            with atomic_output(target) as partial:
                bound.arguments[parameter] = partial if isinstance(target, Path) else str(partial)
                return writer(*bound.args, **bound.kwargs)

        return write

    return decorate


@writes_atomically()
def write_bytes(path: str | Path, data: bytes) -> None:
    """``Path(path).write_bytes(data)``, atomically."""
    Path(path).write_bytes(data)


@writes_atomically()
def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """``Path(path).write_text(text, encoding)``, atomically."""
    Path(path).write_text(text, encoding=encoding)
