"""The shards' answers to one request merged into the answer one index of them all gives:
their figures summed, their hits in the order one index puts them, totals and facets summed.
Plain Python, without Ray, so that it is tested on its own."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any, Optional


def sum_statistics(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The collection's figures: the shards' passages, grams and document frequencies summed
    (the best BM25, when the shards give one, is the highest)."""
    total: dict[str, Any] = {"passages": 0, "grams": 0, "doc_freqs": {}}
    best: Optional[float] = None
    for part in parts:
        total["passages"] += part["passages"]
        total["grams"] += part["grams"]
        for gram, count in part["doc_freqs"].items():
            total["doc_freqs"][gram] = total["doc_freqs"].get(gram, 0) + count
        if part.get("best_bm25") is not None:
            best = part["best_bm25"] if best is None else max(best, part["best_bm25"])
    if best is not None:
        total["best_bm25"] = best
    return total


def meets(shard: dict[str, Any], date_from: Optional[str], date_to: Optional[str]) -> bool:
    """Whether a shard of the manifest can hold passages within the dates (`YYYY-MM-DD`, or
    None): a search within dates never matches an undated passage, so a shard without dated
    articles meets only a search without dates."""
    if date_from is None and date_to is None:
        return True
    first, last = shard.get("date_from"), shard.get("date_to")
    if first is None or last is None:
        return False
    return (date_to is None or first <= date_to) and (date_from is None or last >= date_from)


def _order_key(entry: dict[str, Any], sort: str) -> tuple:
    """Where an entry goes in the order of `sort`, as one index orders hits: by score; or by
    day (undated last), then by score."""
    if sort == "score":
        return (-entry["score"],)
    if not entry["date"]:
        return (1, 0, -entry["score"])
    day = datetime.date.fromisoformat(entry["date"]).toordinal()
    return (0, day if sort == "date" else -day, -entry["score"])


def _units(entries: list[dict[str, Any]], grouped: bool) -> list[list[dict[str, Any]]]:
    """A shard's entries as the units the order moves: one passage, or with `per_article`, an
    article's passages (which follow its best)."""
    units: list[list[dict[str, Any]]] = []
    for entry in entries:
        if grouped and units and units[-1][0]["article"] == entry["article"]:
            units[-1].append(entry)
        else:
            units.append([entry])
    return units


def merge_entries(answers: list[tuple[int, dict[str, Any]]], page: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The page's entries from the shards' first `offset + limit` entries each (`(shard,
    answer of the ranking step)`), as `(shard, entry)` with the entry's `rank` set: in the order
    of the page's `sort`, equal keys by shard, then by their order in the shard; ranked from
    `offset + 1`."""
    grouped = page.get("per_article") is not None
    units = []
    for shard, answer in answers:
        for position, unit in enumerate(_units(answer["entries"], grouped)):
            units.append((_order_key(unit[0], page["sort"]), shard, position, unit))
    units.sort(key=lambda u: u[:3])
    ordered = [(shard, entry) for _, shard, _, unit in units for entry in unit]
    offset, limit = page["offset"], page["limit"]
    chosen = ordered[offset : offset + limit]
    for rank, (_, entry) in enumerate(chosen, start=offset + 1):
        entry["rank"] = rank
    return chosen


def merge_facets(facets: list[dict[str, Any]]) -> dict[str, Any]:
    """Facets summed: years oldest first, undated (`""`) last; sources most first, then by
    name, as one index lists them."""
    years: Counter = Counter()
    sources: Counter = Counter()
    for part in facets:
        years.update({f["key"]: f["count"] for f in part["years"]})
        sources.update({f["key"]: f["count"] for f in part["sources"]})
    return {
        "years": [
            {"key": k, "count": n} for k, n in sorted(years.items(), key=lambda kv: (kv[0] == "", kv[0]))
        ],
        "sources": [
            {"key": k, "count": n} for k, n in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def merge_expanded(parts: list[dict[str, list[str]]]) -> dict[str, list[str]]:
    """The terms expanded to synonyms: every shard's, each term's synonyms in the order met."""
    merged: dict[str, list[str]] = {}
    for part in parts:
        for term, synonyms in part.items():
            known = merged.setdefault(term, [])
            known.extend(s for s in synonyms if s not in known)
    return dict(sorted(merged.items()))


def merge_answers(
    answers: list[tuple[int, dict[str, Any]]],
    hits: list[dict[str, Any]],
    elapsed_ms: float,
    missing: list[int],
) -> dict[str, Any]:
    """The answer of `/api/search` from the shards' answers of the ranking step (`(shard,
    answer)`, at least one) and the page's hits: totals and facets summed; `"partial": true`
    and the shards that did not answer in the summary when some did not."""
    summaries = [answer["summary"] for _, answer in answers]
    summary: dict[str, Any] = {
        "type": "summary",
        "version": summaries[0]["version"],
        "query": summaries[0]["query"],
        "total": sum(s["total"] for s in summaries),
        "returned": len(hits),
        "elapsed_ms": elapsed_ms,
        "expanded": merge_expanded([s["expanded"] for s in summaries]),
    }
    if missing:
        summary["partial"] = True
        summary["missing_shards"] = sorted(set(missing))
    facets = merge_facets([answer["facets"] for _, answer in answers])
    return {"hits": hits, "summary": summary, "facets": facets}
