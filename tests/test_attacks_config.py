"""Attacks on the configuration (issue 15, item 6): names that would make paths, dates that are
no dates, designs that fail after ADaM, YAML errors without a position. Each is refused at
start, before anything is read or written, with a message that names the file and the key.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from oncocsr.studyconfig import ConfigError, StudyConfig, read_config

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
CUT = {"snapshot": "data/snap", "cutoff": "2016-10-13"}
# Names that are no folder or file name of their own: a path out of results/ or the locks
# folder, a regex metacharacter, a dot, a trailing newline (which the schema's "$" lets
# through), and one character too many.
BAD_NAMES = ["../../pwned", "p(x", "a.b", "primary\n", "x" * 65]


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m oncocsr`` of this checkout (not whichever one is installed) in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "oncocsr", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )


def files_under(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


@pytest.fixture
def project(tmp_path):
    """A working directory (inside tmp_path, so a lock that escapes it stays in tmp_path) with
    a one-file snapshot at data/snap."""
    work = tmp_path / "work"
    (work / "data" / "snap").mkdir(parents=True)
    (work / "data" / "snap" / "dm.csv").write_text("USUBJID\nS1\n", encoding="utf-8")
    return work


def bundled(change) -> dict:
    config = copy.deepcopy(BUNDLED)
    change(config)
    return config


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_cut_name_that_is_no_plain_name_is_refused_by_the_config(name):
    config = bundled(lambda c: c["cuts"].update({name: c["cuts"].pop("primary")}))
    with pytest.raises(ConfigError, match=r"test\.yaml(.|\n)*cuts"):
        StudyConfig(config, source="test.yaml")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_lock_refuses_a_cut_name_that_would_make_a_path(project, name):
    """`lock --cut ../../pwned` wrote config/locks/../../pwned.lock.json, outside the locks
    folder; `p(x` wrote a lock no config can use. Now nothing is written anywhere."""
    (project / "study.yaml").write_text(
        yaml.safe_dump({"cuts": {name: CUT}}, allow_unicode=True), encoding="utf-8"
    )
    before = files_under(project.parent)
    for locks in ([], ["--locks", "locks"]):
        done = cli(project, "lock", "--cut", name, "--config", "study.yaml", *locks)
        assert done.returncode == 2, done.stderr
        assert "not a valid cut name" in done.stderr
    assert files_under(project.parent) == before


@pytest.mark.parametrize("name", ["../../pwned", "a.b", "x/y"])
def test_init_refuses_a_study_name_that_would_make_a_path(project, name):
    before = files_under(project.parent)
    done = cli(project, "init", name, "--snapshot", "data/snap", "--cutoff", "2016-10-13")
    assert done.returncode == 2 and "not a valid cut name" in done.stderr, done.stderr
    assert files_under(project.parent) == before


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # Unquoted, YAML reads a date, and the safe loader raised a bare ValueError.
        (
            "cuts:\n  primary:\n    snapshot: data/snap\n    cutoff: 2016-13-45\n",
            "line 4, column 13",
        ),
        # A tab where YAML wants spaces: Snakemake's "make sure to not mix whitespace and tab".
        ("cuts:\n\tprimary: {}\n", "line 2, column 1"),
    ],
)
def test_yaml_errors_name_file_line_and_column(project, text, where):
    (project / "study.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"study.yaml: not valid YAML at {where}"):
        read_config(project / "study.yaml")
    # Snakemake parses a --configfile itself and reports neither file nor line; check-config
    # validates the file as the workflow does, with the position.
    for command in (
        ["check-config", "study.yaml"],
        ["lock", "--cut", "primary", "--config", "study.yaml"],
    ):
        done = cli(project, *command)
        assert done.returncode == 2 and f"study.yaml: not valid YAML at {where}" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (project / "config").exists()


def test_lock_refuses_a_cutoff_that_is_no_date(project):
    (project / "study.yaml").write_text(
        yaml.safe_dump({"cuts": {"primary": {**CUT, "cutoff": "2016-13-45"}}}), encoding="utf-8"
    )
    done = cli(project, "lock", "--cut", "primary", "--config", "study.yaml")
    assert done.returncode == 2, done.stderr
    assert "cuts.primary.cutoff: '2016-13-45' is not a calendar date" in done.stderr
    assert not (project / "config").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # NaN passes every bound of the schema and every comparison, p0 < p1 included.
        (lambda c: c["design"].update(p0=float("nan")), "design.p0: not a finite number"),
        (lambda c: c["design"].update(alpha=float("nan")), "design.alpha: not a finite number"),
        (
            lambda c: c["cuts"]["primary"].update(design={**c["design"], "power": float("nan")}),
            "cuts.primary.design.power: not a finite number",
        ),
        (lambda c: c["km"].update(landmarks_months=[6, float("inf")]), r"landmarks_months\[1\]"),
        (
            lambda c: c["cuts"]["primary"].update(design={**c["design"], "p0": 0.3}),
            r"cuts\.primary: design: p0 = 0.3 must be below p1 = 0.25",
        ),
        (lambda c: c["design"].update(power=1.0), "design.power: 1.0 is greater than"),
        (
            lambda c: c["cuts"]["primary"].update(design={**c["design"], "alpha": 0}),
            "cuts.primary.design.alpha: 0 is less than",
        ),
    ],
)
def test_cross_field_rules_hold_for_the_study_and_each_cut(change, message):
    with pytest.raises(ConfigError, match=message):
        StudyConfig(bundled(change), source="test.yaml")


def test_a_design_no_simon_design_meets_is_refused_at_start():
    """p1 just above p0: no two-stage design of at most 100 subjects has the power, which the
    response analysis found only after ADaM."""
    study = StudyConfig(bundled(lambda c: c["design"].update(p1=0.11)), source="test.yaml")
    with pytest.raises(ConfigError, match=r"test\.yaml:\n  cuts\.primary: design \(p0 = 0\.1"):
        study.check_designs()
    StudyConfig(BUNDLED).check_designs()


@pytest.fixture(scope="module")
def workflow(tmp_path_factory) -> Path:
    """The workflow and the bundled snapshot and lock, copied: Snakemake writes .snakemake/."""
    folder = tmp_path_factory.mktemp("workflow")
    for name in ["Snakefile", "rules", "scripts", "oncocsr", "reports", "schemas", "profiles"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    shutil.copytree(ROOT / "config", folder / "config")
    shutil.copytree(ROOT / "data" / "sdtm" / "2016-11-27", folder / "data" / "sdtm" / "2016-11-27")
    for name in ["requirements.lock", "environment.yml"]:
        shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.mark.workflow
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["design"].update(p1=0.11), "cuts.primary: design (p0 = 0.1, p1 = 0.11)"),
        (lambda c: c["design"].update(p0=float("nan")), "design.p0: not a finite number"),
    ],
)
def test_snakemake_refuses_the_config_before_any_job(workflow, tmp_path, change, message):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml.safe_dump(bundled(change), allow_unicode=True), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "--dry-run", "--configfile", config],
        cwd=workflow,
        env={**os.environ, "PYTHONPATH": str(workflow)},
        capture_output=True,
        text=True,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert str(config) in output and message in output, output[-2000:]
    assert not (workflow / "results").exists()
