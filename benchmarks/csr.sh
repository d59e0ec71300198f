#!/usr/bin/env bash
# Time the rendering of the bundled study's CSR alone (rule csr: templates, figures, PDF/A-3b),
# after the rest of the pipeline has run, and the listing appendices beside it.
# Run by hand from the repository root: bash benchmarks/csr.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/clone.sh
. benchmarks/clone.sh
snakemake --cores 4 --quiet all >/dev/null
for run in 1 2 3; do
  /usr/bin/time -v snakemake --cores 1 --quiet --forcerun csr results/primary/csr.pdf \
    >/dev/null 2>"$work/csr.txt"
  echo "csr, run $run (snakemake start-up included):"; report "$work/csr.txt"
  echo "    csr job alone: $(grep -h 'Elapsed time' .snakemake/log/*.log | tail -1 | sed 's/.*: //')"
  python -c "import sys; from pypdf import PdfReader; print('    pages:', len(PdfReader(sys.argv[1]).pages))" results/primary/csr.pdf 2>/dev/null || true
done
/usr/bin/time -v snakemake --cores 4 --quiet --forcerun tlf_listing csr results/primary/csr.pdf \
  >/dev/null 2>"$work/all.txt"
echo "four listing appendices and the CSR (snakemake --cores 4):"; report "$work/all.txt"
