"""A search over shards, as the root runs it (plain Python: the calls to the leaves are given,
so that the steps are tested without Ray): the shards' figures summed, their best BM25 with
those figures, their first `offset + limit` matches ranked with both, merged, and only the
page's hits read from the shards that hold them."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import parse_qsl, urlencode

from .merging import meets, merge_answers, merge_entries, sum_statistics

# How long the root waits for a leaf at each step before answering without its shards.
LEAF_TIMEOUT_S = 10.0
# Requests whose figures and best BM25 the root keeps: the shards do not change while served,
# so a request asked again (the same search from another reader) takes two steps, not four.
FIGURES_KEPT = 4096

# A leaf's answers at a step: `call(leaf, step, query_string, shards, **arguments)` gives
# `[(shard, status, json_text)]` for those of `shards` it holds.
Call = Callable[..., Awaitable[list[tuple[int, int, str]]]]


class Answered(Exception):
    """An answer given before the last step: a request the shards refuse, or none answered."""

    def __init__(self, status: int, body: Any):
        super().__init__(status)
        self.status = status
        self.body = json.loads(body) if isinstance(body, str) else body


def _check(answers: list[tuple[int, int, str]], missing: list[int]) -> None:
    """Raises the first refusal among the answers of a step, or that no shard answered."""
    refused = [(status, body) for _, status, body in answers if status != 200]
    if refused:
        raise Answered(*refused[0])
    if not answers:
        raise Answered(503, {"error": f"no shard answered (shards {sorted(missing)} are down); try again"})


def _holding(leaves, shards) -> list:
    """The leaves that hold some of `shards`, each with those it holds."""
    held = [(leaf, [n for n in own if n in shards]) for leaf, own in leaves]
    return [(leaf, own) for leaf, own in held if own]


def _without_page(query_string: str) -> str:
    """A request without its page (`limit`, `offset`, `sort`, `per_article`): what its
    figures depend on."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted((k, v) for k, v in pairs if k not in ("limit", "offset", "sort", "per_article")))


class ShardSearch:
    """`/api/search` over the shards of a manifest (`shards`: its entries) held by `leaves`
    (`[(leaf, [shard, …])]`), each reached through `call`."""

    def __init__(self, shards: list[dict[str, Any]], leaves: list, call: Call, leaf_timeout_s: float = LEAF_TIMEOUT_S):
        self._shards = {entry["shard"]: entry for entry in shards}
        self._leaves = [(leaf, sorted(own)) for leaf, own in leaves]
        self._call = call
        self._timeout = leaf_timeout_s
        # A request's query string, and the same without its page → (figures with the best
        # BM25, shards to search, page asked for).
        self._figures: OrderedDict[str, tuple[dict, list[int], dict]] = OrderedDict()

    async def _step(self, leaves, step: str, query_string: str, **arguments):
        """The answers of `leaves` at `step`, and the shards of those that did not answer in
        time (dead, restarting or stuck)."""

        async def ask(leaf, shards):
            return await asyncio.wait_for(self._call(leaf, step, query_string, shards, **arguments), self._timeout)

        results = await asyncio.gather(*(ask(leaf, own) for leaf, own in leaves), return_exceptions=True)
        answered, missing = [], []
        for (_, own), result in zip(leaves, results):
            if isinstance(result, BaseException):
                missing.extend(own)
            else:
                answered.extend(result)
        return sorted(answered), missing

    def _keep(self, key: str, figures: tuple[dict, list[int], dict]) -> None:
        self._figures[key] = figures
        self._figures.move_to_end(key)
        if len(self._figures) > FIGURES_KEPT:
            self._figures.popitem(last=False)

    async def _figures_of(self, query_string: str):
        """The collection's figures for a request (with the best BM25), the shards to search,
        the page asked for and the shards that did not answer (raises `Answered` for a refusal,
        or when no shard answered)."""
        if query_string in self._figures:
            self._figures.move_to_end(query_string)
            return (*self._figures[query_string], [])
        answers, missing = await self._step(self._leaves, "statistics", query_string)
        _check(answers, missing)
        figures = {n: json.loads(body) for n, _, body in answers}
        first = next(iter(figures.values()))
        page, date_from, date_to = first["page"], first["from"], first["to"]
        unpaged = _without_page(query_string)
        if unpaged in self._figures and not missing:
            statistics, wanted, _ = self._figures[unpaged]
            self._keep(query_string, (statistics, wanted, page))
            return statistics, wanted, page, missing
        statistics = sum_statistics([f["statistics"] for f in figures.values()])
        # Every shard counts in the figures, whatever the dates; only those whose dates the
        # filters meet are searched (one at least, for the summary's expansions).
        answering = sorted(figures)
        wanted = [n for n in answering if meets(self._shards[n], date_from, date_to)] or answering[:1]
        bests, lost = await self._step(
            _holding(self._leaves, wanted), "best_bm25", query_string, statistics=json.dumps(statistics)
        )
        missing += lost
        statistics["best_bm25"] = max((json.loads(body)["best_bm25"] for _, _, body in bests), default=0.0)
        wanted = [n for n in wanted if n not in lost]
        if not missing:
            self._keep(unpaged, (statistics, wanted, page))
            self._keep(query_string, (statistics, wanted, page))
        return statistics, wanted, page, missing

    async def search(self, query_string: str) -> tuple[int, Any]:
        """The status and answer of `/api/search` for a request (its query string), as one
        index of the shards gives it."""
        started = time.monotonic()
        try:
            return 200, await self._search(query_string, started)
        except Answered as answered:
            return answered.status, answered.body

    async def _search(self, query_string: str, started: float) -> dict[str, Any]:
        statistics, wanted, page, missing = await self._figures_of(query_string)
        depth = page["offset"] + page["limit"]
        ranked, lost = await self._step(
            _holding(self._leaves, wanted), "rank", query_string, statistics=json.dumps(statistics), depth=depth
        )
        missing += lost
        _check(ranked, missing)
        answers = [(n, json.loads(body)) for n, _, body in ranked]
        # Only the page's hits are read, each from its shard.
        entries: dict[int, list] = {}
        for n, entry in merge_entries(answers, page):
            entries.setdefault(n, []).append({"doc": entry["doc"], "score": entry["score"], "rank": entry["rank"]})
        fetched, lost = await self._step(
            _holding(self._leaves, list(entries)),
            "fetch",
            query_string,
            entries={n: json.dumps(e) for n, e in entries.items()},
        )
        missing += lost
        if entries:
            _check(fetched, missing)
        hits = sorted((hit for _, _, body in fetched for hit in json.loads(body)["hits"]), key=lambda h: h["rank"])
        return merge_answers(answers, hits, (time.monotonic() - started) * 1000.0, missing)
