# Sourced by the benchmark scripts: a clone of the committed tree in a temporary folder, so that
# the figures belong to a commit; report() prints GNU time -v's main figures, jobs() the time of
# each rule's jobs (from Snakemake's metadata), and sample_memory/stop_sampling the peak of the
# summed resident memory of all running jobs. Leaves the shell in the clone, with $work set
# (removed on exit).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/repo"
cd "$work/repo"
report() { grep -E "Elapsed \(wall clock\)|User time|System time|Maximum resident" "$1" | sed 's/^\s*/    /'; }
jobs() { python benchmarks/jobs.py "$@" | sed 's/^/    /'; }
sample_memory() {
  echo 0 > "$work/peak.txt"
  ( peak=0; while sleep 0.2; do
      total=$(ps -eo rss=,args= | awk '/snakemake\/scripts/ {s += $1} END {print s + 0}')
      [ "$total" -gt "$peak" ] && peak=$total && echo "$peak" > "$work/peak.txt"
    done ) &
  sampler=$!
}
stop_sampling() {
  kill "$sampler"
  echo "    Peak summed RSS of concurrent jobs (kbytes): $(cat "$work/peak.txt")"
}
