#!/usr/bin/env bash
# Streaming and steady latency (a benchmark, not a test): exporting every match of a frequent
# term with `-n 0`, and warm top-10 latency on the judged queries.
#
#   benches/streaming.sh INDEX [BASELINE_GONGHUI [BASELINE_INDEX]]
#
# INDEX is a built index (e.g. `gonghui index ../shared/corpus/news.jsonl.zst --index DIR`).
# For `search 的 --json -n 0` it reports the time to the first hit line and to the end
# (medians of ROUNDS runs, default 5) and the peak RSS (GNU time); with BASELINE_GONGHUI (another
# build's binary) the same figures for it, in the same run, on BASELINE_INDEX (default INDEX)
# when the two builds' index formats differ. Then the warm latency of the
# judged queries of ../shared/eval in one process (benches/warm_queries.rs). Needs python3 and
# GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: benches/streaming.sh INDEX [BASELINE_GONGHUI [BASELINE_INDEX]]}
baseline=${2:-}
baseline_index=${3:-$index}
rounds=${ROUNDS:-5}
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/streaming.sh needs $tool" >&2; exit 2; }
done
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export_every_match() {
  local gonghui=$1 label=$2 index=$3
  # The lines are the hits and the summary.
  python3 benches/first_line.py "$rounds" "$label" \
    "$gonghui" search 的 --json -n 0 --index "$index"
  /usr/bin/time -f "%M" "$gonghui" search 的 --json -n 0 --index "$index" 2> "$work/rss" > /dev/null
  echo "$label: peak RSS $(( $(tail -1 "$work/rss") / 1024 )) MiB"
}

echo "== search 的 --json -n 0 (every match, streamed)"
export_every_match target/release/gonghui "this build" "$index"
if [ -n "$baseline" ]; then
  export_every_match "$baseline" "baseline" "$baseline_index"
fi

echo "== warm top-10 with highlights, judged queries"
cut -f2 ../shared/eval/queries.tsv > "$work/judged.txt"
cargo bench --quiet --bench warm_queries -- "$index" "$work/judged.txt"
