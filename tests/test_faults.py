"""Fault catalogue: broken SDTM inputs and the check each one fires.

Each fault is applied to a copy of a small simulated snapshot, which is then ingested and checked
in one process with ``check_snapshot`` (the same functions the ingest and cross-check rules
run). A fault of severity ``error`` must close the checks gate: the workflow's ADaM rules depend
on the gate, so nothing downstream is written (proven end to end in test_workflow.py). A
``warning`` or ``info`` fault, or a documented normalisation, leaves the gate open.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from oncocsr.crosschecks import has_errors
from oncocsr.hashing import sha256_file
from oncocsr.ingest import check_snapshot
from oncocsr.simulate import run as simulate

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas" / "sdtm"
CUTOFF = "2016-10-13"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    simulate(12, 4, folder, quiet=True)
    (folder / "simulation.json").unlink()
    return folder


@pytest.fixture
def snapshot(base, tmp_path) -> Path:
    folder = tmp_path / "sdtm"
    shutil.copytree(base, folder)
    return folder


def read(folder: Path, domain: str) -> pd.DataFrame:
    frame, _ = pyreadstat.read_xport(str(folder / f"{domain.lower()}.xpt"))
    return frame


def write(folder: Path, domain: str, frame: pd.DataFrame) -> None:
    pyreadstat.write_xport(
        frame, str(folder / f"{domain.lower()}.xpt"), file_format_version=5, table_name=domain
    )


def to_csv(folder: Path, domain: str, frame: pd.DataFrame, encoding: str = "utf-8") -> Path:
    (folder / f"{domain.lower()}.xpt").unlink()
    path = folder / f"{domain.lower()}.csv"
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def first(frame: pd.DataFrame, **where) -> int:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    return frame.index[mask][0]


def run_checks(folder: Path):
    before = {path.name: sha256_file(path) for path in folder.iterdir()}
    domains, found = check_snapshot(folder, CUTOFF, SCHEMAS)
    after = {path.name: sha256_file(path) for path in folder.iterdir()}
    assert before == after, "raw inputs must never be modified"
    return domains, found


def fired(found: pd.DataFrame, check_id: str, severity: str) -> pd.DataFrame:
    hits = found[found["id"] == check_id]
    assert not hits.empty, f"{check_id} did not fire; found {sorted(set(found['id']))}"
    assert set(hits["severity"]) == {severity}
    if severity == "error":
        assert has_errors(found), "an error must close the gate"
    return hits


def test_unbroken_snapshot_has_no_errors_or_warnings(snapshot):
    _, found = run_checks(snapshot)
    # True of the simulated data: AE actions on the dose for AEs that start after the last dose,
    # and an AE-driven interruption with no delay in EX (the CSR's reconciliation footnotes count
    # them). AE ends are capped at death by the simulator, so nothing shows a subject alive
    # after her death.
    simulated = found["id"].isin(
        ["CROSS.AE_ACTION_AFTER_LAST_DOSE", "CROSS.INTERRUPTION_WITHOUT_DELAY"]
    )
    assert set(found.loc[simulated, "severity"]) == {"warning"}
    rest = found[~simulated]
    assert set(rest["severity"]) <= {"info"}, rest[rest["severity"] != "info"].to_string()
    assert not has_errors(found)


# --- structure and types ----------------------------------------------------------------------


def test_missing_required_column(snapshot):
    write(snapshot, "RS", read(snapshot, "RS").drop(columns=["RSTESTCD"]))
    hit = fired(run_checks(snapshot)[1], "RS.REQUIRED", "error")
    assert list(hit["variable"]) == ["RSTESTCD"]


def test_missing_expected_column_is_a_warning(snapshot):
    write(snapshot, "AE", read(snapshot, "AE").drop(columns=["AEDECOD"]))
    _, found = run_checks(snapshot)
    assert list(fired(found, "AE.EXPECTED", "warning")["variable"]) == ["AEDECOD"]
    assert not has_errors(found)


def test_wrong_type_text_in_a_numeric_variable(snapshot):
    dm = read(snapshot, "DM").astype({"AGE": str})
    dm.loc[2, "AGE"] = "forty"
    to_csv(snapshot, "DM", dm)
    hit = fired(run_checks(snapshot)[1], "DM.AGE.TYPE", "error")
    assert list(hit["usubjid"]) == [dm.loc[2, "USUBJID"]] and list(hit["value"]) == ["forty"]


def test_numbers_stored_as_text_are_converted(snapshot):
    to_csv(snapshot, "DM", read(snapshot, "DM"))
    domains, found = run_checks(snapshot)
    assert pd.api.types.is_float_dtype(domains["DM"]["AGE"])
    assert not found["id"].str.startswith("DM.AGE").any() and not has_errors(found)


def test_character_column_stored_as_numeric_is_read_as_empty_text(snapshot):
    ae = read(snapshot, "AE")
    ae["AEACN"] = float("nan")
    write(snapshot, "AE", ae)
    domains, found = run_checks(snapshot)
    fired(found, "AE.AEACN.TYPE", "warning")
    assert (domains["AE"]["AEACN"] == "").all()


def test_unknown_columns_and_invalid_names(snapshot):
    ae = read(snapshot, "AE")
    ae["FOO"] = "x"
    write(snapshot, "AE", ae)
    rs = read(snapshot, "RS")
    rs["lower"] = "y"
    to_csv(snapshot, "RS", rs)
    hits = fired(run_checks(snapshot)[1], "AE.UNKNOWN_VARIABLE", "warning")
    assert list(hits["variable"]) == ["FOO"]
    rs_hits = fired(run_checks(snapshot)[1], "RS.UNKNOWN_VARIABLE", "warning")
    assert "not a valid SDTM variable name" in rs_hits["message"].iloc[0]


def test_ten_thousand_character_text_value(snapshot):
    ae = read(snapshot, "AE")
    to_csv(snapshot, "AE", ae.assign(AETERM=ae["AETERM"].where(ae.index != 0, "X" * 10_000)))
    hit = fired(run_checks(snapshot)[1], "AE.AETERM.LENGTH", "error")
    assert hit["value"].iloc[0].endswith("(10000 characters)") and len(hit["value"].iloc[0]) < 300


# --- controlled terminology and values --------------------------------------------------------


def test_invalid_controlled_term_names_subject_seq_and_value(snapshot):
    rs = read(snapshot, "RS")
    row = first(rs, RSTESTCD="OVRLRESP")
    rs.loc[row, "RSSTRESC"] = "PARTIAL"
    write(snapshot, "RS", rs)
    hit = fired(run_checks(snapshot)[1], "RS.RSSTRESC.OVRLRESP", "error")
    assert hit[["usubjid", "seq", "value"]].values.tolist() == [
        [rs.loc[row, "USUBJID"], f"{rs.loc[row, 'RSSEQ']:g}", "PARTIAL"]
    ]


def test_lower_case_controlled_term_is_an_error(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESER"] = "y"
    write(snapshot, "AE", ae)
    assert list(fired(run_checks(snapshot)[1], "AE.AESER.CT", "error")["value"]) == ["y"]


def test_padded_controlled_term_is_trimmed_and_reported(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESER"] = " N "
    to_csv(snapshot, "AE", ae)
    domains, found = run_checks(snapshot)
    assert list(fired(found, "AE.AESER.WHITESPACE", "warning")["value"]) == [" N "]
    assert domains["AE"].loc[0, "AESER"] == "N" and not has_errors(found)


def test_out_of_range_grade_and_extensible_term(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AETOXGR"] = "6"
    write(snapshot, "AE", ae)
    ds = read(snapshot, "DS")
    ds.loc[0, "DSDECOD"] = "MOVED AWAY"
    write(snapshot, "DS", ds)
    found = run_checks(snapshot)[1]
    fired(found, "AE.AETOXGR.CT", "error")
    fired(found, "DS.DSDECOD.CT", "warning")


def test_negative_dose(snapshot):
    ex = read(snapshot, "EX")
    ex.loc[3, "EXDOSE"] = -180.0
    write(snapshot, "EX", ex)
    assert list(fired(run_checks(snapshot)[1], "EX.EXDOSE.RANGE", "error")["value"]) == ["-180.0"]


def test_implausible_age_is_a_warning(snapshot):
    dm = read(snapshot, "DM")
    dm.loc[0, "AGE"] = 150.0
    write(snapshot, "DM", dm)
    fired(run_checks(snapshot)[1], "DM.AGE.RANGE", "warning")


def test_blank_usubjid(snapshot):
    rs = read(snapshot, "RS")
    rs.loc[0, "USUBJID"] = ""
    write(snapshot, "RS", rs)
    found = run_checks(snapshot)[1]
    assert list(fired(found, "RS.USUBJID.BLANK", "error")["seq"]) == [f"{rs.loc[0, 'RSSEQ']:g}"]


def test_duplicate_key(snapshot):
    rs = read(snapshot, "RS")
    write(snapshot, "RS", pd.concat([rs, rs.iloc[[3]]], ignore_index=True))
    hit = fired(run_checks(snapshot)[1], "RS.KEY.DUPLICATE", "error")
    assert set(hit["usubjid"]) == {rs.loc[3, "USUBJID"]}


# --- dates ------------------------------------------------------------------------------------


def test_non_iso_and_impossible_dates(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESTDTC"] = "12/03/2015"
    ae.loc[1, "AESTDTC"] = "2015-02-30"
    write(snapshot, "AE", ae)
    hit = fired(run_checks(snapshot)[1], "AE.AESTDTC.ISO8601", "error")
    assert sorted(hit["value"]) == ["12/03/2015", "2015-02-30"]


def test_date_with_missing_year_is_flagged_not_imputed(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESTDTC"] = "--03-12"
    write(snapshot, "AE", ae)
    found = run_checks(snapshot)[1]
    assert list(fired(found, "AE.AESTDTC.YEAR_MISSING", "warning")["value"]) == ["--03-12"]


def test_partial_dates_are_reported(snapshot):
    found = run_checks(snapshot)[1]
    partial = found[found["id"].str.endswith(".PARTIAL")]
    assert not partial.empty and set(partial["severity"]) == {"info"}


# --- files --------------------------------------------------------------------------------------


def test_zero_byte_file(snapshot):
    (snapshot / "ae.xpt").write_bytes(b"")
    hit = fired(run_checks(snapshot)[1], "FILE.UNREADABLE", "error")
    assert "0 bytes" in hit["message"].iloc[0] and hit["file"].iloc[0].endswith("ae.xpt")


def test_truncated_xpt(snapshot):
    data = (snapshot / "tr.xpt").read_bytes()
    (snapshot / "tr.xpt").write_bytes(data[: len(data) // 2 + 7])
    assert (
        "truncated" in fired(run_checks(snapshot)[1], "FILE.UNREADABLE", "error")["message"].iloc[0]
    )


def test_file_that_is_not_transport_format(snapshot):
    (snapshot / "ex.xpt").write_bytes(b"not a SAS transport file ".ljust(800, b"."))
    fired(run_checks(snapshot)[1], "FILE.UNREADABLE", "error")


def test_empty_domain_and_empty_dm(snapshot):
    write(snapshot, "MH", read(snapshot, "MH").iloc[0:0])
    found = run_checks(snapshot)[1]
    fired(found, "MH.EMPTY", "warning")
    write(snapshot, "DM", read(snapshot, "DM").iloc[0:0])
    fired(run_checks(snapshot)[1], "DM.EMPTY", "error")


def test_wrong_text_encoding_is_read_as_cp1252_with_a_warning(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AETERM"] = "DIARRHÉE"
    to_csv(snapshot, "AE", ae, encoding="cp1252")
    domains, found = run_checks(snapshot)
    fired(found, "FILE.ENCODING", "warning")
    assert domains["AE"].loc[0, "AETERM"] == "DIARRHÉE"


def test_byte_order_mark_is_removed(snapshot):
    to_csv(snapshot, "DS", read(snapshot, "DS"), encoding="utf-8-sig")
    domains, found = run_checks(snapshot)
    fired(found, "FILE.BOM", "warning")
    assert domains["DS"].columns[0] == "STUDYID" and not has_errors(found)


def test_unknown_domain_file(snapshot):
    shutil.copy(snapshot / "mh.xpt", snapshot / "xx.xpt")
    found = run_checks(snapshot)[1]
    assert fired(found, "FILE.UNKNOWN_DOMAIN", "warning")["file"].iloc[0].endswith("xx.xpt")


def test_readers_xpt_v8_and_parquet(snapshot):
    expected, _ = run_checks(snapshot)
    dm = read(snapshot, "DM")
    pyreadstat.write_xport(dm, str(snapshot / "dm.xpt"), file_format_version=8, table_name="DM")
    rs = read(snapshot, "RS")
    (snapshot / "rs.xpt").unlink()
    rs.to_parquet(snapshot / "rs.parquet")
    domains, found = run_checks(snapshot)
    for domain in ("DM", "RS"):
        pd.testing.assert_frame_equal(domains[domain], expected[domain])
    assert not has_errors(found)


# --- across domains -----------------------------------------------------------------------------


def test_orphan_subject(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "USUBJID"] = "NOBODY"
    write(snapshot, "AE", ae)
    assert list(fired(run_checks(snapshot)[1], "CROSS.ORPHAN", "error")["usubjid"]) == ["NOBODY"]


def dead_subject(snapshot) -> tuple[str, str]:
    dm = read(snapshot, "DM")
    row = dm[(dm["DTHDTC"].str.len() == 10) & (dm["DTHDTC"] < CUTOFF)].iloc[0]
    return row["USUBJID"], row["DTHDTC"]


def test_adverse_event_after_death(snapshot):
    subject, death = dead_subject(snapshot)
    ae = read(snapshot, "AE")
    row = first(ae, USUBJID=subject)
    ae.loc[row, "AESTDTC"] = (pd.Timestamp(death) + pd.Timedelta(days=3)).strftime("%Y-%m-%d")
    write(snapshot, "AE", ae)
    hit = fired(run_checks(snapshot)[1], "CROSS.AFTER_DEATH", "error")
    assert list(hit["usubjid"]) == [subject]


def test_record_before_informed_consent(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESTDTC"] = "2010-01-01"
    write(snapshot, "AE", ae)
    fired(run_checks(snapshot)[1], "CROSS.BEFORE_CONSENT", "warning")


def test_treated_subject_without_a_dose(snapshot):
    ex = read(snapshot, "EX")
    subject = ex["USUBJID"].iloc[0]
    write(snapshot, "EX", ex[ex["USUBJID"] != subject])
    assert list(fired(run_checks(snapshot)[1], "CROSS.NO_FIRST_DOSE", "error")["usubjid"]) == [
        subject
    ]


def test_new_therapy_before_first_dose(snapshot):
    cm = read(snapshot, "CM")
    row = first(cm, CMCAT="SUBSEQUENT ANTICANCER THERAPY")
    cm.loc[row, "CMSTDTC"] = "2013-01-01"
    write(snapshot, "CM", cm)
    fired(run_checks(snapshot)[1], "CROSS.NEW_THERAPY_BEFORE_DOSE", "error")


def test_response_without_measurements(snapshot):
    rs = read(snapshot, "RS")
    row = first(rs, RSTESTCD="OVRLRESP", RSSTRESC="SD")
    rs.loc[row, "RSDTC"] = (pd.Timestamp(rs.loc[row, "RSDTC"]) + pd.Timedelta(days=2)).strftime(
        "%Y-%m-%d"
    )
    write(snapshot, "RS", rs)
    fired(run_checks(snapshot)[1], "CROSS.RS_WITHOUT_TR", "warning")


def test_response_and_measurements_disagree_on_progression(snapshot):
    rs = read(snapshot, "RS")
    row = first(rs, RSTESTCD="OVRLRESP", RSSTRESC="SD")
    rs.loc[row, "RSSTRESC"] = "PD"
    write(snapshot, "RS", rs)
    hit = fired(run_checks(snapshot)[1], "CROSS.PD_DISAGREE", "warning")
    assert list(hit["usubjid"]) == [rs.loc[row, "USUBJID"]]


def test_missing_dm(snapshot):
    (snapshot / "dm.xpt").unlink()
    fired(run_checks(snapshot)[1], "CROSS.NO_DM", "error")
