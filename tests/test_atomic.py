"""Products are written atomically (oncocsr.atomic): whole at their path, or not there at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from oncocsr.atomic import atomic_output, write_bytes, writes_atomically


def test_a_write_is_renamed_onto_the_path_only_when_whole(tmp_path):
    path = tmp_path / "csr.pdf"
    path.write_bytes(b"old")
    with atomic_output(path) as partial:
        partial.write_bytes(b"new, half")
        # Until the write ends, a reader sees the file as it was.
        assert path.read_bytes() == b"old" and partial.parent == tmp_path
        assert partial.suffix == ".pdf" and partial.name.startswith(".")
    assert path.read_bytes() == b"new, half"
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_failing_writer_leaves_nothing(tmp_path):
    @writes_atomically("output")
    def render(text: str, output: str) -> None:
        Path(output).write_text(text[:3])
        # The writer may read back what it wrote so far, under the name it was given.
        assert Path(output).read_text() == "hal" and isinstance(output, str)
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError, match="renderer failed"):
        render("half a report", output=str(tmp_path / "report.html"))
    assert list(tmp_path.iterdir()) == []


def test_the_next_write_removes_what_a_killed_writer_left(tmp_path):
    path = tmp_path / "adae.parquet"
    leftover = tmp_path / ".partial-12345-adae.parquet"
    other = tmp_path / ".partial-12345-x-adae.parquet"
    leftover.write_bytes(b"half")
    other.write_bytes(b"another product's")
    write_bytes(path, b"whole")
    assert sorted(tmp_path.iterdir()) == [other, path]


def test_a_product_gets_the_permissions_of_a_plain_write(tmp_path):
    umask = os.umask(0o022)
    try:
        write_bytes(tmp_path / "adsl.xpt", b"data")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "adsl.xpt").stat().st_mode) == 0o644
