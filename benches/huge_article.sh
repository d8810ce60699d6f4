#!/usr/bin/env bash
# A scraped page without line breaks: news bodies joined into one JSON Lines record of one
# paragraph, indexed alone. Prints the peak memory and time of indexing it, the passages
# made and the longest one (README, "Passages").
#
#   benches/huge_article.sh [CORPUS.jsonl.zst] [MB] [GONGHUI]
#
# Defaults: ../shared/corpus/news.jsonl.zst, 20 MB, target/release/gonghui (built first).
# Needs zstd, python3 and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/news.jsonl.zst}
mb=${2:-20}
gonghui=${3:-}
for tool in zstd python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/huge_article.sh needs $tool" >&2; exit 2; }
done
if [ -z "$gonghui" ]; then
  cargo build --release --quiet
  gonghui=$PWD/target/release/gonghui
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zstd -dc "$corpus" | python3 -c '
import json, sys
limit = int(float(sys.argv[1]) * 1e6)
body, size = [], 0
for line in sys.stdin:
    # Read on to the end: zstd, cut off, would fail the pipeline.
    if size < limit:
        text = "".join(json.loads(line)["body"].split())
        body.append(text)
        size += len(text.encode())
record = {"id": "huge-1", "title": "一行的网页", "source": "测试", "date": "2021-01-01",
          "url": "", "body": "".join(body)}
print(json.dumps(record, ensure_ascii=False))
' "$mb" > "$work/huge.jsonl"
bytes=$(stat -c %s "$work/huge.jsonl")
echo "input: $work/huge.jsonl, $bytes bytes, one line, one paragraph"

/usr/bin/time -v "$gonghui" index --index "$work/index" --rebuild "$work/huge.jsonl" \
  > "$work/index.out" 2> "$work/index.time"
"$gonghui" stats --json --index "$work/index" > "$work/stats.json"
# 的 is in every few hundred characters of news text: every passage of the page matches it.
"$gonghui" search 的 -n 0 --json --index "$work/index" > "$work/hits.jsonl"
python3 - "$work/index.time" "$work/stats.json" "$work/hits.jsonl" <<'PY'
import json, sys
times, stats, hits = sys.argv[1:]
figures = {}
for line in open(times):
    key, _, value = line.strip().rpartition(": ")
    figures[key] = value
wall = figures["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(figures["Maximum resident set size (kbytes)"]) / 1024
passages = json.load(open(stats))["passages"]
lengths = [len(h["passage"]["text"]) for h in map(json.loads, open(hits)) if h["type"] == "hit"]
print(f"indexing: {seconds:.1f} s wall, peak RSS {rss:.0f} MiB; {passages} passages; "
      f"matching 的: {len(lengths)}, longest {max(lengths, default=0)} characters")
PY
