"""Per-rule job times of the last Snakemake run in this folder, from .snakemake/metadata:
jobs, summed and longest wall time, and when the rule's first job started (seconds from the
run's first job). Run by the benchmark scripts: python benchmarks/jobs.py [--since EPOCH]"""

import argparse
import json
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--since", type=float, default=0.0, help="only jobs started after this time")
args = parser.parse_args()
jobs = {}
for path in Path(".snakemake/metadata").iterdir():
    record = json.loads(path.read_text())
    if record.get("starttime") and record["starttime"] >= args.since:
        # One record per output file; the job hash names the job.
        jobs[(record["rule"], record["job_hash"])] = (
            record["starttime"],
            record["endtime"] - record["starttime"],
        )
if jobs:
    start = min(started for started, _ in jobs.values())
    rules = {}
    for (rule, _), (started, seconds) in jobs.items():
        rules.setdefault(rule, []).append((started - start, seconds))
    print(f"{'rule':<16} {'jobs':>4} {'sum s':>7} {'max s':>7} {'start s':>8}")
    for rule, runs in sorted(rules.items(), key=lambda item: min(item[1])[0]):
        times = [seconds for _, seconds in runs]
        first = min(started for started, _ in runs)
        print(f"{rule:<16} {len(runs):>4} {sum(times):>7.1f} {max(times):>7.1f} {first:>8.1f}")
