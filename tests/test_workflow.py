"""The whole pipeline under Snakemake on a small simulated snapshot, in a temporary directory."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml
from pdf_checks import assert_only_pinned_fonts
from pypdf import PdfReader

from oncocsr.hashing import sha256_file
from oncocsr.simulate import run as simulate
from oncocsr.tlf.catalog import FIGURES, LISTINGS, TABLES

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow


# Small enough that the AE listing of the 60-subject study goes to its own appendix, large
# enough that the tumour response listing stays in the CSR (both checked where it matters).
LISTING_MAX_ROWS = 300
# A listing row starts with the subject id (site-subject suffix), unlike the running header.
SUBJECT_ROW = re.compile(r"^\S+-\d{2}-\d{3} ", re.M)


def make_project(tmp: Path, subjects: int, seed: int, *, lock: bool = True) -> Path:
    meta = simulate(subjects, seed, tmp / "sdtm", quiet=True)
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    # Relative to the working directory, so that two project folders build the same bytes.
    config["cuts"] = {"primary": {"snapshot": "sdtm", "cutoff": meta["cutoff"]}}
    config["report"]["listing_max_rows"] = LISTING_MAX_ROWS
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    if lock:
        lock_snapshot(tmp, path)
    return path


def lock_snapshot(tmp: Path, config: Path) -> None:
    """The data manager's lock of the snapshot (config/locks/primary.lock.json)."""
    command = [sys.executable, "-m", "oncocsr", "lock", "--cut", "primary", "--config", config]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp)
    assert result.returncode == 0, result.stderr


def snakemake(tmp: Path, config: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(tmp),
        "--configfile",
        str(config),
        "--cores",
        "2",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=tmp)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("study")
    config = make_project(tmp, 60, 3)
    result = snakemake(tmp, config)
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp, config


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_synopsis_orr_is_the_ard_value(built):
    tmp, _ = built
    ard = pd.read_parquet(tmp / "results/primary/ard/ard.parquet")
    rows = ard[(ard["analysis_id"] == "ORR-FAS") & (ard["variable"] == "CRSP")].set_index(
        "stat_name"
    )
    text = " ".join(pdf_text(tmp / "results/primary/csr.pdf").split())
    match = re.search(r"ORR (\d+\.\d)% \(95% CI (\d+\.\d), (\d+\.\d)\)", text)
    assert match, text[:2000]
    printed = [float(value) for value in match.groups()]
    expected = [round(100 * rows.loc[name, "stat_value"], 1) for name in ("estimate", "lcl", "ucl")]
    assert printed == expected
    # The responders in the ARD are the confirmed responders of ADRS.
    adrs = pd.read_parquet(tmp / "results/primary/adam/adrs.parquet")
    cbor = adrs[(adrs["PARAMCD"] == "CBOR") & (adrs["FASFL"] == "Y")]
    assert rows.loc["n", "stat_value"] == cbor["AVALC"].isin(["CR", "PR"]).sum()
    assert rows.loc["N", "stat_value"] == 60


def outline(reader: PdfReader, items=None) -> list[tuple[str, int]]:
    """Bookmarks of the PDF, flattened, with the (1-based) page each points to."""
    entries = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            entries += outline(reader, item)
        else:
            entries.append((item.title, reader.get_destination_page_number(item) + 1))
    return entries


