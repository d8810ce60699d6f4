#!/usr/bin/env bash
# `import gonghui` against the Rust library, in one run: warm top-10 queries with highlights
# through Python (benches/python_warm.py) and through the library (benches/warm_queries.rs),
# alternated ROUNDS times; then every match of 的 streamed through Index.search_iter, its
# peak RSS by GNU time.
#
#   benches/python.sh INDEX [QUERIES...]
#
# INDEX is a gonghui index (the full news index for the README's figures); QUERIES default
# to ../shared/bench/queries.txt and the judged queries of ../shared/eval/queries.tsv. PYTHON
# is a Python with the package installed (default: python3). Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: benches/python.sh INDEX [QUERIES...]}
shift
python=${PYTHON:-python3}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
benches/queries.sh "$@" > "$work/queries.txt"
cargo build --release --quiet --bench warm_queries
"$python" -c 'import gonghui' || { echo "install the package first: pip install ./python" >&2; exit 2; }

echo "== warm top 10 with highlights, $(wc -l < "$work/queries.txt") queries, $rounds runs of each, alternated"
for run in $(seq "$rounds"); do
  printf 'rust    %s\n' "$(cargo bench --quiet --bench warm_queries -- "$index" "$work/queries.txt" 2>/dev/null)"
  printf 'python  %s\n' "$("$python" benches/python_warm.py "$index" "$work/queries.txt")"
done

echo "== every match of 的 through Index.search_iter"
/usr/bin/time -v "$python" -c '
import sys, time, gonghui
ix = gonghui.Index.open(sys.argv[1])
started = time.perf_counter()
hits = ix.search_iter("的")
first = next(hits)
first_ms = (time.perf_counter() - started) * 1000
taken = 1 + sum(1 for _ in hits)
print(f"{taken} hits of {hits.total}: first {first_ms:.0f} ms, all {time.perf_counter() - started:.2f} s")
' "$index" 2> "$work/time.txt"
grep -E "Maximum resident" "$work/time.txt"
