#!/usr/bin/env bash
# Time all ADaM derivations of a large simulated study (default 100,000 treated subjects) with
# snakemake --cores 2, after ingestion and checks (not timed). Besides GNU time (largest single
# process), a sampler records the peak of the summed resident memory of all running jobs.
# Run by hand from the repository root: bash benchmarks/adam.sh [SUBJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
subjects=${1:-100000}
# shellcheck source=benchmarks/snapshot.sh
. benchmarks/snapshot.sh
snakemake results/bench/checks/gate.json --cores 2 --quiet --configfile "$work/bench.yaml" >/dev/null 2>&1
targets=$(printf 'results/bench/adam/%s.parquet ' adsl adrs adtr adtte adae adex)
sample_memory
# shellcheck disable=SC2086
/usr/bin/time -v snakemake $targets --cores 2 --configfile "$work/bench.yaml" >/dev/null 2>"$work/time.txt" \
  || { kill "$sampler"; tail -40 "$work/time.txt"; exit 1; }
echo "ADaM (ADSL, ADRS, ADTR, ADTTE, ADAE, ADEX) of $subjects treated subjects, snakemake --cores 2:"
report "$work/time.txt"; stop_sampling
