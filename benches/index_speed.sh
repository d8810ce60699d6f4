#!/usr/bin/env bash
# Indexing speed, size and memory of gonghui beside a plain tantivy + tantivy-jieba indexer
# (examples/plain_indexer.rs), in one run, then gonghui on the corpus repeated ten times.
#
#   benches/index_speed.sh [CORPUS.jsonl.zst] [RUNS] [TIMES]
#
# Defaults: ../shared/corpus/news.jsonl.zst, 3 runs of each indexer (alternating, medians
# quoted), a corpus repeated 10 times with new ids (TIMES=0 skips it). Needs zstd, python3
# and GNU time (/usr/bin/time). The machine may be shared: compare the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/news.jsonl.zst}
runs=${2:-3}
times=${3:-10}
for tool in zstd python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/index_speed.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin gonghui --example plain_indexer
gonghui=$PWD/target/release/gonghui
plain=$PWD/target/release/examples/plain_indexer

# The passage text: non-empty body lines, as both indexers index them.
text_mb() {
  zstd -dc "$1" | python3 -c '
import json, sys
total = 0
for line in sys.stdin:
    for para in (json.loads(line).get("body") or "").split("\n"):
        total += len(para.strip().encode())
print(total / 1e6)'
}

# Runs a command under GNU time; prints "wall_seconds peak_rss_kb".
timed() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
  cat "$work/time"
}

mb=$(text_mb "$corpus")
echo "== $corpus: $mb MB of passage text, $(nproc) cores, $runs runs of each"
: > "$work/runs"
for run in $(seq "$runs"); do
  rm -rf "$work/plain"
  read -r wall rss < <(timed "$plain" "$corpus" "$work/plain")
  echo "plain $wall $rss $(du -sb "$work/plain" | cut -f1)" | tee -a "$work/runs"
  read -r wall rss < <(timed "$gonghui" index --index "$work/gonghui" --rebuild "$corpus")
  echo "gonghui $wall $rss $(du -sb "$work/gonghui" | cut -f1)" | tee -a "$work/runs"
done
python3 - "$mb" "$work/runs" > "$work/summary" <<'PY'
import statistics, sys
mb, rows = float(sys.argv[1]), [line.split() for line in open(sys.argv[2])]
med = {}
for name in ("plain", "gonghui"):
    mine = [r for r in rows if r[0] == name]
    med[name] = [statistics.median(float(r[i]) for r in mine) for i in (1, 2, 3)]
    wall, rss, size = med[name]
    print(f"{name:8} {wall:6.2f} s  {mb / wall:5.1f} MB/s  index {size / 1e6:6.1f} MB = "
          f"{size / 1e6 / mb:.2f} x the text  peak RSS {rss / 1024:5.0f} MiB")
g, p = med["gonghui"], med["plain"]
print(f"gonghui / plain: time {g[0] / p[0]:.2f}, size {g[2] / p[2]:.2f}, peak RSS {g[1] / p[1]:.2f}")
print(f"MBPS {mb / g[0]}")
PY
grep -v MBPS "$work/summary"
mbps=$(awk '/^MBPS/ {print $2}' "$work/summary")

[ "$times" -gt 0 ] || exit 0
echo "== the corpus $times times, new ids (gonghui, one run)"
# Streamed, never decompressed whole: copy k of an article gets the id "rK-ID".
for k in $(seq 0 $((times - 1))); do
  zstd -dc "$corpus" | python3 -c '
import json, sys
prefix = "r" + sys.argv[1] + "-"
for line in sys.stdin:
    if line.startswith("{\"id\": \""):
        sys.stdout.write(line.replace("{\"id\": \"", "{\"id\": \"" + prefix, 1))
    else:
        record = json.loads(line)
        record["id"] = prefix + str(record.get("id"))
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")' "$k"
done | zstd -q -1 -o "$work/big.jsonl.zst"
rm -rf "$work/gonghui"
read -r wall rss < <(timed "$gonghui" index --index "$work/gonghui" "$work/big.jsonl.zst")
python3 - "$mb" "$times" "$wall" "$rss" "$mbps" "$(du -sb "$work/gonghui" | cut -f1)" <<'PY'
import sys
mb, times, wall, rss, mbps, size = map(float, sys.argv[1:])
print(f"{times:.0f}x: {mb * times:.0f} MB in {wall:.1f} s = {mb * times / wall:.1f} MB/s "
      f"({mb * times / wall / mbps:.2f} x the 1x {mbps:.1f} MB/s), peak RSS {rss / 1024:.0f} MiB, "
      f"index {size / 1e6:.0f} MB = {size / 1e6 / mb / times:.2f} x the text")
PY
