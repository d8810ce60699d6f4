"""Serving shards on Ray Serve: leaf deployments that each hold one or more shards, and a root
that answers `/api/search` as `gonghui serve` does, in three steps over the leaves (the
shards' figures, summed; their best BM25 with those figures, the highest taken; their first
`offset + limit` hits scored with both), then merges the hits, totals and facets."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlencode
from pathlib import Path
from typing import Any, Optional

import ray
from ray import serve as ray_serve
from starlette.requests import Request
from starlette.responses import Response

import gonghui

from .indexing import checksum, read_manifest
from .merging import meets, merge_answers, sum_statistics

# Matches of recent searches each shard keeps ranked (as `gonghui serve` does): the search
# step reuses the ranking of the best-BM25 step.
RANKED_CACHE = 1 << 20
# How long the root waits for a leaf at each step before answering without its shards.
LEAF_TIMEOUT_S = 10.0
# Requests whose figures and best BM25 the root keeps: the shards do not change while served,
# so a request asked again (another page, the same search from another reader) takes one
# step, not three.
FIGURES_KEPT = 4096
APPLICATION = "gonghui"


def _json(body: Any, status: int = 200) -> Response:
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status_code=status, media_type="application/json")


@ray_serve.deployment(ray_actor_options={"num_cpus": 0})
class Leaf:
    """One or more shards of the manifest, opened once, answering each step for them."""

    def __init__(self, shards: list[dict[str, Any]], verify: bool = True):
        self._shards = []
        for entry in shards:
            if verify and checksum(Path(entry["path"])) != entry["checksum"]:
                raise gonghui.IndexDamaged(
                    f"shard {entry['shard']} at {entry['path']} does not match the manifest's "
                    "checksum: build the shards again"
                )
            index = gonghui.Index.open(entry["path"], ranked_cache=RANKED_CACHE)
            self._shards.append((entry["shard"], index))
        self._pool = ThreadPoolExecutor(max_workers=max(1, len(self._shards)))

    def answer(
        self,
        step: str,
        query_string: str,
        statistics: Optional[str] = None,
        depth: int = 10,
        shards: Optional[list[int]] = None,
    ) -> list[tuple[int, int, str]]:
        """`(shard, status, json_text)` of each of its shards (those in `shards`, or all) at
        `step`; searches release the GIL, so the shards run at once."""
        chosen = [(n, index) for n, index in self._shards if shards is None or n in shards]

        def one(item):
            n, index = item
            return (n, *index.shard_answer(step, query_string, statistics, depth))

        return list(self._pool.map(one, chosen))


@ray_serve.deployment(ray_actor_options={"num_cpus": 0})
class Root:
    """`/api/search` over every leaf; `/api/shards` lists the shards of the manifest."""

    def __init__(self, manifest: dict[str, Any], leaves: list, leaf_timeout_s: float = LEAF_TIMEOUT_S):
        self._manifest = manifest
        self._shards = {entry["shard"]: entry for entry in manifest["shards"]}
        # Each leaf's handle and the shards it holds.
        self._leaves = [(handle, sorted(shards)) for handle, shards in leaves]
        self._timeout = leaf_timeout_s
        # A request's query string, and the same without its page → (statistics with the
        # best BM25, shards to search, page asked for).
        self._figures: OrderedDict[str, tuple[dict, list[int], dict]] = OrderedDict()

    async def __call__(self, request: Request) -> Response:
        path = request.url.path.rstrip("/")
        if path == "/api/search":
            return await self._search(request.url.query)
        if path == "/api/shards":
            return _json(self._manifest)
        return _json({"error": f"no such page: {request.url.path} (try /api/search?q=…)"}, 404)

    async def _step(self, leaves, step: str, query_string: str, **kwargs):
        """Each leaf's answers at `step`, and the shards of the leaves that did not answer in
        time (dead, restarting or stuck)."""

        async def call(handle, shards):
            return await handle.answer.remote(step, query_string, shards=shards, **kwargs)

        calls = [asyncio.wait_for(call(handle, shards), self._timeout) for handle, shards in leaves]
        results = await asyncio.gather(*calls, return_exceptions=True)
        answered, missing = [], []
        for (_, shards), result in zip(leaves, results):
            if isinstance(result, BaseException):
                missing.extend(shards)
            else:
                answered.extend(result)
        return sorted(answered), missing

    async def _figures_of(self, query_string: str):
        """The collection's figures for a request (with the best BM25), the shards to search,
        the page asked for, and the shards that did not answer; or the response to give
        instead (a refusal, or no shard answered)."""
        if query_string in self._figures:
            self._figures.move_to_end(query_string)
            return (*self._figures[query_string], [])
        leaves = self._leaves
        answers, missing = await self._step(leaves, "statistics", query_string)
        if not answers:
            return _json({"error": f"no shard answered (shards {sorted(missing)} are down); try again"}, 503)
        refused = [(status, body) for _, status, body in answers if status != 200]
        if refused:
            return _json(refused[0][1], refused[0][0])
        figures = [json.loads(body) for _, _, body in answers]
        page, date_from, date_to = figures[0]["page"], figures[0]["from"], figures[0]["to"]
        unpaged = _without_page(query_string)
        if unpaged in self._figures and not missing:
            statistics, wanted, _ = self._figures[unpaged]
            self._keep(query_string, (statistics, wanted, page))
            return statistics, wanted, page, missing
        statistics = sum_statistics([f["statistics"] for f in figures])
        # Every shard counts in the figures; only those whose dates the filters meet are searched
        # (one of them at least, for the summary's expansions).
        answering = [n for n, _, _ in answers]
        wanted = [n for n in answering if meets(self._shards[n], date_from, date_to)] or answering[:1]
        bests, lost = await self._step(
            _holding(leaves, wanted), "best_bm25", query_string, statistics=json.dumps(statistics)
        )
        missing += lost
        statistics["best_bm25"] = max((json.loads(body)["best_bm25"] for _, _, body in bests), default=0.0)
        wanted = [n for n in wanted if n not in lost]
        if not missing:
            self._keep(unpaged, (statistics, wanted, page))
            self._keep(query_string, (statistics, wanted, page))
        return statistics, wanted, page, missing

    def _keep(self, key: str, figures: tuple[dict, list[int], dict]) -> None:
        self._figures[key] = figures
        self._figures.move_to_end(key)
        if len(self._figures) > FIGURES_KEPT:
            self._figures.popitem(last=False)

    async def _search(self, query_string: str) -> Response:
        started = time.monotonic()
        figured = await self._figures_of(query_string)
        if isinstance(figured, Response):
            return figured
        statistics, wanted, page, missing = figured
        depth = page["offset"] + page["limit"]
        found, lost = await self._step(
            _holding(self._leaves, wanted), "search", query_string, statistics=json.dumps(statistics), depth=depth
        )
        missing += lost
        errors = [(status, body) for _, status, body in found if status != 200]
        if errors:
            return _json(errors[0][1], errors[0][0])
        if not found:
            return _json({"error": f"no shard answered (shards {sorted(missing)} are down); try again"}, 503)
        shard_answers = [(n, json.loads(body)) for n, _, body in found]
        query = shard_answers[0][1]["summary"]["query"]
        elapsed_ms = (time.monotonic() - started) * 1000.0
        return _json(merge_answers(shard_answers, page, elapsed_ms, missing, query))


def _holding(leaves, shards: list[int]):
    """The leaves that hold some of `shards`, each with those it holds."""
    held = [(handle, [n for n in own if n in shards]) for handle, own in leaves]
    return [(handle, own) for handle, own in held if own]


def _without_page(query_string: str) -> str:
    """A request without its page (`limit`, `offset`, `sort`, `per_article`): what its figures
    depend on."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(sorted((k, v) for k, v in pairs if k not in ("limit", "offset", "sort", "per_article")))


