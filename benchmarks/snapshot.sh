# Sourced by the benchmark scripts: a clone of the committed tree in a temporary folder, a
# simulated snapshot of $subjects treated subjects and a config whose cut "bench" points at it.
# Leaves the shell in the clone, with $work set (removed on exit).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/repo"
python -m oncocsr simulate --subjects "$subjects" --seed 2 --out "$work/sdtm" --quiet >/dev/null
cutoff=$(python -c "import json,sys; print(json.load(open(sys.argv[1]))['cutoff'])" "$work/sdtm/simulation.json")
printf 'cuts:\n  bench:\n    snapshot: %s\n    cutoff: "%s"\n' "$work/sdtm" "$cutoff" > "$work/bench.yaml"
cd "$work/repo"
