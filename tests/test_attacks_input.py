"""Issue 15, attacks on the input: raw files that passed silently and changed the numbers, and a
raw file swapped after the start-up check of the lock. Each attack must be reported as a finding
naming file, variable, subject and value, or refused; each of these tests failed on the code
before issue 15 (commit 68350c4).

The faults are applied to a copy of a small simulated snapshot and checked with
``check_snapshot`` (the functions the ingest and cross-check rules run), as in test_faults.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from test_faults import CUTOFF, SCHEMAS, base, fired, read, snapshot, to_csv, write

from oncocsr.checks import load_spec
from oncocsr.ingest import check_snapshot, ingest

ROOT = Path(__file__).resolve().parents[1]
OBS_HEADER = b"HEADER RECORD*******OBS     HEADER RECORD"
MEMBER_HEADER = b"HEADER RECORD*******MEMBER  HEADER RECORD"
# The module's fixtures are test_faults.py's: a small simulated snapshot and a copy of it.
__all__ = ["base", "snapshot"]


def checks(folder: Path, **options):
    return check_snapshot(folder, CUTOFF, SCHEMAS, **options)


def dead_subject(folder: Path) -> tuple[str, str]:
    """A subject who died at least 60 days before the cutoff, with a full death date."""
    dm = read(folder, "DM")
    latest = (pd.Timestamp(CUTOFF) - pd.Timedelta(days=60)).strftime("%Y-%m-%d")
    row = dm[(dm["DTHDTC"].str.len() == 10) & (dm["DTHDTC"] < latest)].iloc[0]
    return row["USUBJID"], row["DTHDTC"]


# --- SAS transport files cut short or holding several datasets ---------------------------------


def record_layout(path: Path) -> tuple[int, int, int, int]:
    """Where the records start, their length, and the offset and width of USUBJID in them."""
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    widths = [meta.variable_storage_width[name] for name in meta.column_names]
    at = meta.column_names.index("USUBJID")
    data = path.read_bytes()
    return data.index(OBS_HEADER) + 80, sum(widths), sum(widths[:at]), widths[at]


def test_xpt_cut_short_at_an_80_byte_boundary_inside_a_record(snapshot):
    # A multiple of 80 bytes, so the size check cannot see it: records after the cut were lost
    # with exit 0. The cut falls inside a record, after its USUBJID.
    path = snapshot / "ae.xpt"
    ae = read(snapshot, "AE")
    start, row, offset, width = record_layout(path)
    cut = next(
        start + size
        for size in range(80 * (len(ae) * row // 160), 0, -80)
        if size % row >= offset + width + 1
    )
    kept = (cut - start) // row
    path.write_bytes(path.read_bytes()[:cut])
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.TRUNCATED", "error")
    assert hit["file"].iloc[0].endswith("ae.xpt")
    assert hit["usubjid"].iloc[0] == ae.loc[kept, "USUBJID"]
    assert hit["variable"].iloc[0] != "" and f"record {kept + 1}" in hit["message"].iloc[0]
    assert len(domains["AE"]) < len(ae)


def test_xpt_v8_with_fewer_records_than_its_header_says(snapshot):
    pyreadstat.write_xport(
        read(snapshot, "AE"), str(snapshot / "ae.xpt"), file_format_version=8, table_name="AE"
    )
    path = snapshot / "ae.xpt"
    path.write_bytes(path.read_bytes()[:-800])
    hit = fired(checks(snapshot)[1], "FILE.TRUNCATED", "error")
    assert "the header says" in hit["message"].iloc[0]


def test_xpt_with_a_second_member_is_an_error_not_misread_bytes(base, snapshot):
    ae, cm = (snapshot / "ae.xpt").read_bytes(), (snapshot / "cm.xpt").read_bytes()
    (snapshot / "ae.xpt").write_bytes(ae + cm[cm.index(MEMBER_HEADER) :])
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.XPT_MEMBERS", "error")
    message = hit["message"].iloc[0]
    assert "second member CM" in message and "not read" in message
    assert hit["file"].iloc[0].endswith("ae.xpt") and hit["value"].iloc[0] == "CM"
    # The AE records are AE's alone, read as without the second member.
    pd.testing.assert_frame_equal(domains["AE"], checks(base)[0]["AE"])
    errors = found[(found["severity"] == "error") & found["file"].str.endswith("ae.xpt")]
    assert set(errors["id"]) == {"FILE.XPT_MEMBERS"}


def test_csv_cut_short_inside_its_last_record(snapshot):
    ae = read(snapshot, "AE")
    path = to_csv(snapshot, "AE", ae)
    data = path.read_bytes()
    # Cut after the last record's AETERM: the parser would fill the missing fields with blanks.
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[1]
    term = ae["AETERM"].iloc[-1].encode()
    path.write_bytes(data[: data.rindex(last) + last.index(term) + len(term)])
    hit = fired(checks(snapshot)[1], "FILE.TRUNCATED", "error")
    assert hit[["variable", "usubjid", "value"]].values.tolist() == [
        ["AETERM", ae["USUBJID"].iloc[-1], ae["AETERM"].iloc[-1]]
    ]
    assert hit["message"].iloc[0].startswith(f"line {len(ae) + 1} ends after")


# --- CSV text: mixed encodings, NUL bytes; duplicate columns ------------------------------------


def test_csv_mixing_utf8_and_windows_1252_names_each_line(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AETERM"] = "腹泻"
    path = to_csv(snapshot, "AE", ae)
    lines = path.read_bytes().split(b"\n")
    # The record of ae row 2 is line 4 (the header is line 1).
    lines[3] = lines[3].replace(ae.loc[2, "AETERM"].encode(), "DIARRHÉE".encode("cp1252"))
    path.write_bytes(b"\n".join(lines))
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.MIXED_ENCODING", "error")
    assert hit[["variable", "usubjid", "value"]].values.tolist() == [
        ["AETERM", ae.loc[2, "USUBJID"], "DIARRH\\xc9E"]
    ]
    assert hit["message"].iloc[0].startswith("line 4")
    # The UTF-8 text is read as UTF-8, not as mojibake.
    assert domains["AE"].loc[0, "AETERM"] == "腹泻"


def test_nul_byte_in_a_csv_value_names_line_variable_and_subject(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[1, "AETERM"] = "DIAR\x00RHOEA"
    to_csv(snapshot, "AE", ae)
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.NUL", "error")
    assert hit[["variable", "usubjid", "value"]].values.tolist() == [
        ["AETERM", ae.loc[1, "USUBJID"], "DIAR\\x00RHOEA"]
    ]
    assert hit["message"].iloc[0].startswith("line 3")
    # Not cut short at the NUL.
    assert domains["AE"].loc[1, "AETERM"].endswith("RHOEA")


def test_duplicate_column_in_a_csv_is_an_error_and_no_crash(snapshot):
    path = to_csv(snapshot, "AE", read(snapshot, "AE"))
    header, rest = path.read_text().split("\n", 1)
    names = header.split(",")
    first, second = names.index("AETOXGR"), names.index("AESEV")
    names[second] = "AETOXGR"
    path.write_text(",".join(names) + "\n" + rest)
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.DUPLICATE_VARIABLE", "error")
    assert hit[["variable", "value"]].values.tolist() == [
        ["AETOXGR", f"columns {min(first, second) + 1}, {max(first, second) + 1}"]
    ]
    assert list(domains["AE"].columns).count("AETOXGR") == 1


def test_duplicate_variable_in_a_transport_file_is_an_error(snapshot):
    path = snapshot / "ae.xpt"
    data = bytearray(path.read_bytes())
    at = data.index(b"AEDECOD ")  # the name in AEDECOD's NAMESTR record
    data[at : at + 8] = b"AETERM  "
    path.write_bytes(bytes(data))
    domains, found = checks(snapshot)
    hit = fired(found, "FILE.DUPLICATE_VARIABLE", "error")
    assert list(hit["variable"]) == ["AETERM"]
    assert not any("duplicated" in column for column in domains["AE"].columns)


# --- values the derivations rely on ------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "variable", "disabled"),
    [
        ("AE", "AESER", "serious"),
        ("AE", "AEDECOD", "preferred term"),
        ("TR", "TRSTRESN", "target-lesion sums"),
        ("DM", "DTHDTC", "overall survival"),
    ],
)
def test_variable_empty_in_every_record_says_what_it_disables(snapshot, domain, variable, disabled):
    frame = read(snapshot, domain)
    frame[variable] = float("nan") if variable == "TRSTRESN" else ""
    write(snapshot, domain, frame)
    hit = fired(checks(snapshot)[1], f"{domain}.{variable}.EMPTY", "warning")
    assert list(hit["variable"]) == [variable] and disabled in hit["message"].iloc[0]


@pytest.mark.parametrize("domain", ["AE", "CM", "EX"])
def test_end_before_start(snapshot, domain):
    frame = read(snapshot, domain)
    start, end = f"{domain}STDTC", f"{domain}ENDTC"
    rows = frame.index[(frame[start].str.len() >= 10) & (frame[end].str.len() >= 10)]
    years, month, same_month = rows[:3]
    frame.loc[years, end] = "2001-01-01"
    # Compared at the precision both have: an end in the month before the start's is before
    # it; an end in the start's own month is not.
    earlier = pd.Timestamp(frame.loc[month, start][:10]) - pd.DateOffset(months=1)
    frame.loc[month, end] = earlier.strftime("%Y-%m")
    frame.loc[same_month, end] = frame.loc[same_month, start][:7]
    write(snapshot, domain, frame)
    hit = fired(checks(snapshot)[1], f"{domain}.{end}.BEFORE_START", "error")
    seq = frame[f"{domain}SEQ"].map("{:g}".format)
    assert sorted(hit[["usubjid", "seq"]].values.tolist()) == sorted(
        frame.loc[[years, month], "USUBJID"].to_frame().assign(seq=seq).values.tolist()
    )
    shown = hit.loc[hit["seq"] == seq[years], "value"].iloc[0]
    assert shown == f"2001-01-01 < {start} {frame.loc[years, start]}"


def test_end_time_before_start_time_on_the_same_day(snapshot):
    ex = read(snapshot, "EX")
    row = ex.index[ex["EXSTDTC"].str.len() == 16][0]
    ex.loc[row, "EXENDTC"] = ex.loc[row, "EXSTDTC"][:11] + "00:01"
    write(snapshot, "EX", ex)
    hit = fired(checks(snapshot)[1], "EX.EXENDTC.BEFORE_START", "error")
    assert list(hit["usubjid"]) == [ex.loc[row, "USUBJID"]]


def test_death_dated_after_the_snapshot(snapshot):
    dm = read(snapshot, "DM")
    subject, _ = dead_subject(snapshot)
    dm.loc[dm["USUBJID"] == subject, "DTHDTC"] = "2017-03-01"
    write(snapshot, "DM", dm)
    # Locked on 27 November 2016: a death in March 2017 cannot be in it (but one in the
    # snapshot's own month can: compared at the date's precision).
    hit = fired(
        checks(snapshot, snapshot_date="2016-11-27")[1], "DM.DTHDTC.AFTER_SNAPSHOT", "error"
    )
    assert hit[["usubjid", "value"]].values.tolist() == [[subject, "2017-03-01"]]
    dm.loc[dm["USUBJID"] == subject, "DTHDTC"] = "2016-11"
    write(snapshot, "DM", dm)
    found = checks(snapshot, snapshot_date="2016-11-27")[1]
    assert not found["id"].str.endswith("AFTER_SNAPSHOT").any()


def test_dates_in_the_future_are_errors_without_a_lock(snapshot):
    ae = read(snapshot, "AE")
    ae.loc[0, "AESTDTC"] = f"{datetime.now(UTC).year + 2}-01-01"
    write(snapshot, "AE", ae)
    hit = fired(checks(snapshot)[1], "AE.AESTDTC.AFTER_SNAPSHOT", "error")
    assert list(hit["usubjid"]) == [ae.loc[0, "USUBJID"]]


def alive_contact(snapshot: Path, subject: str, when: str) -> None:
    ss = read(snapshot, "SS")
    row = ss[ss["SSSTRESC"] == "ALIVE"].iloc[[0]].copy()
    row["USUBJID"], row["SSDTC"], row["SSSEQ"] = subject, when, 99.0
    write(snapshot, "SS", pd.concat([ss, row], ignore_index=True))


def test_alive_after_death_names_the_record_and_both_dates(snapshot):
    subject, death = dead_subject(snapshot)
    when = (pd.Timestamp(death) + pd.Timedelta(days=20)).strftime("%Y-%m-%d")
    alive_contact(snapshot, subject, when)
    hit = fired(checks(snapshot)[1], "CROSS.ALIVE_AFTER_DEATH", "warning")
    hit = hit[hit["variable"] == "SSDTC"]
    assert hit[["usubjid", "seq", "value"]].values.tolist() == [[subject, "99", when]]
    assert when in hit["message"].iloc[0] and death in hit["message"].iloc[0]


def test_alive_after_a_partial_death_date_is_an_error(snapshot):
    # ADSL imputes a partial death date no earlier than the last date known alive: an alive
    # contact two months later would move the death out of its month.
    subject, death = dead_subject(snapshot)
    dm = read(snapshot, "DM")
    dm.loc[dm["USUBJID"] == subject, "DTHDTC"] = death[:7]
    write(snapshot, "DM", dm)
    when = (pd.Timestamp(death) + pd.DateOffset(months=2)).strftime("%Y-%m-01")
    alive_contact(snapshot, subject, when)
    found = checks(snapshot)[1]
    hit = found[(found["id"] == "CROSS.ALIVE_AFTER_DEATH") & (found["variable"] == "SSDTC")]
    assert hit[["usubjid", "severity"]].values.tolist() == [[subject, "error"]]


def test_implausibly_many_records_of_one_subject(snapshot):
    ae = read(snapshot, "AE")
    limit = ae["USUBJID"].value_counts().max()
    subject = ae["USUBJID"].iloc[0]
    copies = ae[ae["USUBJID"] == subject]
    times = limit // len(copies) + 1
    many = pd.concat([copies] * times, ignore_index=True).assign(AESEQ=lambda f: f.index + 1000.0)
    write(snapshot, "AE", pd.concat([ae, many], ignore_index=True))
    found = checks(snapshot, settings={"ingest": {"max_records_per_subject": int(limit)}})[1]
    hit = fired(found, "AE.RECORDS_PER_SUBJECT", "warning")
    assert hit[["usubjid", "value"]].values.tolist() == [[subject, str(len(copies) * (times + 1))]]
    assert "ingest.max_records_per_subject" in hit["message"].iloc[0]


# --- symbolic links ----------------------------------------------------------------------------


@pytest.fixture
def linked(snapshot, tmp_path) -> Path:
    """The snapshot with ae.xpt replaced by a link to a copy outside it."""
    outside = tmp_path / "elsewhere.xpt"
    shutil.move(snapshot / "ae.xpt", outside)
    os.symlink(outside, snapshot / "ae.xpt")
    return snapshot


def test_lock_refuses_a_snapshot_holding_a_symlink(linked):
    from oncocsr.lock import LockError, build_lock

    config = {"snapshot": str(linked), "cutoff": CUTOFF}
    with pytest.raises(LockError, match=r"ae\.xpt -> .*elsewhere\.xpt"):
        build_lock("primary", config, commit="abc", now=datetime.now(UTC))


def test_workflow_and_ingest_refuse_a_snapshot_holding_a_symlink(linked):
    from oncocsr.workflow import SnapshotError, snapshot_files

    with pytest.raises(SnapshotError, match=r"ae\.xpt is a symbolic link"):
        snapshot_files(linked, "primary")
    with pytest.raises(ValueError, match="symbolic link"):
        checks(linked)
    spec = load_spec(SCHEMAS / "ae.yaml", "AE")
    with pytest.raises(ValueError, match="symbolic link"):
        ingest(linked / "ae.xpt", spec, CUTOFF)


# --- the verified read: what the ingest job parses is what the lock vouches for ----------------


def entry_of(path: Path, lock: str = "config/locks/primary.lock.json") -> dict:
    data = path.read_bytes()
    return {
        "name": path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "lock": lock,
    }


def test_ingest_refuses_bytes_that_differ_from_the_lock(snapshot):
    from oncocsr.lock import SnapshotChanged

    path = snapshot / "ae.xpt"
    locked = entry_of(path)
    ae = read(snapshot, "AE")
    ae.loc[ae["AETOXGR"] == "3", "AETOXGR"] = "1"
    write(snapshot, "AE", ae)
    now = entry_of(path)
    with pytest.raises(SnapshotChanged) as refused:
        ingest(path, load_spec(SCHEMAS / "ae.yaml", "AE"), CUTOFF, locked=locked)
    message = str(refused.value)
    for text in (str(path), locked["lock"], locked["sha256"], now["sha256"]):
        assert text in message
    assert f"({locked['size']} bytes)" in message and f"({now['size']} bytes)" in message


def test_ingest_parses_the_bytes_it_hashed(snapshot, monkeypatch):
    # The attack: ae.xpt swapped after it is read (and restored later). The job must analyse
    # and record the bytes it checked, never re-open the file.
    import oncocsr.ingest

    path = snapshot / "ae.xpt"
    locked = entry_of(path)
    original = read(snapshot, "AE")
    read_raw = oncocsr.ingest.read_raw

    def read_then_swap(name):
        data = read_raw(name)
        write(snapshot, "AE", original.iloc[:3])
        return data

    monkeypatch.setattr(oncocsr.ingest, "read_raw", read_then_swap)
    cut, _, summary = ingest(
        path, load_spec(SCHEMAS / "ae.yaml", "AE"), "2100-01-01", locked=locked
    )
    assert summary["sha256"] == locked["sha256"] and summary["size"] == locked["size"]
    assert len(cut) == len(original) and summary["records"] == len(original)


def test_locked_entry_of_a_file():
    from oncocsr.lock import LockError, locked_entry

    lock = {
        "cut": "primary",
        "files": [{"name": "ae.xpt", "path": "d/ae.xpt", "sha256": "ab", "size": 3}],
    }
    assert locked_entry(lock, "ae.xpt") == {"name": "ae.xpt", "sha256": "ab", "size": 3}
    with pytest.raises(LockError, match=r"has no file dm\.xpt"):
        locked_entry(lock, "dm.xpt")


JOB = """
import runpy, sys
from types import SimpleNamespace


