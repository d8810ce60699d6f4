#!/usr/bin/env bash
# The benchmarks' queries, one a line, blank lines dropped: the files given, or by default
# ../shared/bench/queries.txt and the judged queries of ../shared/eval/queries.tsv.
#
#   benches/queries.sh [FILE...] > queries.txt
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  cat "$@"
else
  cat ../shared/bench/queries.txt
  cut -f2 ../shared/eval/queries.tsv
fi | sed '/^[[:space:]]*$/d'
