#!/usr/bin/env bash
# The research tools on a built index (a benchmark, not a test):
#
#   benches/research.sh INDEX
#
# `trend 农民工 新就业形态` (by passages; by articles and month) and `collocates 劳模`, process
# start to exit (hyperfine, ROUNDS runs, default 20); `kwic 的` as JSON Lines: the time to its
# first line and to its end (medians of ROUNDS) and its peak RSS (GNU time). Needs hyperfine,
# python3 and /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
index=${1:?usage: benches/research.sh INDEX}
rounds=${ROUNDS:-20}
for tool in hyperfine python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "benches/research.sh needs $tool" >&2; exit 2; }
done
cargo build --release --quiet
gonghui=target/release/gonghui

hyperfine -N --warmup 3 --runs "$rounds" \
  "$gonghui trend 农民工 新就业形态 --index $index" \
  "$gonghui trend 农民工 新就业形态 --per articles --by month --index $index" \
  "$gonghui collocates 劳模 --index $index"

echo "== kwic 的 --json (every occurrence, streamed)"
python3 benches/first_line.py 5 "kwic 的" "$gonghui" kwic 的 --json --index "$index"
/usr/bin/time -f "peak RSS %M KiB" "$gonghui" kwic 的 --json --index "$index" > /dev/null
