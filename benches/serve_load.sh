#!/usr/bin/env bash
# Load benchmark of `gonghui serve` (not a test): 32 concurrent clients for 20 s on loopback,
# mixed queries with highlights and facets, by wrk. Reports throughput, latency percentiles,
# errors and the server's peak memory.
#
#   benches/serve_load.sh INDEX [QUERIES...]
#
# INDEX is a built index (e.g. `gonghui index ../shared/corpus/news.jsonl.zst --index DIR`);
# QUERIES are files of one query per line (default ../shared/bench/queries.txt and the second
# column of ../shared/eval/queries.tsv). Needs wrk (Debian package `wrk`), python3 and GNU
# time (/usr/bin/time). CLIENTS and SECONDS_RUN override 32 clients and 20 seconds; GONGHUI
# names another build to serve (to compare with the one before), SERVE_ARGS adds to its
# arguments (`--ranked-cache 0` ranks every request afresh). INDEX_DURING=FILE also runs
# `gonghui index FILE` into the same index once the load has started (the index changes: use
# a copy), and reports how long it took beside the load.
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: benches/serve_load.sh INDEX [QUERIES...]}
shift
clients=${CLIENTS:-32}
seconds=${SECONDS_RUN:-20}
for tool in wrk python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/serve_load.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill -INT "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
benches/queries.sh "$@" > "$work/queries.txt"
if [ -z "${GONGHUI:-}" ]; then
  cargo build --release --quiet
fi
gonghui=${GONGHUI:-target/release/gonghui}
# shellcheck disable=SC2086 # SERVE_ARGS is words
/usr/bin/time -v "$gonghui" serve --index "$index" --addr 127.0.0.1:0 ${SERVE_ARGS:-} \
  2> "$work/server.log" &
time_pid=$!
for _ in $(seq 600); do
  grep -q "at http://" "$work/server.log" && break
  sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$work/server.log" | head -1)
server=$(ps -o pid= --ppid "$time_pid" | tr -d ' ')

# The requests: every query plain, on page 3, newest first, within 2020–2021 and one passage
# per article; each answer carries highlights and facets. Each is checked to answer 200 (and
# so warms the index) before the run.
python3 - "$work/queries.txt" "$base" > "$work/requests.lua" <<'PY'
import sys, urllib.parse, urllib.request
queries = [q.strip() for q in open(sys.argv[1], encoding="utf-8") if q.strip()]
variants = [{}, {"offset": "20"}, {"sort": "-date"},
            {"from": "2020-01-01", "to": "2021-12-31"}, {"per_article": "1"}]
paths = []
for q in queries:
    for extra in variants:
        path = "/api/search?" + urllib.parse.urlencode({"q": q, **extra})
        with urllib.request.urlopen(sys.argv[2] + path) as answer:
            assert answer.status == 200, path
        paths.append(path)
print("paths = {")
for p in paths:
    print(f'  "{p}",')
print("}")
print("""
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
""")
PY
requests=$(grep -c '"/api' "$work/requests.lua")
echo "== gonghui serve: $clients clients, $seconds s, $requests distinct requests from $(wc -l < "$work/queries.txt") queries, $(nproc) cores"
indexing=""
if [ -n "${INDEX_DURING:-}" ]; then
  ( sleep 2; /usr/bin/time -f "index run beside the load: %e s" "$gonghui" index --index "$index" \
      "$INDEX_DURING" > "$work/index.log" 2>&1 ) &
  indexing=$!
fi
wrk -t"$(( clients < 2 ? clients : 2 ))" -c"$clients" -d"${seconds}s" --latency -s "$work/requests.lua" "$base" | tee "$work/wrk.txt"
if [ -n "$indexing" ]; then
  wait "$indexing" || true
  grep -E "^(indexed|index run)" "$work/index.log" || cat "$work/index.log"
fi
kill -INT "$server"
wait "$time_pid" || true
server=""
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/server.log")
errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$work/wrk.txt")
echo "errors (non-2xx and socket): $errors"
echo "server peak RSS: $((rss_kb / 1024)) MiB"
