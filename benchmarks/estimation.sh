#!/usr/bin/env bash
# Time all estimation (every ARD rule and the combined ARD) of a large simulated study (default
# 100,000 treated subjects) with snakemake --cores 2; ingestion, checks and ADaM run first,
# untimed. Run by hand from the repository root: bash benchmarks/estimation.sh [SUBJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
subjects=${1:-100000}
# shellcheck source=benchmarks/snapshot.sh
. benchmarks/snapshot.sh
adam=$(printf 'results/bench/adam/%s.parquet ' adsl adrs adtr adtte adae adex)
# shellcheck disable=SC2086
snakemake $adam --cores 2 --quiet --configfile "$work/bench.yaml" >/dev/null 2>&1
/usr/bin/time -v snakemake results/bench/ard/ard.parquet --cores 2 --configfile "$work/bench.yaml" \
  >/dev/null 2>"$work/time.txt" || { tail -40 "$work/time.txt"; exit 1; }
echo "estimation (all ARD) of $subjects treated subjects, snakemake --cores 2:"
grep -E "Elapsed \(wall clock\)|User time|System time|Maximum resident" "$work/time.txt" | sed 's/^\s*/    /'
