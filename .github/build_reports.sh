#!/usr/bin/env bash
# Build the bundled study, then every study config (config/studies/*.yaml) whose snapshots are in
# the checkout: a study config is complete in itself, so each is a run of its own.
set -euo pipefail
snakemake --cores 4
for config in config/studies/*.yaml; do
  [ -e "$config" ] || continue
  if python - "$config" <<'PY'
import os
import sys

from oncocsr.studyconfig import load_study

study = load_study(sys.argv[1])
sys.exit(0 if all(os.path.isdir(study.cut(cut)["snapshot"]) for cut in study.cuts) else 1)
PY
  then
    snakemake --cores 4 --configfile "$config"
  fi
done
