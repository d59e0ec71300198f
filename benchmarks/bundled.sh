#!/usr/bin/env bash
# Time the bundled study from clean and a no-op rerun (wall, CPU, peak memory via GNU time), and
# show each rule's job times. Run by hand from the repository root: bash benchmarks/bundled.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/clone.sh
. benchmarks/clone.sh
/usr/bin/time -v snakemake --cores 4 --quiet all >/dev/null 2>"$work/clean.txt" || { cat "$work/clean.txt"; exit 1; }
echo "bundled study from clean (snakemake --cores 4):"; report "$work/clean.txt"; jobs
/usr/bin/time -v snakemake --cores 4 --quiet all >/dev/null 2>"$work/noop.txt"
echo "no-op rerun:"; report "$work/noop.txt"
