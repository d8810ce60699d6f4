#!/usr/bin/env python3
"""Fits the weights of gonghui's ranking (src/rank/mod.rs, `WEIGHTS`) to the judged queries,
and measures them by cross-validation across queries.

    benches/relevance/fit.py DUMP.jsonl [DUMP.jsonl ...] [--folds 4] [--qrels QRELS.tsv] [--repeats N]

A DUMP is `gonghui search --queries QUERIES --json --explain -n 0 --no-collapse` over the
judged queries (README, "Ranking"): every match with the parts of its score. Below the tiers (as typed, synonym: fixed, so that a term
as typed always ranks first), a passage's score is a linear sum of its parts, each a feature
of the match times a weight. The script fits those weights by coordinate ascent on the mean
nDCG@10 of the training queries (the hits collapsed by story, as the search shows them),
each weight kept to its sign (evidence adds, lists and short lines take off) and their sum
below the tiers' gap.

With several dumps (one per build with other values of BM25's k1 and b), each training fold
also picks the dump that fits it best, so the setting is chosen without seeing the held-out
queries. `--without PART,...` keeps parts at 0, to measure what each adds.

Prints, per fold, the weights fitted on the other folds and the held-out figures; then the
mean of the held-out folds (the figure that counts: every query scored by weights that never
saw it) and the per-query held-out table; last, the weights fitted on all queries, as Rust,
which are what `src/rank/mod.rs` commits.
"""
import argparse
import json
import math
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, "..", "..", "..", "shared", "eval")
sys.path.insert(0, EVAL)
import evallib  # noqa: E402

DEPTH = 10
TIERS = {"as_typed": 100.0, "synonym": 50.0}
# The parts below the tiers, with the sign their weight keeps.
PARTS = {
    "text": 1, "whole_words": 1, "title": 1, "article": 1, "section": 1, "near": 1,
    "list": -1, "short": -1,
}
# The smallest gap between two tiers (synonym 50 below as typed): the parts together must
# stay below it, so that no evidence lifts a passage over a better tier.
TIER_GAP = 50.0
# The largest feature of a part, where it is more than 1.
PART_MAX = {"article": math.log(11)}


def committed_weights():
    """The weights src/rank/mod.rs commits (`const WEIGHTS`), where fitting starts."""
    with open(os.path.join(HERE, "..", "..", "src", "rank", "mod.rs"), encoding="utf-8") as f:
        text = f.read()
    body = text.split("const WEIGHTS: Weights = Weights {", 1)[1].split("};", 1)[0]
    weights = {}
    for line in body.splitlines():
        if ":" in line:
            name, value = line.strip().rstrip(",").split(":")
            weights[name.strip()] = float(value)
    return weights


def feature(name, value, best_bm25):
    """The feature a part's weight multiplies, from the part's value (as src/rank/mod.rs)."""
    if name == "text":
        return value / best_bm25 if best_bm25 > 0 else 0.0
    if name == "article":
        return math.log(1 + min(value, 10))
    if name == "list":
        return min(value, 4.0) / 4.0
    if name == "short":
        return max(0.0, 40 - value) / 40.0
    return value


class Query:
    """One query's matches: their tiers, features (a row each), articles, story groups and
    judged keys, and the engine's scores."""

    def __init__(self, qid, query, rows, judged):
        self.qid, self.query, self.judged = qid, query, judged
        self.tiers = np.array([r[0] for r in rows], dtype=np.float64)
        self.features = np.array([r[1] for r in rows], dtype=np.float64).reshape(len(rows), len(PARTS))
        self.articles = [r[2] for r in rows]
        self.groups = [r[3] for r in rows]
        self.keys = [r[4] for r in rows]
        self.scores = np.array([r[5] for r in rows], dtype=np.float64)
        ideal = sorted(judged.values(), reverse=True)[:DEPTH]
        self.idcg = sum(g / math.log2(r + 1) for r, g in enumerate(ideal, 1))


