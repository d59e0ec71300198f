"""Command-line entry point: ``python -m oncocsr <command>``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import NoReturn


def _simulate(args: argparse.Namespace) -> int:
    from oncocsr.simulate import SimulationOptions, run

    options = SimulationOptions(
        arms=args.arms,
        grades=args.grades,
        consent=not args.no_consent,
        irecist=args.irecist,
        ecog=args.ecog,
        file_format=args.format,
        vitals=args.vitals,
        death_details=not args.no_dd,
    )
    meta = run(args.subjects, args.seed, args.out, quiet=args.quiet, options=options)
    print(
        json.dumps({key: meta[key] for key in ("screened_subjects", "cutoff", "truth")}, indent=2)
    )
    return 0


class UsageError(Exception):
    """A bad argument or input file: reported on one line with exit status 2."""


def _cut_name(value: str) -> str:
    """argparse type of a cut (or study) name: refused before anything reads or writes a path
    made from it (oncocsr.studyconfig.CUT_NAME)."""
    from oncocsr.studyconfig import ConfigError, check_cut_name

    try:
        return check_cut_name(value)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _read_time_event(path: str, time: str, event: str):
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: cannot be read as CSV ({error})") from error
    for column in (time, event):
        if column not in frame.columns:
            raise UsageError(
                f"{path}: no column {column!r} (columns: {', '.join(map(str, frame.columns))})"
            )
    times = pd.to_numeric(frame[time], errors="coerce")
    if times.isna().any() or (times < 0).any():
        row = int(frame.index[times.isna() | (times < 0)][0])
        raise UsageError(
            f"{path}: {time} must be a non-negative number; row {row + 2}: {frame[time][row]!r}"
        )
    events = pd.to_numeric(frame[event], errors="coerce")
    bad = ~events.isin([0, 1])
    if bad.any():
        row = int(frame.index[bad][0])
        raise UsageError(
            f"{path}: {event} must be 1 (event) or 0 (censored); "
            f"row {row + 2}: {frame[event][row]!r}"
        )
    return times.to_numpy(dtype=float), events.to_numpy(dtype=int)


def _km(args: argparse.Namespace) -> int:
    from oncocsr.stats.km import km_summary

    times, events = _read_time_event(args.file, args.time, args.event)
    if times.size == 0:
        raise UsageError(f"{args.file}: no records")
    try:
        landmarks = (
            [float(x) for x in args.landmarks.split(",") if x.strip()] if args.landmarks else []
        )
    except ValueError as error:
        raise UsageError(
            f"--landmarks must be numbers separated by commas: {args.landmarks!r}"
        ) from error
    result = km_summary(times, events, landmarks=landmarks, convention=args.convention)
    print(json.dumps(result, indent=2))
    return 0


def _simon(args: argparse.Namespace) -> int:
    from oncocsr.stats.simon import search_designs

    try:
        designs = search_designs(args.p0, args.p1, args.alpha, args.power)
    except ValueError as error:
        raise UsageError(str(error)) from error
    keys = ("r1", "n1", "r", "n", "en0", "pet0")
    print(
        json.dumps(
            {name: {k: design.as_dict()[k] for k in keys} for name, design in designs.items()},
            indent=2,
        )
    )
    return 0


def _binom(args: argparse.Namespace) -> int:
    from oncocsr.stats.binomial import response_rate

    try:
        result = response_rate(args.responders, args.n, p0=args.p0)
    except ValueError as error:
        raise UsageError(str(error)) from error
    print(json.dumps(result, indent=2))
    return 0


def _git_commit() -> str:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def _find_config(cut: str) -> str:
    """The config that defines ``cut``: the bundled config/config.yaml or one study config of
    config/studies; more than one is an error (cut names are folder names under results/)."""
    from pathlib import Path

    from oncocsr.studyconfig import ConfigError, read_config

    candidates = [Path("config/config.yaml"), *sorted(Path("config/studies").glob("*.yaml"))]
    found = []
    for path in candidates:
        if not path.is_file():
            continue
        try:
            if cut in (read_config(path).get("cuts") or {}):
                found.append(str(path))
        except ConfigError as error:
            raise UsageError(str(error)) from error
    if len(found) != 1:
        where = ", ".join(found) if found else "config/config.yaml or config/studies/*.yaml"
        what = "several configs" if found else "no config"
        raise UsageError(f"cut {cut!r} is in {what} ({where}); name one with --config")
    return found[0]


def _locked_by() -> str:
    """Who re-locks: the git identity of the working copy, else the login name."""
    import getpass
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.email"], capture_output=True, text=True, check=True
        )
        if done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _lock(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from oncocsr.lock import LockError, build_lock, lock_path, refuse_relock, write_lock
    from oncocsr.lockhistory import committed_lock
    from oncocsr.studyconfig import ConfigError, read_config

    config_path = args.config or _find_config(args.cut)
    try:
        config = read_config(config_path)
    except ConfigError as error:
        raise UsageError(str(error)) from error
    cuts = config.get("cuts") or {}
    if args.cut not in cuts:
        known = ", ".join(map(str, cuts)) or "none"
        raise UsageError(f"cut {args.cut!r} is not in {config_path} (cuts: {known})")
    path = lock_path(args.cut, args.locks or config.get("locks") or "config/locks")
    # A lock deleted from the work tree but committed is still the one being replaced.
    previous = path.read_bytes() if path.is_file() else committed_lock(path)
    try:
        # Before hashing, so that a refused re-lock of a large snapshot answers at once.
        refuse_relock(path, args.cut, force=args.force)
        if previous is not None and not args.force:
            raise LockError(
                f"cut {args.cut} was locked in git ({path} at HEAD): a re-lock needs --force "
                "and --reason"
            )
        lock = build_lock(
            args.cut,
            cuts[args.cut],
            commit=_git_commit(),
            now=datetime.now(UTC),
            locked_by=_locked_by(),
            reason=args.reason,
            previous=previous,
        )
        write_lock(lock, path, force=True)
    except LockError as error:
        raise UsageError(str(error)) from error
    print(f"locked cut {args.cut}: {len(lock['files'])} files of {lock['snapshot']} -> {path}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from oncocsr.studyinit import InitError, init_study

    try:
        done = init_study(
            args.name,
            args.snapshot,
            cutoff=args.cutoff,
            force=args.force,
            commit=_git_commit(),
            now=datetime.now(UTC),
            locked_by=_locked_by(),
            reason=args.reason,
        )
    except (InitError, OSError) as error:
        raise UsageError(str(error)) from error
    print(f"wrote {done['config']} (study config: review every choice, each says what it found)")
    print(f"locked the snapshot -> {done['lock']}")
    for warning in done["warnings"]:
        print(f"  note: {warning}")
    print(f"next: {done['next']}")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    """Validate a study config as the workflow does at start. Snakemake parses a --configfile
    before any of the workflow's code runs, and reports invalid YAML without file, line or
    column (snakemake.common.configfile); this says where."""
    from oncocsr.studyconfig import ConfigError, load_study

    try:
        study = load_study(args.config)
        study.check_designs()
    except ConfigError as error:
        raise UsageError(str(error)) from error
    print(f"{args.config}: a valid study config (cuts: {', '.join(study.cuts)})")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from oncocsr.manifest import AuditError, verify_cut
    from oncocsr.signing import SignatureError

    try:
        checked, problems = verify_cut(args.results, certificate=args.certificate)
    except (AuditError, SignatureError) as error:
        raise UsageError(str(error)) from error
    for problem in problems:
        print(f"{problem.path}: {problem.message}")
    if not problems:
        print(f"{checked} files verified, all match")
        return 0
    print(f"{len(problems)} problems in {checked} files and links checked")
    if all(p.message.endswith("missing") for p in problems):
        print("(paths are relative to the workflow's directory: run verify from there)")
    return 1


def _trace(args: argparse.Namespace) -> int:
    from oncocsr.trace import AuditError, render, trace

    try:
        lineage = trace(args.target, args.results)
    except AuditError as error:
        raise UsageError(str(error)) from error
    print(json.dumps(lineage, indent=1, sort_keys=True) if args.json else render(lineage))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oncocsr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    simulate = commands.add_parser(
        "simulate",
        help="write a simulated SDTM snapshot (XPT v5 or CSV) of the bundled study (SAP.md)",
    )
    simulate.add_argument(
        "--subjects", type=int, required=True, help="number of treated subjects (all arms)"
    )
    simulate.add_argument(
        "--seed", type=int, required=True, help="random seed (same seed and options, same files)"
    )
    simulate.add_argument("--out", required=True, help="output directory for the SDTM files")
    simulate.add_argument("--quiet", action="store_true", help="no progress messages")
    simulate.add_argument(
        "--arms",
        type=int,
        choices=[1, 2, 3],
        default=1,
        help="1 (single arm) or 2, 3: randomised 1:1(:1) to IRI180, IRI120, PBO",
    )
    simulate.add_argument(
        "--grades",
        choices=["ctcae", "aesev"],
        default="ctcae",
        help="AE severity as CTCAE grade (AETOXGR) and AESEV, or AESEV only",
    )
    simulate.add_argument(
        "--no-consent",
        action="store_true",
        help="record no consent date (no DM.RFICDTC, no DS informed-consent milestone)",
    )
    simulate.add_argument(
        "--irecist", action="store_true", help="RS also holds iRECIST overall responses"
    )
    simulate.add_argument(
        "--ecog",
        choices=["rs", "qs", "none"],
        default="rs",
        help="baseline ECOG in RS, in QS, or not collected",
    )
    simulate.add_argument(
        "--format",
        choices=["xpt", "csv"],
        default="xpt",
        help="SAS transport v5, or CSV as R's readr::write_csv writes it",
    )
    simulate.add_argument(
        "--vitals",
        choices=["metric", "imperial", "none"],
        default="metric",
        help="baseline height and weight (VS) in cm and kg, in inches and pounds, or no VS",
    )
    simulate.add_argument(
        "--no-dd", action="store_true", help="no DD domain (cause of death not collected)"
    )
    simulate.set_defaults(handler=_simulate)

    km = commands.add_parser("km", help="Kaplan-Meier summary of a CSV file (JSON)")
    km.add_argument("file", help="CSV file with a time and an event column")
    km.add_argument("--time", required=True, help="time column (non-negative numbers)")
    km.add_argument("--event", required=True, help="event column: 1 = event, 0 = censored")
    km.add_argument("--landmarks", default="", help="landmark times, comma-separated (e.g. 6,12)")
    km.add_argument("--convention", choices=["sas", "r"], default="sas")
    km.set_defaults(handler=_km)

    simon = commands.add_parser("simon", help="optimal and minimax Simon two-stage designs (JSON)")
    simon.add_argument("--p0", type=float, required=True, help="response rate under H0")
    simon.add_argument("--p1", type=float, required=True, help="response rate under H1")
    simon.add_argument("--alpha", type=float, default=0.05, help="one-sided type I error")
    simon.add_argument("--power", type=float, default=0.80)
    simon.set_defaults(handler=_simon)

    binom = commands.add_parser("binom", help="response rate with exact CI and p-value (JSON)")
    binom.add_argument("--responders", type=int, required=True)
    binom.add_argument("--n", type=int, required=True)
    binom.add_argument("--p0", type=float, help="H0 response rate for the one-sided exact test")
    binom.set_defaults(handler=_binom)

    lock = commands.add_parser(
        "lock", help="record the sha256 of every file of a cut's snapshot in its lock file"
    )
    lock.add_argument(
        "--cut", required=True, type=_cut_name, help="data cut named in the config (cuts.NAME)"
    )
    lock.add_argument(
        "--config",
        help="the study config defining the cut (default: config/config.yaml or the one "
        "config/studies/*.yaml that defines it)",
    )
    lock.add_argument("--locks", help="folder of the lock files (default: the config's locks)")
    lock.add_argument(
        "--force", action="store_true", help="replace an existing lock (a deliberate re-lock)"
    )
    lock.add_argument(
        "--reason", help="why the snapshot is re-locked (required with --force; kept in the lock)"
    )
    lock.set_defaults(handler=_lock)

    init = commands.add_parser(
        "init",
        help="write config/studies/NAME.yaml and its lock from what an SDTM snapshot holds",
    )
    init.add_argument(
        "name", type=_cut_name, help="study (and cut) name: a folder name under results/"
    )
    init.add_argument("--snapshot", required=True, help="folder of the SDTM files")
    init.add_argument(
        "--cutoff", help="data cutoff date YYYY-MM-DD (default: the latest date in the data)"
    )
    init.add_argument(
        "--force", action="store_true", help="overwrite an existing study config and lock"
    )
    init.add_argument("--reason", help="why an existing lock is replaced (required then)")
    init.set_defaults(handler=_init)

    check_config = commands.add_parser(
        "check-config",
        help="validate a study config as the workflow does at start (YAML errors with line "
        "and column, which Snakemake's own message for a --configfile lacks)",
    )
    check_config.add_argument("config", help="the study config file, e.g. config/config.yaml")
    check_config.set_defaults(handler=_check_config)

    verify = commands.add_parser(
        "verify",
        help="check a cut against its manifest.json: every file re-hashed, every job's inputs "
        "against the outputs that made them, provenance, the lock trail and signatures (exit 1 "
        "on a problem)",
    )
    verify.add_argument("results", help="results folder of the cut, e.g. results/primary")
    verify.add_argument(
        "--certificate",
        help="the signer's certificate (PEM or DER) to trust: the cut must be signed by it",
    )
    verify.set_defaults(handler=_verify)

    trace = commands.add_parser(
        "trace", help="lineage of an ARD result_id or an output file, down to the raw data"
    )
    trace.add_argument("target", help="an ARD result_id or a path listed in provenance.json")
    trace.add_argument("--results", default="results/primary", help="results folder of the cut")
    trace.add_argument("--json", action="store_true", help="print the lineage as JSON")
    trace.set_defaults(handler=_trace)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "subjects", 1) < 1:
        print("error: --subjects must be at least 1", file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run() -> NoReturn:
    """``python -m oncocsr`` and the ``oncocsr`` command: main(), then exit without teardown.

    pyarrow's native thread pools can abort the interpreter's teardown after a command has
    finished ("terminate called without an active exception", exit -6; apache/arrow#34314), which
    CI saw once on ``trace``. Every command closes the files it writes, so the standard streams
    are flushed and the process exits without the teardown.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
