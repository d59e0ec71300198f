# Sourced by the benchmark scripts: a clone of the committed tree (clone.sh), a simulated
# snapshot of $subjects treated subjects, a study config whose one cut "bench" points at it (the
# bundled study's config with its cuts replaced: a study config is complete in itself), and that
# snapshot's data lock (every run checks it first). Leaves the shell in the clone.
# shellcheck source=benchmarks/clone.sh
. benchmarks/clone.sh
python -m oncocsr simulate --subjects "$subjects" --seed 2 --out "$work/sdtm" --quiet >/dev/null
cutoff=$(python -c "import json,sys; print(json.load(open(sys.argv[1]))['cutoff'])" "$work/sdtm/simulation.json")
python - "$work/sdtm" "$cutoff" "$work/bench.yaml" <<'PY'
import sys

import yaml

config = yaml.safe_load(open("config/config.yaml", encoding="utf-8"))
config["cuts"] = {"bench": {"snapshot": sys.argv[1], "cutoff": sys.argv[2]}}
yaml.safe_dump(config, open(sys.argv[3], "w", encoding="utf-8"), sort_keys=False)
PY
python -m oncocsr lock --cut bench --config "$work/bench.yaml" >/dev/null
