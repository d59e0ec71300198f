"""python -m oncocsr init: a study config drafted from what an SDTM snapshot holds.

DESIGN.md: a sponsor's study is one file, ``config/studies/<name>.yaml``, written from what the
SDTM contains and then reviewed by the statistician. :func:`inspect_snapshot` reads the snapshot
and chooses every setting the data can tell (oncocsr.studyinit_choices), each with a note of
what was found; :func:`study_config_text` writes the YAML with each note as a comment above its
key; :func:`init_study` validates the text against the config schema, writes it and locks the
snapshot (oncocsr.lock).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from pathlib import Path

import pandas as pd
import yaml

from oncocsr.dates import to_date
from oncocsr.io import SDTMReadError, read_sdtm_file
from oncocsr.lock import LockError, build_lock, lock_path, write_lock
from oncocsr.studyconfig import (
    CUT_NAME_RULE,
    ConfigError,
    StudyConfig,
    check_cut_name,
    check_cutoff,
    deep_merge,
    fill_defaults,
    load_schema,
    with_defaults,
)
from oncocsr.studyinit_choices import Inspection, choose_settings, counts, mode, text
from oncocsr.studyinit_entry import choose_entry_settings
from oncocsr.workflow import SnapshotError, check_required_domains, snapshot_files

__all__ = ["InitError", "Inspection", "init_study", "inspect_snapshot", "study_config_text"]

WIDTH = 100
# study: key, TS parameter (TSPARMCD), what to write from the protocol where TS has none.
TS_TEXT = (
    ("title", "TITLE", "full title"),
    ("short_title", "ACRONYM", "short title (the running header)"),
    ("phase", "TPHASE", "phase"),
    ("design", None, "design in words (e.g. open-label, randomised, multicentre)"),
    ("population", None, "population in words (sections 9 and 10)"),
    ("indication", "INDIC", "indication"),
    ("treatment", "TRT", "treatment and regimen in words"),
    ("sponsor", "SPONSOR", "sponsor"),
)


class InitError(ValueError):
    """A study that cannot be initialised from a snapshot; the message says what to do."""


def _study(found: Inspection, domains: dict[str, pd.DataFrame], fallback: str) -> None:
    """study: the id from DM.STUDYID (else ``fallback``), the text from TS where there is one."""
    studyid = text(domains["DM"], "STUDYID")
    ident = mode(studyid) or fallback
    seen = f"DM.STUDYID: {counts(studyid)}" if mode(studyid) else "no DM.STUDYID: folder name"
    found.choose("study.id", ident, seen)
    found.choose("study.protocol", ident, f"{seen}; SDTM has no protocol number: check it")
    ts = domains.get("TS")
    code, value = text(ts, "TSPARMCD").str.upper(), text(ts, "TSVAL")
    for key, parameter, what in TS_TEXT:
        given = value[(code == parameter) & (value != "")]
        if parameter and len(given):
            found.choose(f"study.{key}", "; ".join(given), f"TS {parameter}: {'; '.join(given)}")
            continue
        where = "no TS domain" if ts is None else f"no TS {parameter or 'parameter'}"
        default = {"title": f"Study {ident}", "short_title": ident}.get(key, "")
        note = f"not in the data ({where}): write the protocol's {what}"
        found.choose(f"study.{key}", default, note)
    if ts is None:
        found.warnings.append("no TS domain: write the study's title, phase etc. (placeholders)")
    _protocol_text(found)


def _protocol_text(found: Inspection) -> None:
    """The protocol's text of the report (ICH E3: ethics, investigators, objectives, plan,
    references...), which SDTM does not hold: every key written empty, each under a note saying
    so; the CSR shows a marked placeholder for each until the statistician writes it."""
    schema = load_schema()
    study = schema["properties"]["study"]
    chosen = found.sections.setdefault("study", {})
    for key, value in fill_defaults({}, study, schema).items():
        if key in chosen:
            continue
        description = study["properties"][key]["description"].strip()
        shown = "" if key == "report_date" else " The report shows a placeholder while it is empty."
        found.choose(f"study.{key}", value, f"Not in the data: {description}{shown}")


def _latest_date(found: Inspection, domains: dict[str, pd.DataFrame]) -> None:
    """The latest full date of any --DTC variable: a first guess at the cutoff (SAP section 3)."""
    latest = None
    for domain, frame in sorted(domains.items()):
        for column in frame.columns:
            if str(column).endswith("DTC"):
                date = to_date(text(frame, column)).max()
                if pd.notna(date) and (latest is None or date > latest):
                    latest, found.latest_source = date, f"{domain}.{column}"
    found.latest_date = latest.strftime("%Y-%m-%d") if latest is not None else None


def inspect_snapshot(folder: str | Path) -> Inspection:
    """What the snapshot in ``folder`` holds, as the settings a study config draws from it.

    Its SDTM files (.xpt, .csv, .parquet; the domain is the file's stem) must include DM, DS, EX
    and RS, without which the pipeline cannot build a CSR.
    """
    folder = Path(folder)
    try:
        # The same files, and the same required domains, as the workflow reads.
        by_domain = snapshot_files(folder, folder.name)
        check_required_domains(by_domain, folder, folder.name)
    except SnapshotError as error:
        raise InitError(str(error)) from error
    files = {domain.upper(): path for domain, path in by_domain.items()}
    try:
        domains = {domain: read_sdtm_file(path)[0] for domain, path in files.items()}
    except SDTMReadError as error:
        raise InitError(str(error)) from error
    found = Inspection(files=files)
    _study(found, domains, folder.resolve().name)
    _latest_date(found, domains)
    choose_settings(found, domains)
    choose_entry_settings(found, domains)
    return found


def flow(value) -> str:
    """One value as YAML on one line (flow style for lists and mappings), quoted as needed."""
    dumped = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, sort_keys=False, width=math.inf
    )
    return dumped.removesuffix("\n...\n").strip()


def comment(note: str, indent: int) -> list[str]:
    """``note`` as comment lines of at most WIDTH characters at ``indent``."""
    lines = textwrap.wrap(
        " ".join(note.split()), WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False
    )
    return [f"{' ' * indent}# {line}" for line in lines]


def _child(node: dict, key: str, root: dict) -> dict:
    """The schema of ``key`` inside the object schema ``node`` ($ref followed); {} if none."""
    sub = node.get("properties", {}).get(key)
    if sub is None:
        extra = node.get("additionalProperties")
        sub = extra if isinstance(extra, dict) else {}
    while "$ref" in sub:
        target = root
        for part in sub["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        sub = {**target, **{k: v for k, v in sub.items() if k != "$ref"}}
    return sub


def _render(
    key: str, value, node: dict, root: dict, path: str, notes: dict, indent: int, quiet: bool
) -> list[str]:
    """Lines of ``key: value``, mappings recursively in the schema's key order, each key under
    its comment: its note from the data, else (unless inside a mapping chosen from the data,
    ``quiet``) the schema's description, marked "(default)" on a plain value."""
    pad = " " * indent
    nested = isinstance(value, dict) and bool(value)
    note = notes.get(path)
    if not note and not quiet and node.get("description"):
        note = ("" if nested else "(default) ") + node["description"]
    lines = comment(note, indent) if note else []
    if nested:
        lines.append(f"{pad}{flow(key)}:")
        order = [k for k in node.get("properties", {}) if k in value]
        # A mapping chosen whole from the data (its note, none of its keys') is one choice.
        whole = quiet or (path in notes and not any(p.startswith(f"{path}.") for p in notes))
        for child in order + [k for k in value if k not in order]:
            sub, where = _child(node, child, root), f"{path}.{child}"
            lines += _render(child, value[child], sub, root, where, notes, indent + 2, whole)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        lines += [f"{pad}{flow(key)}:", *(f"{pad}  - {flow(item)}" for item in value)]
    else:
        lines.append(f"{pad}{flow(key)}: {flow(value)}")
    return lines


def _design_lines(arms: list[str]) -> list[str]:
    """The design section, commented out: its hypothesis comes from the protocol."""
    defaults = load_schema()["$defs"]["design"]["properties"]
    body = [
        "design:",
        "  p0:  # response rate under H0, from the protocol",
        "  p1:  # response rate under H1 (above p0), from the protocol",
        f"  alpha: {flow(defaults['alpha']['default'])}",
        f"  power: {flow(defaults['power']['default'])}",
        f"  arms: {flow(arms)}",
    ]
    note = (
        "design: the primary hypothesis (Simon two-stage design, H0 ORR <= p0; SAP sections 1 "
        "and 6) is not in the data. Write p0 and p1 from the protocol and remove the '# ' of the "
        "lines below; arms: the arms without placebo, each tested on its own. Without a design "
        "the CSR reports response rates without a test against p0."
    )
    return comment(note, 0) + [f"# {line}" for line in body]


def _check_name(name: str) -> None:
    """The study's name is its one cut's name, and so a folder and a file name."""
    try:
        check_cut_name(name)
    except ConfigError:
        raise InitError(f"{name!r} is not a valid study (cut) name: {CUT_NAME_RULE}") from None


def _cutoff(inspection: Inspection, cutoff: str | None) -> str:
    if cutoff is None:
        if inspection.latest_date is None:
            raise InitError("no full date in any --DTC variable: give --cutoff YYYY-MM-DD")
        return inspection.latest_date
    try:
        return check_cutoff(cutoff)
    except ConfigError:
        raise InitError(f"cutoff {cutoff!r} is not a date YYYY-MM-DD") from None


def study_config_text(
    name: str,
    folder: str | Path,
    inspection: Inspection,
    cutoff: str | None = None,
    *,
    locks_dir: str | Path = "config/locks",
) -> str:
    """The study config of ``inspection`` as YAML text, with the one cut ``name`` (snapshot
    ``folder`` as given, ``cutoff`` or else the latest date of the data; SAP section 3) and
    every section written out: each choice from the data under a comment of what was found,
    each default under the schema's description; the design commented out. The same snapshot
    gives the same text."""
    _check_name(name)
    date = _cutoff(inspection, cutoff)
    schema = load_schema()
    sections = deep_merge(with_defaults(), inspection.sections)
    relock = f"python -m oncocsr lock --cut {name} --force --reason TEXT"
    found = (
        f"latest date in the data: {date} ({inspection.latest_source}); set the real data cutoff"
    )
    notes = {
        **inspection.notes,
        f"cuts.{name}.snapshot": f"the snapshot folder as given (relative to the working "
        f"directory), SDTM domains {', '.join(inspection.files)}; its lock records every file",
        f"cuts.{name}.cutoff": f"{'given with --cutoff' if cutoff else found}; later records are "
        f"removed (SAP section 3). The lock records the cutoff: after a change, run {relock}",
        f"cuts.{name}.description": "what this cut is, in words, for the title page",
        "locks": f"the data locks; init wrote {lock_path(name, locks_dir)}",
    }
    config = {
        "study": sections.pop("study"),
        "cuts": {
            name: {"snapshot": str(folder), "cutoff": date, "description": f"Data cut {name}"}
        },
        "locks": str(locks_dir),
        "waivers": schema["properties"]["waivers"]["default"],
        **sections,
    }
    lines = comment(
        f"Study config of {config['study']['id']}, drafted by python -m oncocsr init {name} from "
        f"the snapshot {folder}. Each value chosen from the data has a comment above it saying "
        "what was found; (default) marks the schema's default (schemas/config.schema.yaml). "
        "Review every value against the protocol and the SAP before the first run.",
        0,
    )
    for key, value in config.items():
        lines += [
            "",
            *_render(key, value, _child(schema, key, schema), schema, key, notes, 0, False),
        ]
        if key == "orr":
            lines += ["", *_design_lines(inspection.design_arms)]
    return "\n".join(lines) + "\n"


def init_study(
    name: str,
    snapshot: str | Path,
    *,
    cutoff: str | None = None,
    force: bool = False,
    studies_dir: str | Path = "config/studies",
    locks_dir: str | Path = "config/locks",
    commit: str = "unknown",
    now: dt.datetime,
    locked_by: str = "not recorded",
    reason: str | None = None,
) -> dict:
    """Write ``<studies_dir>/<name>.yaml``, a complete study config drafted from the snapshot,
    and its data lock ``<locks_dir>/<name>.lock.json`` (both replaced only with ``force``; a
    replaced lock is a re-lock, which needs a ``reason`` and is chained to the old one).
    Returns both paths, the command to run next and warnings for the statistician."""
    _check_name(name)
    config_path = Path(studies_dir) / f"{name}.yaml"
    lock_file = lock_path(name, locks_dir)
    existing = [str(path) for path in (config_path, lock_file) if path.exists()]
    if existing and not force:
        raise InitError(
            f"{' and '.join(existing)} already exist: study {name} is initialised; use --force "
            "to overwrite them (the new lock accepts the snapshot as it is now)"
        )
    inspection = inspect_snapshot(snapshot)
    text = study_config_text(name, snapshot, inspection, cutoff, locks_dir=locks_dir)
    config = yaml.safe_load(text)
    StudyConfig(config, source=str(config_path))
    try:
        lock = build_lock(
            name,
            config["cuts"][name],
            commit=commit,
            now=now,
            locked_by=locked_by,
            reason=reason,
            previous=lock_file.read_bytes() if lock_file.is_file() else None,
        )
    except LockError as error:
        raise InitError(str(error)) from error
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(text, encoding="utf-8")
    write_lock(lock, lock_file, force=True)
    warnings = list(inspection.warnings)
    if cutoff is None:
        warnings.insert(
            0,
            f"cutoff {config['cuts'][name]['cutoff']} is the latest date in the data: set the "
            f"real data cutoff in {config_path}, then python -m oncocsr lock --cut {name} --force "
            "--reason 'real data cutoff'",
        )
    warnings.append("no design: write p0 and p1 from the protocol (design, commented out)")
    return {
        "config": str(config_path),
        "lock": str(lock_file),
        "next": f"snakemake --cores 4 --configfile {config_path}",
        "warnings": warnings,
    }
