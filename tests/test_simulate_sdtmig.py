"""The simulator writes SDTMIG 3.4-conformant SDTM (issue 14, item 6): study days, EPOCH, AESOC
and seriousness criteria, RSSTRESN, MHENTPT, the trial design domains and SV, with the SDTMIG
dataset and variable labels. Each expectation is computed here from the records, independently
of the simulator's code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml

from oncocsr.simulate import SimulationOptions, simulate_study
from oncocsr.simulate import run as simulate

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "sdtm" / "2016-11-27"
FULL_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
# SDTMIG 3.4 dataset labels (the specification of each domain).
STANDARD_LABELS = {
    "ae": "Adverse Events",
    "cm": "Concomitant/Prior Medications",
    "dd": "Death Details",
    "dm": "Demographics",
    "ds": "Disposition",
    "ex": "Exposure",
    "mh": "Medical History",
    "rs": "Disease Response and Clin Classification",
    "ss": "Subject Status",
    "suppdm": "Supplemental Qualifiers for DM",
    "sv": "Subject Visits",
    "ta": "Trial Arms",
    "te": "Trial Elements",
    "tr": "Tumor/Lesion Results",
    "ts": "Trial Summary",
    "tu": "Tumor/Lesion Identification",
    "tv": "Trial Visits",
    "vs": "Vital Signs",
}


@pytest.fixture(scope="module")
def study() -> dict[str, pd.DataFrame]:
    return simulate_study(300, seed=5)


@pytest.fixture(scope="module")
def three_arms() -> dict[str, pd.DataFrame]:
    return simulate_study(150, seed=5, options=SimulationOptions(arms=3, consent=False))


def full_date(text) -> dt.date | None:
    match = FULL_DATE.match(str(text))
    return dt.date.fromisoformat(match.group(1)) if match else None


def expected_day(when: dt.date | None, reference: dt.date | None) -> float:
    if when is None or reference is None:
        return np.nan
    delta = (when - reference).days
    return float(delta + 1 if delta >= 0 else delta)


def reference_dates(dm: pd.DataFrame, column: str = "RFSTDTC") -> dict[str, dt.date | None]:
    return dict(zip(dm["USUBJID"], dm[column].map(full_date), strict=True))


DAY_PAIRS = [
    ("AE", "AESTDTC", "AESTDY"),
    ("AE", "AEENDTC", "AEENDY"),
    ("CM", "CMSTDTC", "CMSTDY"),
    ("CM", "CMENDTC", "CMENDY"),
    ("DD", "DDDTC", "DDDY"),
    ("DM", "DMDTC", "DMDY"),
    ("DS", "DSSTDTC", "DSSTDY"),
    ("EX", "EXSTDTC", "EXSTDY"),
    ("EX", "EXENDTC", "EXENDY"),
    ("RS", "RSDTC", "RSDY"),
    ("SS", "SSDTC", "SSDY"),
    ("TR", "TRDTC", "TRDY"),
    ("TU", "TUDTC", "TUDY"),
    ("VS", "VSDTC", "VSDY"),
    ("SV", "SVSTDTC", "SVSTDY"),
    ("SV", "SVENDTC", "SVENDY"),
]


@pytest.mark.parametrize(("domain", "date", "day"), DAY_PAIRS)
def test_study_days_are_date_minus_rfstdtc_plus_one_with_no_day_zero(study, domain, date, day):
    frame = study[domain]
    reference = reference_dates(study["DM"])
    expected = [
        expected_day(full_date(value), reference[subject])
        for value, subject in zip(frame[date], frame["USUBJID"], strict=True)
    ]
    np.testing.assert_array_equal(frame[day].to_numpy(float), np.array(expected, dtype=float))
    assert not (frame[day] == 0).any()
    # Days before the first dose are negative, and some records are before it.
    assert frame[day].notna().any()


def test_every_date_has_its_study_day_but_mh_none_of_its_own(study):
    # SDTMIG 3.4 MH has MHDY of the collection date only, which the simulator does not write.
    pairs = {(domain, date): day for domain, date, day in DAY_PAIRS}
    for domain, frame in study.items():
        for column in frame.columns:
            if column.startswith(domain) and column.endswith("DTC") and domain != "MH":
                assert pairs[domain, column] in frame, (domain, column)
    assert not {"MHDY", "MHSTDY", "MHENDY"} & set(study["MH"].columns)


def expected_epoch(when, subject, dm_dates) -> str:
    screening, first, last = dm_dates[subject]
    day = full_date(when)
    if day is None or screening is None or day < screening:
        return ""
    if first is None or day < first:
        return "SCREENING"
    return "TREATMENT" if day <= last + dt.timedelta(days=30) else "FOLLOW-UP"


@pytest.mark.parametrize("name", ["study", "three_arms"])
@pytest.mark.parametrize(
    ("domain", "date"),
    [
        ("AE", "AESTDTC"),
        ("CM", "CMSTDTC"),
        ("EX", "EXSTDTC"),
        ("RS", "RSDTC"),
        ("SS", "SSDTC"),
        ("TR", "TRDTC"),
        ("TU", "TUDTC"),
        ("VS", "VSDTC"),
    ],
)
def test_epoch_follows_the_dates_and_the_trial_elements(request, name, domain, date):
    # SCREENING from consent (or the screening visit) to the first dose, TREATMENT to 30 days
    # after the last dose (TE's rules), FOLLOW-UP after; blank for a partial date. AE and EX
    # carried their EPOCH before the issue; they agree wherever the date is full.
    study = request.getfixturevalue(name)
    dm = study["DM"]
    start = "RFICDTC" if "RFICDTC" in dm else "DMDTC"
    dm_dates = {
        subject: (full_date(a), full_date(b), full_date(c))
        for subject, a, b, c in zip(
            dm["USUBJID"], dm[start], dm["RFXSTDTC"], dm["RFXENDTC"], strict=True
        )
    }
    frame = study[domain]
    expected = [
        expected_epoch(when, subject, dm_dates)
        for when, subject in zip(frame[date], frame["USUBJID"], strict=True)
    ]
    full = frame[date].map(full_date).notna().to_numpy()
    assert (frame["EPOCH"].to_numpy()[full] == np.array(expected, dtype=object)[full]).all()
    if domain not in ("AE", "EX"):
        assert (frame.loc[~full, "EPOCH"] == "").all()
    assert set(frame["EPOCH"]) - {""} <= set(study["TA"]["EPOCH"])


def test_prior_therapy_before_the_study_has_no_epoch(study):
    cm = study["CM"]
    prior = cm[cm["CMCAT"] == "PRIOR ANTICANCER THERAPY"]
    assert (prior["EPOCH"] == "").all()
    later = cm[cm["CMCAT"] == "SUBSEQUENT ANTICANCER THERAPY"]
    assert set(later["EPOCH"]) <= {"TREATMENT", "FOLLOW-UP"} and len(later)


def test_serious_events_have_their_criterion(study):
    ae = study["AE"]
    criteria = ["AESCONG", "AESDISAB", "AESDTH", "AESHOSP", "AESLIFE", "AESMIE"]
    assert set(ae[criteria].stack()) == {"Y", "N"}
    serious = ae["AESER"] == "Y"
    fatal = ae["AEOUT"] == "FATAL"
    assert ((ae[criteria] == "Y").sum(axis=1) == serious.astype(int)).all()
    assert ((ae["AESDTH"] == "Y") == fatal).all() and (serious | ~fatal).all()
    assert ((ae["AESHOSP"] == "Y") == (serious & ~fatal)).all()
    assert (ae[["AESCONG", "AESDISAB", "AESLIFE", "AESMIE"]] == "N").all().all()
    assert (ae["AESOC"] == ae["AEBODSYS"]).all()


def test_numeric_results_have_stresn_and_mh_its_reference_time_point(study):
    rs = study["RS"]
    ecog = rs["RSCAT"] == "ECOG"
    assert ecog.any()
    np.testing.assert_array_equal(rs.loc[ecog, "RSSTRESN"], rs.loc[ecog, "RSSTRESC"].astype(float))
    assert rs.loc[~ecog, "RSSTRESN"].isna().all()
    mh = study["MH"]
    assert ((mh["MHENTPT"] == "SCREENING") == (mh["MHENRTPT"] != "")).all()
    assert (mh["MHENRTPT"] == "ONGOING").all()


def test_trial_summary_has_the_parameters_a_reviewer_expects(study):
    ts = study["TS"]
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    values = ts.groupby("TSPARMCD")["TSVAL"].apply(list).to_dict()
    expected = {
        "TITLE", "TPHASE", "INDIC", "TRT", "STYPE", "INTTYPE", "INTMODEL", "NARMS", "RANDOM",
        "TBLIND", "TCNTRL", "TTYPE", "TINDTP", "SEXPOP", "AGEMIN", "AGEMAX", "ADDON", "PLANSUB",
        "ACTSUB", "SSTDTC", "DCUTDTC", "SPONSOR", "SDTIGVER", "SDTMVER",
    }  # fmt: skip
    assert expected <= set(values)
    assert values["TITLE"] == [" ".join(config["study"]["title"].split())]
    assert values["TPHASE"] == ["PHASE II TRIAL"] and values["RANDOM"] == ["N"]
    assert values["TTYPE"] == ["EFFICACY", "SAFETY"]
    assert values["SDTIGVER"] == ["3.4"] and values["PLANSUB"] == ["300"]
    dm = study["DM"]
    enrolled = dm["ARMCD"] != "SCRNFAIL"
    assert values["ACTSUB"] == [str(enrolled.sum())]
    assert values["SSTDTC"] == [min(dm.loc[enrolled, "RFICDTC"])]
    assert values["DCUTDTC"] == [config["cuts"]["primary"]["cutoff"]]
    # A value is given, or its null flavor; codes only with their reference terminology.
    assert ((ts["TSVAL"] != "") ^ (ts["TSVALNF"] != "")).all()
    assert (ts.loc[ts["TSVALCD"] != "", "TSVCDREF"] == "CDISC CT").all()
    assert not ts.duplicated(["TSGRPID", "TSPARMCD", "TSSEQ"]).any()


@pytest.mark.parametrize("n_arms", [1, 3])
def test_trial_arms_and_elements_follow_the_arms_option(study, three_arms, n_arms):
    domains = study if n_arms == 1 else three_arms
    ta, te, dm = domains["TA"], domains["TE"], domains["DM"]
    arms = sorted(set(dm["ARMCD"]) - {"SCRNFAIL"})
    assert sorted(set(ta["ARMCD"])) == arms and len(ta) == 3 * n_arms
    for arm, rows in ta.groupby("ARMCD"):
        assert rows["TAETORD"].tolist() == [1.0, 2.0, 3.0]
        assert rows["EPOCH"].tolist() == ["SCREENING", "TREATMENT", "FOLLOW-UP"]
        assert rows["ETCD"].tolist() == ["SCRN", arm, "FU"]
        name = dm.loc[dm["ARMCD"] == arm, "ARM"].iloc[0]
        assert set(rows["ARM"]) == {name}
        branch = f"Randomized to {name}" if n_arms > 1 else ""
        assert rows["TABRANCH"].tolist() == [branch, "", ""]
    assert sorted(te["ETCD"]) == sorted(["SCRN", "FU", *arms])
    assert set(ta["ETCD"]) == set(te["ETCD"])
    ts = domains["TS"].set_index("TSPARMCD")["TSVAL"]
    assert ts["NARMS"] == str(n_arms)
    assert ts["RANDOM"] == ("Y" if n_arms > 1 else "N")
    assert ts["TCNTRL"] == ("PLACEBO" if n_arms == 3 else "NONE")


@pytest.mark.parametrize("name", ["study", "three_arms"])
def test_no_text_is_longer_than_transport_files_hold(request, name):
    # SAS transport v5 holds 200 characters; the data checks stop a longer value.
    for domain, frame in request.getfixturevalue(name).items():
        for column in frame.columns:
            if frame[column].dtype == object:
                assert frame[column].str.len().max() <= 200, (domain, column)


@pytest.mark.parametrize("name", ["study", "three_arms"])
def test_subject_visits_are_the_visits_in_the_data(request, name):
    study = request.getfixturevalue(name)
    rows = []
    for domain in ("EX", "RS", "TR", "TU", "QS", "VS"):
        if domain not in study:
            continue
        frame = study[domain]
        date = f"{domain}STDTC" if f"{domain}STDTC" in frame else f"{domain}DTC"
        day = pd.to_datetime(frame[date].map(full_date))
        rows.append(frame[["USUBJID", "VISITNUM", "VISIT"]].assign(day=day, text=frame[date]))
    records = pd.concat(rows, ignore_index=True)
    visits = records.groupby(["USUBJID", "VISITNUM"]).agg(
        VISIT=("VISIT", "first"), first=("day", "min"), last=("day", "max"), text=("text", "min")
    )
    sv = study["SV"].set_index(["USUBJID", "VISITNUM"])
    assert sv.index.equals(visits.index)
    assert (sv["VISIT"] == visits["VISIT"]).all()
    # The earliest and latest full date; a visit with only partial dates has the partial one.
    for column, variable in (("first", "SVSTDTC"), ("last", "SVENDTC")):
        expected = visits[column].dt.strftime("%Y-%m-%d").fillna(visits["text"].str[:10])
        assert (sv[variable] == expected).all(), variable
    assert ((sv["SVPRESP"] == "Y") & (sv["SVOCCUR"] == "Y")).all()
    # Every visit is planned in TV, with its name; TV's planned days are those of the schedule.
    tv = study["TV"].set_index("VISITNUM")
    planned = sv.index.get_level_values("VISITNUM")
    assert set(planned) <= set(tv.index)
    assert (tv.loc[planned, "VISIT"].to_numpy() == sv["VISIT"].to_numpy()).all()
    assert tv.loc[2.0, ["VISIT", "VISITDY"]].tolist() == ["WEEK 6", 43.0]
    assert tv.loc[102.0, ["VISIT", "VISITDY"]].tolist() == ["CYCLE 2", 15.0]
    assert (tv["ARMCD"] == "").all() and tv.index.is_unique


def test_bundled_snapshot_has_sdtmig_dataset_and_variable_labels():
    from oncocsr.simulate import VARIABLES

    files = sorted(BUNDLED.glob("*.xpt"))
    assert {path.stem for path in files} == set(STANDARD_LABELS)
    for path in files:
        _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
        assert meta.file_label == STANDARD_LABELS[path.stem], path.name
        labels = meta.column_names_to_labels
        assert all(labels[name] for name in meta.column_names), path.name
        assert all(len(labels[name]) <= 40 for name in meta.column_names), path.name
        assert labels == {name: VARIABLES[path.stem.upper()][name] for name in meta.column_names}
    # A few labels as SDTMIG 3.4 words them.
    ae = pyreadstat.read_xport(str(BUNDLED / "ae.xpt"), metadataonly=True)[1]
    sv = pyreadstat.read_xport(str(BUNDLED / "sv.xpt"), metadataonly=True)[1]
    ts = pyreadstat.read_xport(str(BUNDLED / "ts.xpt"), metadataonly=True)[1]
    assert ae.column_names_to_labels["AESTDY"] == "Study Day of Start of Adverse Event"
    assert ae.column_names_to_labels["AESOC"] == "Primary System Organ Class"
    assert sv.column_names_to_labels["SVSTDTC"] == "Start Date/Time of Observation"
    assert ts.column_names_to_labels["TSPARMCD"] == "Trial Summary Parameter Short Name"


def test_csv_snapshot_has_the_same_domains_and_values(tmp_path):
    simulate(30, 2, tmp_path / "xpt", quiet=True)
    simulate(30, 2, tmp_path / "csv", quiet=True, options=SimulationOptions(file_format="csv"))
    stems = {path.stem for path in (tmp_path / "xpt").glob("*.xpt")}
    assert stems == {path.stem for path in (tmp_path / "csv").glob("*.csv")} == set(STANDARD_LABELS)
    for stem in ("ts", "ta", "te", "tv", "sv"):
        frame, _ = pyreadstat.read_xport(str(tmp_path / "xpt" / f"{stem}.xpt"))
        text = pd.read_csv(tmp_path / "csv" / f"{stem}.csv", dtype=str, keep_default_na=False)
        assert list(text.columns) == list(frame.columns)
        assert len(text) == len(frame) > 0
        for column in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[column]):
                numbers = pd.to_numeric(text[column].replace("NA", None))
                np.testing.assert_array_equal(numbers.to_numpy(float), frame[column].to_numpy())
            else:
                assert text[column].replace("NA", "").tolist() == frame[column].tolist()
