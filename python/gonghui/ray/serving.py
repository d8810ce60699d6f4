"""Serving shards on Ray Serve: leaf deployments that each hold one or more shards, and a root
that answers `/api/search` as `gonghui serve` does, by the steps of `searching.ShardSearch`
over the leaves."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

import ray
from ray import serve as ray_serve
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import gonghui

from .indexing import checksum, read_manifest
from .searching import LEAF_TIMEOUT_S, ShardSearch

# Matches of recent searches each shard keeps ranked (as `gonghui serve` does): the ranking
# step reuses the ranking of the best-BM25 step.
RANKED_CACHE = 1 << 20
APPLICATION = "gonghui"


def _json(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


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
        shards: list[int],
        statistics: Optional[str] = None,
        depth: int = 10,
        entries: Optional[dict[int, str]] = None,
    ) -> list[tuple[int, int, str]]:
        """`(shard, status, json_text)` of those of its shards in `shards` at `step`
        (`Index.shard_answer`; `entries` per shard); searches release the GIL, so the shards
        run at once."""
        chosen = [(n, index) for n, index in self._shards if n in shards]

        def one(item):
            n, index = item
            own = entries.get(n) if entries else None
            return (n, *index.shard_answer(step, query_string, statistics, depth, own))

        return list(self._pool.map(one, chosen))


async def _ask(handle, step: str, query_string: str, shards: list[int], **arguments):
    return await handle.answer.remote(step, query_string, shards, **arguments)


@ray_serve.deployment(ray_actor_options={"num_cpus": 0})
class Root:
    """`/api/search` over every leaf; `/api/shards` gives the manifest."""

    def __init__(self, manifest: dict[str, Any], leaves: list, leaf_timeout_s: float = LEAF_TIMEOUT_S):
        self._manifest = manifest
        self._search = ShardSearch(manifest["shards"], leaves, _ask, leaf_timeout_s)

    async def __call__(self, request: Request) -> Response:
        path = request.url.path.rstrip("/")
        if path == "/api/search":
            status, body = await self._search.search(request.url.query)
            return _json(body, status)
        if path == "/api/shards":
            return _json(self._manifest)
        return _json({"error": f"no such page: {request.url.path} (try /api/search?q=…)"}, 404)


def application(
    manifest: dict[str, Any], leaves: Optional[int] = None, replicas: int = 1, leaf_timeout_s: float = LEAF_TIMEOUT_S
):
    """The Serve application of the shards of `manifest`: `leaves` leaf deployments (one per
    node of the cluster by default), the shards shared among them in turn, each with
    `replicas` replicas, and the root."""
    entries = manifest["shards"]
    nodes = sum(1 for node in ray.nodes() if node["Alive"])
    count = max(1, min(leaves or nodes, len(entries)))
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
    manifest = read_manifest(folder)
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False)
    ray_serve.start(http_options={"host": host, "port": port}, proxy_location="HeadOnly")
    app = application(manifest, leaves=leaves, replicas=replicas, leaf_timeout_s=leaf_timeout_s)
    ray_serve.run(app, name=APPLICATION, route_prefix="/")
    return f"http://{host}:{port}"