def test_report_has_every_tlf_bookmarked_and_listed_with_its_page(built):
    tmp, _ = built
    reader = PdfReader(tmp / "results/primary/csr.pdf")
    texts = [page.extract_text() for page in reader.pages]
    bookmarks = outline(reader)
    titles = [title for title, _ in bookmarks]
    for needle in ("2 Synopsis", "9 Investigational plan", "12 Safety evaluation"):
        assert needle in titles
    expected = {
        *(f"Figure {spec['tlf_id']}" for spec in FIGURES.values()),
        *(f"Listing {tlf}" for tlf in LISTINGS),
    }
    shown = [" ".join(title.split()[:2]) for title in titles if title[0].isalpha()]
    assert set(shown) >= expected
    # A SAP row with several tables numbers them <row>.1, <row>.2 (SAP section 7); ids unique.
    tables = [name.split()[1] for name in shown if name.startswith("Table ")]
    assert len(tables) == len(set(tables)), tables
    for row in TABLES:
        assert any(tlf == row or tlf.startswith(f"{row}.") for tlf in tables), row
        assert not (row in tables and f"{row}.1" in tables), row
    # ICH E3: the table of contents is section 3, after the title page and the synopsis.
    toc = next(text for text in texts if "3 Table of contents" in text.splitlines()[:3])
    for title, page in bookmarks:
        if title.split()[0] in ("Table", "Figure", "Listing"):
            # The page a bookmark points to shows that title (the header may wrap it).
            assert " ".join(title.split()[:4]) in " ".join(texts[page - 1].split()), title
    # The contents state the same page numbers as the bookmarks.
    entries = dict(re.findall(r"^(\S.*?)\s*\.{3,}\s*(\d+)$", toc, re.M))
    for title, page in bookmarks:
        if title in entries:
            assert int(entries[title]) == page, title
    assert len(set(entries) & set(titles)) >= 20
    assert f"Page 3 of {len(texts)}" in texts[2]


def test_a_rebuild_in_another_folder_gives_the_same_bytes(built, tmp_path):
    tmp, _ = built
    config = make_project(tmp_path, 60, 3, lock=False)
    # The same snapshot under the same lock (a new lock would carry its own lock time).
    (tmp_path / "config/locks").mkdir(parents=True)
    shutil.copy2(tmp / "config/locks/primary.lock.json", tmp_path / "config/locks")
    result = snakemake(tmp_path, config)
    assert result.returncode == 0, result.stderr[-3000:]
    provenance = json.loads((tmp / "results/primary/provenance.json").read_text())
    outputs = [entry["path"] for entry in provenance["outputs"]]
    assert len(outputs) > 50
    for path in [*outputs, "results/primary/provenance.json", "results/primary/csr.pdf"]:
        assert (tmp / path).read_bytes() == (tmp_path / path).read_bytes(), path


def test_pdf_carries_its_provenance_and_ard_and_only_pinned_fonts(built):
    tmp, _ = built
    results = tmp / "results/primary"
    reader = PdfReader(results / "csr.pdf")
    attached = {name: data[0] for name, data in reader.attachments.items()}
    assert attached == {
        "provenance.json": (results / "provenance.json").read_bytes(),
        "ard.parquet": (results / "ard/ard.parquet").read_bytes(),
    }
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert_only_pinned_fonts(results / "csr.pdf")


def test_provenance_hashes_every_product(built):
    tmp, _ = built
    provenance = json.loads((tmp / "results/primary/provenance.json").read_text())
    for entry in provenance["outputs"] + provenance["raw"]:
        assert sha256_file(tmp / entry["path"]) == entry["sha256"], entry["path"]
    rules = {entry["path"]: entry["rule"] for entry in provenance["outputs"]}
    assert rules["results/primary/adam/adrs.parquet"] == "adrs"
    assert rules["results/primary/tlf/14.2.2.svg"] == "tlf_ard_figures"
    # Every file of the snapshot, as the data lock lists them (simulation.json included).
    assert {entry["path"] for entry in provenance["raw"]} == {
        f"sdtm/{path.name}" for path in (tmp / "sdtm").iterdir()
    }


def pages_of(path: Path, title: str) -> list[str]:
    """Text of the pages from the one ``title``'s bookmark points to (the list of TLFs of 16.1
    names it too) to the next TLF title."""
    reader = PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]
    heading = re.compile(r"^(Table|Figure|Listing) \d+\.\d+\.\d+ (?!.*\(continued\))", re.M)
    start = next(page for name, page in outline(reader) if name.startswith(title)) - 1
    end = next((i for i in range(start + 1, len(texts)) if heading.search(texts[i])), len(texts))
    return texts[start:end]


