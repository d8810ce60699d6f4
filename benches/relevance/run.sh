#!/usr/bin/env bash
# The relevance benchmark: the judged queries of ../shared/eval through `gonghui search
# --queries … --json` on the full news index, scored by the judged set's own score.py with its
# grades plus ours (qrels-extra.tsv beside this script), next to the peers' runs.
#
#   benches/relevance/run.sh [INDEX_DIR]
#
# Without INDEX_DIR the news corpus is indexed into target/relevance-index first (kept for the
# next run; delete it after changing the analysis). Needs python3 and zstd (score.py reads the
# corpus to map passages to its lines).
set -euo pipefail
cd "$(dirname "$0")/../.."
eval_dir=../shared/eval
corpus=../shared/corpus/news.jsonl.zst
index=${1:-target/relevance-index}
for need in "$eval_dir/score.py" "$corpus"; do
  [ -e "$need" ] || { echo "benches/relevance/run.sh needs $need" >&2; exit 2; }
done

cargo build --release --quiet
gonghui=target/release/gonghui
if [ ! -e "$index/meta.json" ]; then
  "$gonghui" index --index "$index" "$corpus"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cut -f2 "$eval_dir/queries.tsv" > "$work/queries.txt"
# The judged set's grades, then ours for passages it had not judged (never a change of grade).
cat "$eval_dir/qrels.tsv" <(grep -v '^qid' benches/relevance/qrels-extra.tsv) > "$work/qrels.tsv"
"$gonghui" search --queries "$work/queries.txt" --json -n 10 --index "$index" > "$work/run.jsonl"

echo "== gonghui, per query"
python3 "$eval_dir/score.py" "$work/run.jsonl" --qrels "$work/qrels.tsv"
echo "== the peers, with the same grades"
for peer in "$eval_dir"/runs/*.jsonl; do
  printf '%-28s ' "$(basename "$peer" .jsonl)"
  python3 "$eval_dir/score.py" "$peer" --qrels "$work/qrels.tsv" --quiet
done
echo "== unjudged hits in gonghui's top 10 (judge them blind with $eval_dir/RUBRIC.md)"
python3 "$eval_dir/pool_new.py" "$work/run.jsonl" --qrels "$work/qrels.tsv" | tail -1
