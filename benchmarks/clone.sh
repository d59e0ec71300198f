# Sourced by the benchmark scripts: a clone of the committed tree in a temporary folder, so that
# the figures belong to a commit, and report() to print GNU time -v's main figures. Leaves the
# shell in the clone, with $work set (removed on exit).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/repo"
cd "$work/repo"
report() { grep -E "Elapsed \(wall clock\)|User time|System time|Maximum resident" "$1" | sed 's/^\s*/    /'; }