def load_dump(path, queries, judged, arts):
    """Per query: its matches (see `Query`)."""
    groups, pending = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o["type"] == "hit":
                pending.append(o)
            elif o["type"] == "summary":
                groups[evallib.norm_query(o["query"])] = pending
                pending = []
    out = []
    for qid, query, _ in queries:
        hits = groups.get(query, [])
        best_bm25 = max([h["explain"]["text"]["value"] for h in hits] or [0])
        rows = []
        for h in hits:
            e, aid, p = h["explain"], h["article"]["id"], h["passage"]
            para = evallib.map_passage(p["text"], p.get("para"), arts[aid][1]) if aid in arts else None
            tiers = sum(w * e[k]["value"] for k, w in TIERS.items())
            feats = [feature(k, e[k]["value"], best_bm25) for k in PARTS]
            group = frozenset([aid] + [r["id"] for r in h["article"]["reprints"]])
            rows.append((tiers, feats, aid, group, (aid, para) if para is not None else None,
                         h["score"]))
        out.append(Query(qid, query, rows, judged.get(qid, {})))
    return out


def ranking_metrics(q, scores):
    """nDCG@10, MRR and judged@10 of `q`'s matches ordered by `scores`, a story's first
    article only (as `search` collapses reprints), as score.py computes them."""
    # Stable: equal scores keep index order, as the engine breaks ties.
    order = np.argsort(-scores, kind="stable")
    owner, top = {}, []
    for i in order:
        aid, group = q.articles[i], q.groups[i]
        first = next((owner[a] for a in group if a in owner), None)
        if first is not None and first != aid:
            continue
        for a in group:
            owner.setdefault(a, aid)
        top.append(q.keys[i])
        if len(top) == DEPTH:
            break
    seen, dcg, first2, njudged = set(), 0.0, None, 0
    for rank, key in enumerate(top, 1):
        grade = 0
        if key is not None and key in q.judged:
            njudged += 1
            grade = 0 if key in seen else q.judged[key]
        seen.add(key)
        dcg += grade / math.log2(rank + 1)
        if grade == 2 and first2 is None:
            first2 = rank
    return (dcg / q.idcg if q.idcg > 0 else 0.0, 1.0 / first2 if first2 else 0.0,
            njudged / len(top) if top else 1.0)


def evaluate(data, weights):
    w = np.array([weights[k] for k in PARTS], dtype=np.float64)
    return [ranking_metrics(q, q.tiers + q.features @ w) for q in data]


def mean(values, i=0):
    return sum(v[i] for v in values) / len(values) if values else 0.0


# Parts kept at 0 while fitting (`--without`), to measure what each adds.
FIXED = set()


def candidates(name, value):
    """Values to try for a weight: nearby and farther, keeping its sign."""
    sign = PARTS[name]
    steps = {0.0, value * 0.5, value * 2, value + sign, value + 2 * sign, value - sign,
             value - 2 * sign, value + 4 * sign, 1.0 * sign, 4.0 * sign}
    return sorted(v for v in steps if v * sign >= 0 and abs(v) <= 32 and v != value)


def fit(data, start):
    """Coordinate ascent on the mean nDCG@10 of `data`."""
    weights = dict(start)
    best = mean(evaluate(data, weights))
    for _ in range(6):
        improved = False
        for name in (p for p in PARTS if p not in FIXED):
            for value in candidates(name, weights[name]):
                trial = dict(weights, **{name: value})
                if sum(abs(v) * PART_MAX.get(k, 1.0) for k, v in trial.items()) >= TIER_GAP:
                    continue
                score = mean(evaluate(data, trial))
                if score > best + 1e-5:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return weights, best


def fit_across(dumps, queries_of, start):
    """The dump and weights that fit the queries `queries_of` best."""
    best = None
    for name, data in dumps.items():
        train = [q for q in data if q.qid in queries_of]
        weights, score = fit(train, start)
        if best is None or score > best[2]:
            best = (name, weights, score)
    return best