def test_long_tables_repeat_their_title_and_header_on_every_page(built):
    tmp, _ = built
    adrs = pd.read_parquet(tmp / "results/primary/adam/adrs.parquet")
    rows = ((adrs["PARAMCD"] == "OVR") & (adrs["FASFL"] == "Y")).sum()
    assert rows <= LISTING_MAX_ROWS, "the tumour response listing should be in the CSR"
    pages = pages_of(tmp / "results/primary/csr.pdf", "Listing 16.2.1 Tumour response by visit")
    assert len(pages) >= 3, "the listing should run over several pages"
    for text in pages[1:]:
        assert "Listing 16.2.1 Tumour response by visit (continued)" in text
        # The column header, repeated; its labels wrap over two lines of the fixed-width text.
        header = " ".join(text.split("Subject", 1)[1].split()[:40])
        assert "Overall" in header and "Best confirmed" in header, header
    assert "(continued)" not in pages[0]
    # Every visit of every subject is listed once, across the pages.
    listed = sum(len(SUBJECT_ROW.findall(text)) for text in pages)
    assert listed == rows


def test_a_long_listing_is_a_separate_appendix_that_the_csr_names(built):
    tmp, _ = built
    results = tmp / "results/primary"
    adae = pd.read_parquet(results / "adam/adae.parquet")
    assert len(adae) > LISTING_MAX_ROWS, "the AE listing should be too long for the CSR"
    appendix = results / "appendices/listing-16.2.2.pdf"
    pages = PdfReader(appendix).pages
    # Without white space: the file name and hash may wrap over lines.
    text = "".join(pdf_text(results / "csr.pdf").split())
    assert (
        f"Thislistinghas{len(adae)}rows;listingslongerthan{LISTING_MAX_ROWS}rowsareprovided"
        "asseparateappendices" in text
    )
    assert f"listing-16.2.2.pdf({len(pages)}pages,sha256{sha256_file(appendix)})" in text
    assert "Listing 16.2.2 Adverse events (continued)" in pages[1].extract_text()
    listed = sum(len(SUBJECT_ROW.findall(page.extract_text())) for page in pages)
    assert listed == len(adae[adae["SAFFL"] == "Y"])


def test_second_run_has_nothing_to_do(built):
    tmp, config = built
    result = snakemake(tmp, config, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Nothing to be done" in result.stdout + result.stderr


def break_rs(folder: Path) -> str:
    rs, _ = pyreadstat.read_xport(str(folder / "rs.xpt"))
    row = rs.index[rs["RSTESTCD"] == "OVRLRESP"][0]
    rs.loc[row, "RSSTRESC"] = "PARTIAL"
    pyreadstat.write_xport(rs, str(folder / "rs.xpt"), file_format_version=5, table_name="RS")
    return rs.loc[row, "USUBJID"]


def orphan_ae(folder: Path) -> str:
    ae, _ = pyreadstat.read_xport(str(folder / "ae.xpt"))
    ae.loc[0, "USUBJID"] = "NOBODY"
    pyreadstat.write_xport(ae, str(folder / "ae.xpt"), file_format_version=5, table_name="AE")
    return "NOBODY"


def empty_ex(folder: Path) -> str:
    (folder / "ex.xpt").write_bytes(b"")
    return "0 bytes"


@pytest.mark.parametrize(
    ("fault", "check_id"),
    [
        (break_rs, "RS.RSSTRESC.OVRLRESP"),
        (orphan_ae, "CROSS.ORPHAN"),
        (empty_ex, "FILE.UNREADABLE"),
    ],
)
def test_data_check_error_stops_the_run_before_adam(tmp_path, fault, check_id):
    config = make_project(tmp_path, 12, 4, lock=False)
    needle = fault(tmp_path / "sdtm")
    # The broken snapshot is what the data manager locked: the data checks must catch it.
    lock_snapshot(tmp_path, config)
    raw = {path.name: sha256_file(path) for path in (tmp_path / "sdtm").iterdir()}
    result = snakemake(tmp_path, config)
    assert result.returncode != 0
    # A short summary on stderr: the finding, its subject or reason, and where the report is.
    assert check_id in result.stderr and needle in result.stderr
    assert "results/primary/checks/report.html" in result.stderr
    checks = tmp_path / "results/primary/checks"
    assert check_id in (checks / "report.html").read_text()
    assert not (checks / "gate.json").exists()
    assert not (tmp_path / "results/primary/adam").exists()
    assert not (tmp_path / "results/primary/csr.pdf").exists()
    assert raw == {path.name: sha256_file(path) for path in (tmp_path / "sdtm").iterdir()}
