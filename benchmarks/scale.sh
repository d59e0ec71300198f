#!/usr/bin/env bash
# Time a simulated study of N treated subjects (default 100,000) end to end, from the locked
# SDTM snapshot to the CSR, with snakemake --cores 2 (one job per core of the 2-core machine):
# wall, CPU, the largest process and the peak summed memory of concurrent jobs, and each rule's
# job times. The simulation and the lock are not timed.
# Run by hand from the repository root: bash benchmarks/scale.sh [SUBJECTS]
set -euo pipefail
cd "$(dirname "$0")/.."
subjects=${1:-100000}
# shellcheck source=benchmarks/snapshot.sh
. benchmarks/snapshot.sh
sample_memory
/usr/bin/time -v snakemake results/bench/csr.pdf --cores 2 --configfile "$work/bench.yaml" >/dev/null 2>"$work/time.txt" \
  || { kill "$sampler"; tail -40 "$work/time.txt"; exit 1; }
echo "$subjects treated subjects ($(du -sh "$work/sdtm" | cut -f1) of XPT) end to end, snakemake --cores 2:"
report "$work/time.txt"; stop_sampling; jobs