def cross_validate(dumps, qids, folds, start, show):
    """Per query, its figures under the weights fitted on the other folds (every `folds`-th
    query of `qids` in one fold)."""
    held = {}
    for n in range(folds):
        fold = set(qids[n::folds])
        name, weights, score = fit_across(dumps, set(qids) - fold, start)
        test = [q for q in dumps[name] if q.qid in fold]
        result = evaluate(test, weights)
        held.update({q.qid: (q.query, r) for q, r in zip(test, result)})
        if show:
            print(f"fold {n + 1}: {os.path.basename(name)} train {score:.4f} held-out "
                  f"nDCG@10 {mean(result):.4f} MRR {mean(result, 1):.4f}  {weights}")
    return held


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--qrels", help="grades (default: the judged set's plus qrels-extra.tsv)")
    ap.add_argument("--without", default="", help="parts kept at 0, comma-separated")
    ap.add_argument("--repeats", type=int, default=0,
                    help="also cross-validate on this many random partitions (seeds 1..N)")
    args = ap.parse_args()
    FIXED.update(p for p in args.without.split(",") if p)
    queries = evallib.load_queries()
    if args.qrels:
        judged = evallib.load_qrels(args.qrels)
    else:
        judged = evallib.load_qrels()
        for qid, grades in evallib.load_qrels(os.path.join(HERE, "qrels-extra.tsv")).items():
            for key, grade in grades.items():
                judged.setdefault(qid, {}).setdefault(key, grade)
    ids = set()
    for path in args.dumps:
        with open(path, encoding="utf-8") as f:
            ids |= {json.loads(l)["article"]["id"] for l in f if l.startswith('{"type":"hit"')}
    arts = evallib.load_articles(ids)
    dumps = {path: load_dump(path, queries, judged, arts) for path in args.dumps}
    start = committed_weights()
    check = dict(start)
    start = {k: (0.0 if k in FIXED else v) for k, v in start.items()}
    for path, data in dumps.items():
        # The script's formula must be the engine's: with the committed weights, the dump's
        # scores come back.
        w = np.array([check[k] for k in PARTS])
        for q in data:
            if len(q.scores) == 0:
                continue
            worst = np.abs(q.tiers + q.features @ w - q.scores).max()
            if worst > 1e-3 * max(1.0, float(np.abs(q.scores).max())):
                sys.exit(f"{path}: {q.query}: the formula differs from the engine's by {worst}: "
                         "was the dump made with the committed weights?")
    qids = [q[0] for q in queries]
    held = cross_validate(dumps, qids, args.folds, start, show=True)
    rows = [held[q][1] for q in qids]
    old = [held[q][1] for q in qids if int(q[1:]) <= 32]
    new = [held[q][1] for q in qids if int(q[1:]) > 32]
    print(f"held-out mean: nDCG@10 {mean(rows):.4f} MRR {mean(rows, 1):.4f} judged@10 "
          f"{mean(rows, 2):.3f} | d01-d32 {mean(old):.4f} d33-d96 {mean(new):.4f}")
    for q in qids:
        query, (ndcg, mrr, judged10) = held[q]
        print(f"  {q}\t{ndcg:.3f}\t{mrr:.3f}\t{judged10:.1f}\t{query}")
    if args.repeats:
        # Interleaved folds put queries of one kind together (every fourth query: four of the
        # one- and two-character traps in one fold); random partitions tell how much the
        # held-out mean owes to the partition.
        means = []
        for seed in range(1, args.repeats + 1):
            order = list(qids)
            random.Random(seed).shuffle(order)
            again = cross_validate(dumps, order, args.folds, start, show=False)
            means.append((mean([again[q][1] for q in qids]), mean([again[q][1] for q in qids], 1)))
        ndcgs = sorted(m[0] for m in means)
        print(f"held-out mean over {args.repeats} random partitions: nDCG@10 "
              f"{sum(ndcgs) / len(ndcgs):.4f} ({ndcgs[0]:.4f}-{ndcgs[-1]:.4f}) MRR "
              f"{sum(m[1] for m in means) / len(means):.4f}")
    name, weights, score = fit_across(dumps, set(qids), start)
    print(f"fitted on all {len(qids)} queries: {os.path.basename(name)} nDCG@10 {score:.4f}")
    print("const WEIGHTS: Weights = Weights {")
    for k in PARTS:
        print(f"    {k}: {float(weights[k])!r},")
    print("};")


if __name__ == "__main__":
    main()