class Files(list):
    def __init__(self, **named):
        super().__init__(named.values())
        self.__dict__.update(named)

    def get(self, name, default=None):
        return self.__dict__.get(name, default)


raw, spec, out, locked = sys.argv[1:5]
snakemake = SimpleNamespace(
    input=Files(raw=raw, spec=spec),
    output=Files(sdtm=f"{out}/ae.parquet", checks=f"{out}/ae.json"),
    params=SimpleNamespace(
        cut={"cutoff": "2016-10-13"},
        settings={},
        locked=eval(locked),
        snapshot_date="2016-11-27",
    ),
    log=[f"{out}/ingest_ae.log"],
    rule="ingest_domain",
    wildcards={"cut": "primary", "domain": "ae"},
)
runpy.run_path(sys.argv[5], init_globals={"snakemake": snakemake}, run_name="__main__")
"""


def run_job(snapshot: Path, out: Path, locked: dict) -> subprocess.CompletedProcess:
    out.mkdir()
    arguments = [snapshot / "ae.xpt", SCHEMAS / "ae.yaml", out, repr(locked)]
    return subprocess.run(
        [sys.executable, "-c", JOB, *map(str, arguments), str(ROOT / "scripts" / "ingest.py")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_ingest_job_refuses_a_file_changed_since_the_lock_and_writes_nothing(snapshot, tmp_path):
    locked = entry_of(snapshot / "ae.xpt")
    done = run_job(snapshot, tmp_path / "ok", locked)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ok" / "ae.parquet").is_file()
    ae = read(snapshot, "AE")
    write(snapshot, "AE", ae.iloc[:-1])
    refused = run_job(snapshot, tmp_path / "refused", locked)
    assert refused.returncode != 0
    assert locked["sha256"] in refused.stderr and locked["lock"] in refused.stderr
    assert not (tmp_path / "refused" / "ae.parquet").exists()
    assert not (tmp_path / "refused" / "ae.json").exists()
