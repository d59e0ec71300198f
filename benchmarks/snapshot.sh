# Sourced by the benchmark scripts: a clone of the committed tree (clone.sh), a simulated
# snapshot of $subjects treated subjects, a config whose cut "bench" points at it, and that
# snapshot's data lock (every run checks it first). Leaves the shell in the clone.
# shellcheck source=benchmarks/clone.sh
. benchmarks/clone.sh
python -m oncocsr simulate --subjects "$subjects" --seed 2 --out "$work/sdtm" --quiet >/dev/null
cutoff=$(python -c "import json,sys; print(json.load(open(sys.argv[1]))['cutoff'])" "$work/sdtm/simulation.json")
printf 'cuts:\n  bench:\n    snapshot: %s\n    cutoff: "%s"\n' "$work/sdtm" "$cutoff" > "$work/bench.yaml"
python -m oncocsr lock --cut bench --config "$work/bench.yaml" >/dev/null
