"""python -m oncocsr init: the study config drafted from a snapshot chooses what the data shows,
says so in a comment above each choice, validates, and is written with its lock."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from oncocsr.lock import check_lock_matches, verify_snapshot
from oncocsr.studyconfig import StudyConfig, load_study
from oncocsr.studyinit import InitError, init_study, inspect_snapshot, study_config_text

ROOT = Path(__file__).resolve().parents[1]
PHARMAVERSE = ROOT.parent / "shared/external/pharmaverse-onco"
BUNDLED = ROOT / "data/sdtm/2016-11-27"
NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)


def comments_by_key(text: str) -> dict[str, str]:
    """The comment right above each key of the YAML text, by dotted key, lines joined."""
    found, stack, block = {}, [], []
    for line in text.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith("#"):
            block.append(stripped[2:])
            continue
        if stripped and not stripped.startswith("- ") and ":" in stripped:
            key = yaml.safe_load(stripped.split(":", 1)[0] + ": x")
            stack = [(level, name) for level, name in stack if level < indent]
            stack.append((indent, next(iter(key))))
            found[".".join(name for _, name in stack)] = " ".join(block)
        block = []
    return found


def draft(folder: Path, name: str = "s1", cutoff: str | None = None):
    inspection = inspect_snapshot(folder)
    text = study_config_text(name, folder, inspection, cutoff)
    config = yaml.safe_load(text)
    return inspection, text, config, StudyConfig(config).settings(name)


@pytest.fixture(scope="module")
def pharmaverse():
    return draft(PHARMAVERSE, "pv")


@pytest.fixture(scope="module")
def bundled():
    return draft(BUNDLED, "primary")


def test_every_choice_from_the_data_has_its_note_as_comment(pharmaverse, bundled):
    for inspection, text, _, _ in (pharmaverse, bundled):
        comments = comments_by_key(text)
        assert len(inspection.notes) > 40
        for path, note in inspection.notes.items():
            assert comments[path] == " ".join(note.split()), path
        # Every other key carries the schema's description, except the keys of a mapping that
        # has its comment (e.g. the planned dose of each arm).
        bare = [path for path, comment in comments.items() if not comment]
        assert bare
        assert all(comments[path.rsplit(".", 1)[0]] for path in bare)


def test_pharmaverse_choices(pharmaverse):
    _, text, config, settings = pharmaverse
    comments = comments_by_key(text)
    assert settings["reference_start"] == "randomization"
    assert "'RANDOMIZED' records for 254 subjects" in comments["reference_start"]
    # DM.RFICDTC is empty and DS has no consent milestone: the randomised fallback.
    assert settings["populations"]["enrolled"] == "randomized"
    assert "RFICDTC given for 0 of 306" in comments["populations.enrolled"]
    for arm in ("Placebo (86)", "Xanomeline High Dose (72)", "Xanomeline Low Dose (96)"):
        assert arm in comments["arms.variable"]
    assert settings["arms"]["pool"] is False
    assert "placebo arm(s) Placebo" in comments["arms.pool"]
    assert settings["safety"]["grade"]["source"] == "AESEV"
    assert "MILD (770), MODERATE (378), SEVERE (43)" in comments["safety.grade.source"]
    assert settings["exposure"]["model"] == "continuous"
    assert "QD (591)" in comments["exposure.model"]
    # High dose: 54 mg titration for a few days, then 81 mg for most of them.
    assert settings["exposure"]["planned_dose"] == {
        "Placebo": 0,
        "Xanomeline High Dose": 81,
        "Xanomeline Low Dose": 54,
    }
    assert settings["terms"]["ds"]["end_of_treatment"] is None
    assert "DSSCAT: not in DS" in comments["terms.ds"]
    assert settings["terms"]["ds"]["consent"] is None
    assert settings["terms"]["ds"]["clinical_progression"] is None
    assert settings["baseline"]["ecog"]["domain"] == "none"
    assert "not collected" in comments["baseline.ecog"]
    assert settings["terms"]["cm"] == {"prior_therapy": None, "subsequent_therapy": None}
    assert settings["pfs"]["censor_new_therapy"] is False
    assert settings["response"]["evaluator"] == "INVESTIGATOR"
    assert "INDEPENDENT ASSESSOR (44), INVESTIGATOR (22)" in comments["response.evaluator"]
    assert "22 accepted reads" in comments["response.evaluator"]
    assert settings["response"]["criterion"] == "RECIST 1.1"
    assert "no RSCAT" in comments["response.criterion"]
    assert [row["variable"] for row in settings["baseline"]["characteristics"]] == [
        "AGEGR1", "SEX", "RACE", "VISCMET", "LIVERMET", "MDISFL",
    ]  # fmt: skip
    assert "ITT (Intent to Treat Population Flag)" in comments["baseline.supplemental"]
    assert settings["cut"]["cutoff"] == "2015-03-05"
    assert "latest date in the data: 2015-03-05 (DM.RFENDTC)" in comments["cuts.pv.cutoff"]
    # The design is written commented out, with the active arms; the config has none.
    assert "design" not in config
    assert "# design:\n#   p0:" in text
    assert "#   arms: [Xanomeline High Dose, Xanomeline Low Dose]" in text


def test_bundled_choices(bundled):
    _, text, config, settings = bundled
    comments = comments_by_key(text)
    assert settings["reference_start"] == "first_dose"
    assert settings["populations"]["enrolled"] == "consent"
    assert settings["terms"]["ds"]["consent"] == "INFORMED CONSENT OBTAINED"
    assert settings["safety"]["grade"] == {
        "source": "AETOXGR",
        "scale": "NCI CTCAE",
        "aesev": {"MILD": 1, "MODERATE": 2, "SEVERE": 3},
    }
    assert settings["exposure"]["model"] == "cycles"
    assert settings["exposure"]["cycle_days"] == 14
    assert settings["exposure"]["planned_dose"] == 180
    assert settings["exposure"]["dose_unit"] == "mg/m2"
    assert "180 (310 records)" in comments["exposure.planned_dose"]
    assert settings["terms"]["ds"]["end_of_treatment"] == "END OF TREATMENT"
    assert settings["terms"]["ds"]["clinical_progression"] == "PROGRESSIVE DISEASE"
    assert settings["terms"]["cm"] == {
        "prior_therapy": "PRIOR ANTICANCER THERAPY",
        "subsequent_therapy": "SUBSEQUENT ANTICANCER THERAPY",
    }
    assert settings["pfs"]["censor_new_therapy"] is True
    assert settings["baseline"]["ecog"] == {"domain": "RS", "category": "ECOG", "testcd": None}
    assert settings["arms"]["pool"] is True
    assert "NOTTRT" in comments["terms.not_treated_arms"]
    # Every subject is an Asian woman: no sex or race rows.
    variables = [row["variable"] for row in settings["baseline"]["characteristics"]]
    assert variables == ["AGEGR1", "ECOGBL", "VISCMET", "LIVERMET", "MDISFL"]
    assert [row["variable"] for row in settings["subgroups"]] == [
        "AGEGR1", "ECOGBL", "PRREGGR", "VISCMET", "LIVERMET",
    ]  # fmt: skip
    assert settings["tumour"]["progression_states"] == ["UNEQUIVOCAL PROGRESSION"]
    assert "SUBTYPE (Breast Cancer Subtype (HR/HER2))" in comments["baseline.supplemental"]
    assert "design" not in config
    assert "#   arms: [Irinotecan 180 mg/m2]" in text


def write_snapshot(folder: Path, rs: pd.DataFrame | None) -> Path:
    """A two-subject single-arm study as CSV: consent, a dose every 21 days, and ``rs``."""
    folder.mkdir(parents=True)
    subjects = ["T-1", "T-2"]
    pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": subjects,
            "RFICDTC": ["2020-01-02", "2020-01-03"],
            "AGE": ["48", "71"],
            "SEX": ["F", "M"],
            "ARMCD": "D",
            "ARM": "Drug",
            "ACTARMCD": "D",
            "ACTARM": "Drug",
        }
    ).to_csv(folder / "dm.csv", index=False)
    pd.DataFrame(
        {"USUBJID": subjects, "DSDECOD": "INFORMED CONSENT OBTAINED", "DSSTDTC": "2020-01-02"}
    ).to_csv(folder / "ds.csv", index=False)
    days = pd.date_range("2020-01-10", periods=4, freq="21D").strftime("%Y-%m-%d")
    pd.DataFrame(
        {
            "USUBJID": [s for s in subjects for _ in days],
            "EXTRT": "DRUG",
            "EXDOSE": "100",
            "EXDOSU": "mg",
            "EXSTDTC": list(days) * 2,
            "EXENDTC": list(days) * 2,
        }
    ).to_csv(folder / "ex.csv", index=False)
    if rs is not None:
        rs.to_csv(folder / "rs.csv", index=False)
    return folder


def responses(rscat: list[str], values: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "USUBJID": "T-1",
            "RSTESTCD": "OVRLRESP",
            "RSCAT": rscat,
            "RSSTRESC": values,
            "RSDTC": [f"2020-0{2 + i % 7}-01" for i in range(len(values))],
        }
    )


def test_recist_is_chosen_over_irecist(tmp_path):
    rs = responses(["iRECIST"] * 3 + ["RECIST 1.1"] * 2, ["iPR", "iUPD", "iCPD", "PR", "PD"])
    _, text, _, settings = draft(write_snapshot(tmp_path / "snap", rs))
    assert settings["response"]["criterion"] == "RECIST 1.1"
    assert settings["response"]["terms"] == {}
    assert "iRECIST (3), RECIST 1.1 (2)" in comments_by_key(text)["response.criterion"]
    assert settings["exposure"]["cycle_days"] == 21
    assert settings["exposure"]["planned_dose"] == 100


def test_irecist_alone_is_the_criterion_with_its_terms_mapped(tmp_path):
    values = ["iCR", "iPR", "iSD", "NON-iCR/NON-iUPD", "iUPD", "iCPD", "NED", "PR"]
    rs = responses(["iRECIST"] * len(values), values)
    inspection, text, _, settings = draft(write_snapshot(tmp_path / "snap", rs))
    assert settings["response"]["criterion"] == "iRECIST"
    assert settings["response"]["terms"] == {
        "NON-iCR/NON-iUPD": "NON-CR/NON-PD",
        "iCPD": "PD",
        "iCR": "CR",
        "iPR": "PR",
        "iSD": "SD",
        "iUPD": "PD",
    }
    comment = comments_by_key(text)["response.terms"]
    assert "unconfirmed iUPD counts as progression" in comment
    # An unknown value is listed, not mapped: the data checks report it.
    assert "not mapped, unknown: NED (1)" in comment
    assert any("NED" in warning for warning in inspection.warnings)


def test_a_snapshot_without_rs_or_folder_or_with_a_bad_name_is_refused(tmp_path):
    folder = write_snapshot(tmp_path / "snap", None)
    with pytest.raises(InitError, match=r"has no RS file \(RS: tumour response"):
        inspect_snapshot(folder)
    (folder / "ds.csv").unlink()
    with pytest.raises(InitError, match="has no DS, RS file"):
        inspect_snapshot(folder)
    with pytest.raises(InitError, match="does not exist"):
        inspect_snapshot(tmp_path / "nowhere")
    rs = responses(["RECIST 1.1"], ["PR"])
    inspection = inspect_snapshot(write_snapshot(tmp_path / "ok", rs))
    with pytest.raises(InitError, match="not a valid study"):
        study_config_text("-bad", tmp_path / "ok", inspection)
    with pytest.raises(InitError, match="not a date"):
        study_config_text("good", tmp_path / "ok", inspection, "2020-02-30")


def test_the_same_snapshot_gives_the_same_text(tmp_path):
    folder = write_snapshot(tmp_path / "snap", responses(["RECIST 1.1"] * 2, ["SD", "PD"]))
    first = study_config_text("s1", "snap", inspect_snapshot(folder))
    assert first == study_config_text("s1", "snap", inspect_snapshot(folder))


def test_init_writes_config_and_lock_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_snapshot(tmp_path / "data/snap", responses(["RECIST 1.1"] * 2, ["PR", "PR"]))
    result = init_study("t1", "data/snap", cutoff="2020-06-30", commit="abc123", now=NOW)
    assert result["config"] == "config/studies/t1.yaml"
    assert result["lock"] == "config/locks/t1.lock.json"
    assert result["next"] == "snakemake --cores 4 --configfile config/studies/t1.yaml"
    assert any("p0 and p1" in warning for warning in result["warnings"])
    study = load_study("config/studies/t1.yaml")
    cut = study.cut("t1")
    assert (cut["snapshot"], cut["cutoff"]) == ("data/snap", "2020-06-30")
    lock = json.loads(Path(result["lock"]).read_text())
    check_lock_matches(lock, "t1", cut)
    verify_snapshot(lock, "data/snap")
    assert [entry["name"] for entry in lock["files"]] == ["dm.csv", "ds.csv", "ex.csv", "rs.csv"]
    assert lock["git_commit"] == "abc123"

    with pytest.raises(InitError, match=r"already exist.*--force"):
        init_study("t1", "data/snap", now=NOW)
    Path(result["config"]).unlink()
    with pytest.raises(InitError, match=r"t1\.lock\.json already exist"):
        init_study("t1", "data/snap", now=NOW)

    with pytest.raises(InitError, match="--reason"):
        init_study("t1", "data/snap", force=True, now=NOW)
    first = Path(result["lock"]).read_bytes()
    again = init_study("t1", "data/snap", force=True, now=NOW, reason="cutoff from the data")
    relocked = json.loads(Path(again["lock"]).read_text())
    # The re-lock is chained to the lock it replaced.
    assert relocked["previous"]["sha256"] == hashlib.sha256(first).hexdigest()
    assert relocked["reason"] == "cutoff from the data"
    # Without --cutoff, the latest date of the data (the last dose) is the cutoff, with a warning.
    assert relocked["cutoff"] == load_study(again["config"]).cut("t1")["cutoff"] == "2020-03-13"
    assert "latest date in the data" in again["warnings"][0]


def test_absent_variables_give_not_collected_and_ts_gives_the_title(tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    for domain in ("dm", "ds", "ex", "rs"):
        pd.DataFrame({"USUBJID": ["A", "B"], "XXDTC": ["2021-05-06", "2022"]}).to_csv(
            folder / f"{domain}.csv", index=False
        )
    ts = {"TSPARMCD": ["TITLE", "TPHASE"], "TSVAL": ["A phase II study of X", "PHASE II TRIAL"]}
    pd.DataFrame(ts).to_csv(folder / "ts.csv", index=False)
    inspection, text, _, settings = draft(folder, "bare")
    assert settings["study"]["id"] == "bare"
    assert settings["study"]["title"] == "A phase II study of X"
    assert comments_by_key(text)["study.indication"].startswith("not in the data (no TS INDIC)")
    assert settings["cut"]["cutoff"] == "2021-05-06"
    assert settings["safety"]["grade"]["source"] == "none"
    assert settings["baseline"]["characteristics"] == []
    assert settings["populations"]["enrolled"] == "treated"
    assert any("no overall response" in warning for warning in inspection.warnings)


def test_the_protocol_text_of_the_report_is_written_empty_with_its_note(pharmaverse):
    """ICH E3 text the data cannot give (ethics, objectives, plan, references...) is written
    with empty values, each under a note, so that the CSR shows its placeholders."""
    _, text, config, _ = pharmaverse
    study = config["study"]
    assert study["ethics"] == {"committee": "", "conduct": "", "consent": ""}
    assert study["objectives"] == {"primary": "", "secondary": ""}
    assert study["plan"]["inclusion"] == "" and study["references"] == []
    assert study["report_version"] == "" and study["sap_version"] == ""
    notes = comments_by_key(text)
    assert notes["study.ethics"].startswith("Not in the data: Ethics (ICH E3 section 5).")
    assert "placeholder" in notes["study.gcp_statement"]
    # An empty report date means the cut's cutoff, not a placeholder.
    assert (
        "cutoff" in notes["study.report_date"] and "placeholder" not in notes["study.report_date"]
    )
