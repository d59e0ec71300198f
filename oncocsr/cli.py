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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "subjects", 1) < 1:
        print("error: --subjects must be at least 1", file=sys.stderr)
        return 2
    return args.handler(args)
