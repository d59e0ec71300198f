"""Command-line entry point: ``python -m oncocsr <command>``."""

from __future__ import annotations

import argparse
import json
import sys


def _simulate(args: argparse.Namespace) -> int:
    from oncocsr.simulate import run

    meta = run(args.subjects, args.seed, args.out, quiet=args.quiet)
    print(
        json.dumps({key: meta[key] for key in ("screened_subjects", "cutoff", "truth")}, indent=2)
    )
    return 0


class UsageError(Exception):
    """A bad argument or input file: reported on one line with exit status 2."""


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oncocsr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    simulate = commands.add_parser(
        "simulate", help="write a simulated SDTM snapshot (XPT v5) of the irinotecan study"
    )
    simulate.add_argument("--subjects", type=int, required=True, help="number of treated subjects")
    simulate.add_argument(
        "--seed", type=int, required=True, help="random seed (same seed, same files)"
    )
    simulate.add_argument("--out", required=True, help="output directory for the .xpt files")
    simulate.add_argument("--quiet", action="store_true", help="no progress messages")
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
