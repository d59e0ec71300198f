#!/usr/bin/env bash
# One adverse event record changes in the bundled snapshot (its grade, 1 -> 2), the data manager
# re-locks the cut, and the study reruns: time it, list the rules that ran, and check that each
# of them is downstream of the AE domain (what --forcerun of the cut AE file would rerun).
# Run by hand from the repository root: bash benchmarks/incremental.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/clone.sh
. benchmarks/clone.sh
snakemake --cores 4 --quiet all >/dev/null 2>&1
downstream=$(snakemake -n --nocolor --forcerun results/primary/sdtm/ae.parquet all 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' | tr -d '\r' \
  | awk '/^job +count/ {on = 1; next} NF == 0 {on = 0} on && $1 !~ /^(total|all|-+)$/ {print $1}' | sort -u)
snapshot=$(python -c "import yaml; print(yaml.safe_load(open('config/config.yaml'))['cuts']['primary']['snapshot'])")
python - "$snapshot/ae.xpt" <<'PY'
import sys

import pyreadstat

path = sys.argv[1]
ae, meta = pyreadstat.read_xport(path)
row = ae.index[ae["AETOXGR"] == "1"][0]
ae.loc[row, "AETOXGR"] = "2"
print(f"    changed {path}: USUBJID={ae.at[row, 'USUBJID']} AESEQ={ae.at[row, 'AESEQ']:g} AETOXGR 1 -> 2")
pyreadstat.write_xport(
    ae, path, file_format_version=5, table_name=meta.table_name,
    file_label=meta.file_label, column_labels=meta.column_labels,
)
PY
python -m oncocsr lock --cut primary --force >/dev/null
since=$(date +%s)
/usr/bin/time -v snakemake --cores 4 all >"$work/run.txt" 2>"$work/time.txt" || { tail -40 "$work/time.txt"; exit 1; }
echo "rerun after one AE record changed and a re-lock (snakemake --cores 4):"; report "$work/time.txt"
jobs --since "$since"
ran=$(python benchmarks/jobs.py --since "$since" | awk 'NR > 1 {print $1}' | sort)
outside=$(comm -23 <(echo "$ran") <(echo "$downstream"))
echo "    rules that ran: $(echo $ran)"
echo "    rules downstream of the AE domain that did not run: $(comm -13 <(echo "$ran") <(echo "$downstream") | tr '\n' ' ')"
[ -z "$outside" ] || { echo "    rules that ran but do not depend on AE: $outside"; exit 1; }
echo "    every rule that ran depends on the AE domain"
