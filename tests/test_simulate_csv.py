"""R-style CSV output (readr::write_csv): tokens, number formatting, and values that read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oncocsr.io import read_sdtm
from oncocsr.simulate import SimulationOptions, format_r_double, simulate_study, write_sdtm_csv

ROOT = Path(__file__).resolve().parents[1]
PHARMAVERSE = ROOT.parent / "shared" / "external" / "pharmaverse-onco"


def read_back(path: Path, like: pd.DataFrame) -> pd.DataFrame:
    """A CSV as R would type it against ``like``: NA is missing, numbers where ``like`` has them."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in frame.columns:
        missing = frame[column] == "NA"
        if pd.api.types.is_numeric_dtype(like[column]):
            frame[column] = pd.to_numeric(frame[column].mask(missing))
        else:
            frame[column] = frame[column].mask(missing, "")
    return frame


def assert_same_values(frame: pd.DataFrame, again: pd.DataFrame) -> None:
    assert list(again.columns) == list(frame.columns)
    for column in frame.columns:
        expected = frame[column]
        if pd.api.types.is_numeric_dtype(expected):
            np.testing.assert_array_equal(again[column].to_numpy(float), expected.to_numpy(float))
        else:
            assert again[column].tolist() == expected.astype(str).tolist(), column


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (180.0, "180"),
        (3000.0, "3000"),
        (123456789012345.0, "123456789012345"),
        (1e15, "1e15"),
        (1.5e20, "15e19"),
        (12.5, "12.5"),
        (45.3, "45.3"),
        (-2.5, "-2.5"),
        (0.1, "0.1"),
        (0.013, "0.013"),
        (0.001, "0.001"),
        (1e-4, "1e-4"),
        (1.23456e-5, "1.23456e-5"),
        (0.0, "0"),
        (float("nan"), "NA"),
        (float("inf"), "Inf"),
        (float("-inf"), "-Inf"),
    ],
)
def test_doubles_are_written_as_readr_writes_them(value, text):
    assert format_r_double(value) == text
    if text != "NA":
        assert float(text.replace("Inf", "inf")) == value


def test_tokens_quoting_and_missing_values(tmp_path):
    frame = pd.DataFrame(
        {
            "TEXT": ["plain", "a, b", 'say "hi"', "two\nlines", "", "NAUSEA"],
            "NUM": [1.0, 12.5, np.nan, 0.25, 180.0, -3.0],
            "INT": np.arange(6, dtype="int64"),
            "FLAG": [True, False, True, False, True, False],
        }
    )
    (path,) = write_sdtm_csv({"XX": frame}, tmp_path)
    assert path.name == "xx.csv"
    assert path.read_bytes().decode("utf-8") == (
        "TEXT,NUM,INT,FLAG\n"
        "plain,1,0,TRUE\n"
        '"a, b",12.5,1,FALSE\n'
        '"say ""hi""",NA,2,TRUE\n'
        '"two\nlines",0.25,3,FALSE\n'
        "NA,180,4,TRUE\n"
        "NAUSEA,-3,5,FALSE\n"
    )


def test_cli_writes_a_csv_snapshot_that_reads_back_as_the_study(tmp_path):
    flags = ["--quiet", "--format", "csv", "--subjects", "25", "--seed", "4"]
    result = subprocess.run(
        [sys.executable, "-m", "oncocsr", "simulate", *flags, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    study = simulate_study(25, seed=4, options=SimulationOptions(file_format="csv"))
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(
        f"{domain.lower()}.csv" for domain in study
    )
    assert not list(tmp_path.glob("*.xpt"))
    for domain, frame in study.items():
        path = tmp_path / f"{domain.lower()}.csv"
        text = path.read_text(encoding="utf-8")
        assert text.startswith(",".join(frame.columns) + "\n") and text.endswith("\n")
        # Missing values as NA, whole numbers as R prints them (text such as TRORRES "45.0"
        # stays as it is).
        assert ",," not in text and ",\n" not in text
        tokens = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.select_dtypes("number").columns:
            assert not tokens[column].str.endswith(".0").any(), (domain, column)
        assert_same_values(frame, read_back(path, frame))
    assert ",NA," in (tmp_path / "dm.csv").read_text()
    assert ",1,SCREENING," in (tmp_path / "tr.csv").read_text()


@pytest.mark.skipif(not PHARMAVERSE.is_dir(), reason=f"no shared external data: {PHARMAVERSE}")
def test_any_xpt_snapshot_converts_to_r_style_csv(tmp_path):
    domains = {path.stem.upper(): read_sdtm(path) for path in sorted(PHARMAVERSE.glob("*.xpt"))}
    paths = write_sdtm_csv(domains, tmp_path)
    assert len(paths) == len(domains) >= 8
    for (domain, frame), path in zip(domains.items(), paths, strict=True):
        assert path.name == f"{domain.lower()}.csv"
        assert_same_values(frame, read_back(path, frame))
