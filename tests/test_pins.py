"""Pinned for the tests too (issue 15, item 9): the README's test command installs the runtime
pins of requirements.lock plus the test tools, each at one exact version, so that the tests run
on the versions the pipeline runs on."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_COMMAND = "python -m pip install -r requirements-test.lock -e . && python -m pytest"
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)")


def requirement_lines(name: str) -> list[str]:
    """The requirement lines of a requirements file, without comments and blank lines."""
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def normal(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines: list[str]) -> dict[str, str]:
    """Pinned version by normalised name; every line must be an exact pin."""
    matches = [PIN.fullmatch(line) for line in lines]
    assert all(matches), [line for line, match in zip(lines, matches, strict=True) if not match]
    return {normal(match[1]): match[2] for match in matches}


def test_the_readme_and_ci_run_the_tests_after_installing_the_test_lock():
    assert TEST_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_test_lock_is_the_runtime_lock_plus_exactly_pinned_test_tools():
    lines = requirement_lines("requirements-test.lock")
    assert lines[0] == "-r requirements.lock"
    runtime, tools = pins(requirement_lines("requirements.lock")), pins(lines[1:])
    # A package pinned in both would get whichever pin pip meets last.
    assert not runtime.keys() & tools.keys()
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]["test"]
    wanted = {normal(re.match(r"[A-Za-z0-9._-]+", extra)[0]) for extra in extras}
    assert wanted <= tools.keys()


def test_the_pdf_is_rendered_by_the_pinned_versions():
    """The PDF's bytes depend on WeasyPrint, the fontTools that subsets its fonts, pydyf that
    writes it, the matplotlib whose DejaVu files it embeds and the package of its Chinese font
    (Noto Sans SC): the tests run those pins."""
    runtime = pins(requirement_lines("requirements.lock"))
    for name in ("weasyprint", "fonttools", "pydyf", "matplotlib", "pylopdf-fonts-zh-cn"):
        assert metadata.version(name) == runtime[name], name
