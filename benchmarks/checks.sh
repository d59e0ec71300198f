#!/usr/bin/env bash
# Time ingestion and data checks of a large simulated snapshot (default 100,000 treated subjects)
# with snakemake --cores 2, up to the checks gate. Run by hand from the repository root:
#   bash benchmarks/checks.sh [SUBJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
subjects=${1:-100000}
# shellcheck source=benchmarks/snapshot.sh
. benchmarks/snapshot.sh
/usr/bin/time -v snakemake results/bench/checks/gate.json --cores 2 --configfile "$work/bench.yaml" \
  >/dev/null 2>"$work/time.txt" || { tail -40 "$work/time.txt"; exit 1; }
echo "ingest + checks of $subjects treated subjects ($(du -sh "$work/sdtm" | cut -f1) of XPT), snakemake --cores 2:"
grep -E "Elapsed \(wall clock\)|User time|System time|Maximum resident" "$work/time.txt" | sed 's/^\s*/    /'