def application(folder, leaves: Optional[int] = None, replicas: int = 1, leaf_timeout_s: float = LEAF_TIMEOUT_S):
    """The Serve application of the shards in `folder`: `leaves` leaf deployments (one per
    shard by default), the shards shared among them in turn, each with `replicas` replicas,
    and the root."""
    manifest = read_manifest(folder)
    entries = manifest["shards"]
    count = max(1, min(leaves or len(entries), len(entries)))
    groups = [entries[i::count] for i in range(count)]
    bound = [
        (Leaf.options(name=f"leaf-{i}", num_replicas=replicas).bind(group), [e["shard"] for e in group])
        for i, group in enumerate(groups)
    ]
    return Root.bind(manifest, bound, leaf_timeout_s)


def serve(
    folder,
    host: str = "127.0.0.1",
    port: int = 8080,
    leaves: Optional[int] = None,
    replicas: int = 1,
    address: Optional[str] = None,
    leaf_timeout_s: float = LEAF_TIMEOUT_S,
) -> str:
    """Serves the shards in `folder` (built by `gonghui.ray.index`) on Ray Serve at
    `http://host:port/api/search`, starting a local Ray cluster or joining `address`; returns
    the address. The application runs until `ray.serve.shutdown()` or the
    cluster ends."""
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False)
    ray_serve.start(http_options={"host": host, "port": port}, proxy_location="HeadOnly")
    app = application(folder, leaves=leaves, replicas=replicas, leaf_timeout_s=leaf_timeout_s)
    ray_serve.run(app, name=APPLICATION, route_prefix="/")
    return f"http://{host}:{port}"

