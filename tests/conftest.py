"""Shared fixtures: hand-built SDTM records for derivation tests, and the workflow built once
in a temporary project for the tests that run Snakemake on it."""

from __future__ import annotations

import pandas as pd
import pytest
from project import new_project, snakemake

START = pd.Timestamp("2015-01-01")


def day(n: int) -> str:
    """ISO date of study day ``n`` (day 1 = START; no day 0)."""
    offset = n - 1 if n > 0 else n
    return (START + pd.Timedelta(days=offset)).strftime("%Y-%m-%d")


def adsl_for(subjects: list[str], **overrides) -> pd.DataFrame:
    """A minimal ADSL: treated subjects starting on START, alive, no new therapy."""
    frame = pd.DataFrame(
        {
            "STUDYID": "S",
            "USUBJID": subjects,
            "ACTARM": "Irinotecan",
            "ACTARMCD": "IRI",
            "FASFL": "Y",
            "SAFFL": "Y",
            "EFFFL": "Y",
            "TRTSDT": START,
            "STARTDT": START,
            "NTRTDT": pd.NaT,
            "DTHDT": pd.NaT,
            "DTHDTF": "",
            "LSTALVDT": START + pd.Timedelta(days=400),
            "MDISFL": "Y",
            "TUBLFL": "Y",
        }
    )
    for column, values in overrides.items():
        frame[column] = values
    return frame


def rs_records(
    visits: dict[str, list[tuple[int, str]]], evaluator: str = "INVESTIGATOR"
) -> pd.DataFrame:
    """RS overall-response records from {subject: [(study day, response), ...]}."""
    rows = []
    for subject, items in visits.items():
        for seq, (study_day, response) in enumerate(items, start=1):
            rows.append(
                {
                    "STUDYID": "S",
                    "DOMAIN": "RS",
                    "USUBJID": subject,
                    "RSSEQ": float(seq),
                    "RSTESTCD": "OVRLRESP",
                    "RSSTRESC": response,
                    "RSEVAL": evaluator,
                    "VISIT": f"V{seq}",
                    "RSDTC": day(study_day) if isinstance(study_day, int) else study_day,
                }
            )
    columns = [
        "STUDYID",
        "DOMAIN",
        "USUBJID",
        "RSSEQ",
        "RSTESTCD",
        "RSSTRESC",
        "RSEVAL",
        "VISIT",
        "RSDTC",
    ]
    return pd.DataFrame(rows, columns=columns)


@pytest.fixture
def sap_response():
    """SAP section 4 defaults from config/config.yaml."""
    return {
        "cutoff": "2017-12-31",
        "evaluator": "INVESTIGATOR",
        "sd_min_days": 42,
        "confirm_min_days": 28,
        "max_ne_between": 1,
        "window_days": 365,
    }


# Arms pooled into a Total column (arms.pool), for tests with several arms and a Total.
POOLED = {"variable": "ACTARM", "pool": True, "order": []}


def bundled_settings() -> dict:
    """The SAP settings of the bundled study's primary cut (config/config.yaml)."""
    from pathlib import Path

    from oncocsr.studyconfig import load_study

    return load_study(Path(__file__).resolve().parents[1] / "config" / "config.yaml").settings(
        "primary"
    )


@pytest.fixture(scope="session")
def built_project(tmp_path_factory):
    """The workflow built in a temporary project (tests/project.py), once per session: tests
    read it, and copy it before changing anything."""
    project = new_project(tmp_path_factory.mktemp("audit"))
    result = snakemake(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project
