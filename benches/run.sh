#!/usr/bin/env bash
# The performance benchmark: indexing, the jieba-only limit, cold CLI queries next to grep,
# warm queries in one process, and an incremental re-run, on the news corpus.
#
#   benches/run.sh [CORPUS.jsonl.zst] [QUERIES]
#
# Defaults: ../shared/corpus/news.jsonl.zst and ../shared/bench/queries.txt. Needs hyperfine
# (Debian package `hyperfine`), zstd, python3 and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/news.jsonl.zst}
queries=${2:-../shared/bench/queries.txt}
for tool in hyperfine zstd python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/run.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
gonghui=$PWD/target/release/gonghui
zstd -dc "$corpus" > "$work/corpus.jsonl"
text_mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1]) / 1e6)" "$work/corpus.jsonl")

echo "== 1. indexing $corpus ($text_mb MB of text), default settings, $(nproc) cores"
/usr/bin/time -v "$gonghui" index --index "$work/index" "$corpus" > "$work/index.out" 2> "$work/index.time"
cat "$work/index.out"
wall=$(python3 - "$work/index.time" <<'PY'
import sys
for line in open(sys.argv[1]):
    if "Elapsed (wall clock)" in line:
        t = line.rsplit(" ", 1)[1].strip().split(":")
        print(sum(float(x) * 60 ** i for i, x in enumerate(reversed(t))))
PY
)
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/index.time")
index_bytes=$(du -sb "$work/index" | cut -f1)
python3 - "$text_mb" "$wall" "$rss_kb" "$index_bytes" <<'PY'
import sys
mb, wall, rss, size = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"indexing: {wall:.2f} s wall, {mb / wall:.1f} MB/s, peak RSS {rss / 1024:.0f} MiB, "
      f"index {size / 1e6:.1f} MB = {size / 1e6 / mb:.2f} x the text")
PY

echo "== 2. jieba-rs alone, search mode, all cores"
cargo bench --quiet --bench jieba_limit -- "$corpus" | tee "$work/limit.out"
python3 - "$text_mb" "$wall" "$work/limit.out" <<'PY'
import re, sys
mb, wall = float(sys.argv[1]), float(sys.argv[2])
limit = float(re.search(r"= ([0-9.]+) MB/s", open(sys.argv[3]).read()).group(1))
print(f"indexing / jieba-only limit = {mb / wall:.1f} / {limit:.1f} = {mb / wall / limit:.3f}")
PY

echo "== 3. cold CLI queries (process start to exit) next to grep -c, medians"
python3 - "$gonghui" "$work" "$queries" <<'PY'
import json, statistics, subprocess, sys
gonghui, work, queries = sys.argv[1:]
rows = []
for query in [q.strip() for q in open(queries, encoding="utf-8") if q.strip()]:
    out = f"{work}/hf.json"
    quoted = query.replace("'", "'\\''")
    # Output goes to a pipe, not /dev/null: GNU grep stops at the first match when its output
    # is /dev/null. -i: both exit with 1 when nothing matches.
    subprocess.run(["hyperfine", "-N", "-i", "--output", "pipe", "--warmup", "2", "--runs", "10",
                    "--export-json", out,
                    "--command-name", "gonghui", f"{gonghui} search '{quoted}' --index {work}/index",
                    "--command-name", "grep", f"grep -c -F '{quoted}' {work}/corpus.jsonl"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {r["command"]: r["median"] for r in json.load(open(out))["results"]}
    rows.append((query, results["gonghui"] * 1000, results["grep"] * 1000))
    print(f"  {query:24} gonghui {rows[-1][1]:7.2f} ms   grep {rows[-1][2]:7.2f} ms   ratio {rows[-1][1] / rows[-1][2]:.3f}")
g = statistics.median(r[1] for r in rows)
p = statistics.median(r[2] for r in rows)
worst = max(rows, key=lambda r: r[1] / r[2])
print(f"cold query: median over {len(rows)} queries gonghui {g:.2f} ms, grep {p:.2f} ms, ratio {g / p:.3f} "
      f"(worst {worst[1] / worst[2]:.3f}: {worst[0]})")
PY

echo "== 4. warm queries in one process"
cargo bench --quiet --bench warm_queries -- "$work/index" "$queries"

echo "== 5. a second index run over the unchanged corpus"
/usr/bin/time -f "second run: %e s wall, peak RSS %M KB" "$gonghui" index --index "$work/index" "$corpus" | tail -1
