"""gonghui on Ray: a corpus indexed into shards by Ray tasks on a two-node local cluster and
served by Ray Serve answers /api/search as `gonghui serve` answers it from one index."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import gonghui

from conftest import REPO, news_sample, shared

if os.environ.get("CI") != "true":
    pytest.importorskip("ray")
import ray  # noqa: E402
from ray import serve  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402

import gonghui.ray  # noqa: E402
from gonghui.ray.merging import sum_statistics  # noqa: E402
from gonghui.ray.searching import ShardSearch  # noqa: E402

# One news article in this many, beside the seed corpus and the sample pages.
STRIDE = 20
SHARDS = 3
# Seconds the root waits for a leaf before answering without it.
LEAF_TIMEOUT_S = 3.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, params: dict) -> tuple[int, dict]:
    """The status and JSON of `/api/search` with these parameters."""
    url = f"{base}/api/search?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            get(base, {"q": "工会"})
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("ray-corpus")
    news = news_sample(folder / "news.jsonl", STRIDE)
    return [str(REPO / "corpus"), str(shared("corpus/sample")), str(news)]


@pytest.fixture(scope="module")
def cluster():
    """A head and a worker node, one CPU each, on this machine."""
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    ray.init(address=cluster.address, log_to_driver=False)
    yield cluster
    serve.shutdown()
    ray.shutdown()
    cluster.shutdown()


@pytest.fixture(scope="module")
def one_index(corpus, cli, tmp_path_factory):
    """The corpus in one index, served by `gonghui serve`: its base URL and the index."""
    folder = tmp_path_factory.mktemp("one") / "index"
    gonghui.index(corpus, index=folder)
    port = free_port()
    server = subprocess.Popen(
        [str(cli), "serve", "--index", str(folder), "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base)
    yield base, gonghui.Index.open(folder)
    server.terminate()
    server.wait()


@pytest.fixture(scope="module")
def shards(corpus, cluster, tmp_path_factory):
    """The corpus indexed into shards by Ray tasks: the folder and its manifest."""
    out = tmp_path_factory.mktemp("shards")
    manifest = gonghui.ray.index(corpus, SHARDS, out)
    return out, manifest


@pytest.fixture(scope="module")
def sharded(shards):
    """The shards served by Ray Serve: the root's base URL."""
    out, _ = shards
    port = free_port()
    base = gonghui.ray.serve(out, port=port, leaf_timeout_s=LEAF_TIMEOUT_S)
    wait_for(base)
    return base


def comparable(answer: dict) -> dict:
    """An answer without its time."""
    answer = json.loads(json.dumps(answer))
    answer.get("summary", {}).pop("elapsed_ms", None)
    return answer


def assert_same_answer(sharded: dict, one: dict, what: str) -> None:
    """The same hits (passages, highlights, articles) with scores within 1e-4, in the same
    order but for equal scores; the same summary and facets."""
    a, b = comparable(sharded), comparable(one)
    assert a.keys() == b.keys(), what
    if "error" in b:
        assert a == b, what
        return
    assert a["summary"] == b["summary"], what
    assert a["facets"] == b["facets"], what
    assert len(a["hits"]) == len(b["hits"]), what
    for x, y in zip(a["hits"], b["hits"]):
        assert abs(x["score"] - y["score"]) < 1e-4, (what, x["rank"])
    # Equal scores may come in another order (one index breaks ties by its own order, the
    # root by shard; an index built by other threads has another order), except at the page's
    # end, where a tie may take another member. Of two copies of a story that score the
    # same, either may stand for it: a hit is its story's copies, passage and highlights.
    def by_score(hits):
        groups: dict[float, list] = {}
        for hit in hits:
            key = round(hit["score"], 3)
            story = sorted([hit["article"]["id"], *(r["id"] for r in hit["article"]["reprints"])])
            seen = [story, hit["passage"], hit["highlights"], hit.get("title_highlights")]
            groups.setdefault(key, []).append(json.dumps(seen, sort_keys=True, ensure_ascii=False))
        return {k: sorted(v) for k, v in groups.items()}

    ga, gb = by_score(a["hits"]), by_score(b["hits"])
    last = round(b["hits"][-1]["score"], 3) if b["hits"] else None
    for key in gb:
        if key != last:
            assert ga.get(key) == gb[key], (what, key)


def test_the_manifest_describes_every_shard(shards, one_index):
    out, manifest = shards
    _, index = one_index
    assert manifest == json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["skipped"] == []
    entries = manifest["shards"]
    assert [e["shard"] for e in entries] == list(range(SHARDS))
    stats = index.stats()
    assert sum(e["articles"] for e in entries) == stats["articles"]
    assert sum(e["passages"] for e in entries) == stats["passages"]
    assert all(e["articles"] > 500 for e in entries), "stories are shared out evenly"
    assert min(e["date_from"] for e in entries) == stats["date_from"]
    assert max(e["date_to"] for e in entries) == stats["date_to"]
    totals = index.token_totals()
    for field, tokens in totals.items():
        assert sum(e["tokens"][field] for e in entries) == tokens, field
    for entry in entries:
        assert entry["checksum"] == gonghui.ray.indexing.checksum(Path(out) / entry["path"])


def test_the_sharded_answers_are_one_index_answers(sharded, one_index, queries):
    base, _ = one_index
    variants = [{}, {"limit": "20", "offset": "5"}, {"sort": "-date"}, {"per_article": "2"},
                {"from": "2019-01-01", "to": "2020-06-30"}]
    for query in queries[:40]:
        for variant in variants:
            params = {"q": query, **variant}
            (status, answer), (one_status, one) = get(sharded, params), get(base, params)
            assert status == one_status == 200, params
            assert_same_answer(answer, one, str(params))
    for params in [{"q": ""}, {"q": "工会", "limit": "0"}, {"q": "工会", "bogus": "1"},
                   {"q": "工会", "from": "2021-01-01", "to": "2020-01-01"}, {"q": "(("}]:
        (status, answer), (one_status, one) = get(sharded, params), get(base, params)
        assert (status, answer) == (one_status, one), params


@pytest.fixture(scope="module")
def date_shards(corpus, cluster, tmp_path_factory):
    """The corpus indexed into shards of date ranges: a skewed split, each shard's words
    those of its years."""
    out = tmp_path_factory.mktemp("date-shards")
    return out, gonghui.ray.index(corpus, SHARDS, out, by="date")


def top(answer: dict) -> list:
    return [(h["article"]["id"], h["passage"]["para"], h["passage"].get("part", 0)) for h in answer["hits"]]


def test_shards_by_date_hold_ranges_of_days(date_shards):
    _, manifest = date_shards
    spans = sorted((e["date_from"], e["date_to"]) for e in manifest["shards"])
    for before, after in zip(spans, spans[1:]):
        assert before[1] <= after[0], spans


def local_search(manifest: dict, folder: Path, own_figures: bool) -> ShardSearch:
    """The root's search over the shards opened here, without Ray; with `own_figures` each
    shard scores with its own figures and best BM25 whatever the root sends (as an engine
    that scores each split alone)."""
    indexes = {e["shard"]: gonghui.Index.open(Path(folder) / e["path"]) for e in manifest["shards"]}

    async def call(shard, step, query_string, shards, statistics=None, depth=10, entries=None):
        index = indexes[shard]
        if own_figures and statistics is not None:
            own = sum_statistics([json.loads(index.shard_answer("statistics", query_string)[1])["statistics"]])
            if step == "rank":
                own["best_bm25"] = json.loads(index.shard_answer("best_bm25", query_string, json.dumps(own))[1])["best_bm25"]
            statistics = json.dumps(own)
        entries = entries.get(shard) if entries else None
        return [(shard, *index.shard_answer(step, query_string, statistics, depth, entries))]

    return ShardSearch(manifest["shards"], [(n, [n]) for n in indexes], call)


def test_each_shards_own_figures_rank_otherwise(date_shards, one_index, queries):
    """Scored with each shard's own figures (as engines that skip the statistics step do),
    the merged top 10 of a skewed split is not one index's; with the figures summed, it is."""
    out, manifest = date_shards
    base, _ = one_index
    summed, own = local_search(manifest, out, False), local_search(manifest, out, True)
    own_differ = 0
    for query in queries[:40]:
        qs = urllib.parse.urlencode({"q": query})
        _, one = get(base, {"q": query})
        _, with_summed = asyncio.run(summed.search(qs))
        assert_same_answer(with_summed, one, query)
        _, with_own = asyncio.run(own.search(qs))
        own_differ += top(with_own) != top(one)
    assert own_differ >= 5, f"only {own_differ} of 40 queries rank otherwise with each shard's figures"


def test_a_dead_leaf_gives_a_partial_answer_then_a_full_one(sharded, one_index):
    from ray.util.state import list_actors

    base, _ = one_index
    params = {"q": "劳动模范"}
    _, full = get(base, params)
    replicas = [
        actor
        for actor in list_actors(filters=[("state", "=", "ALIVE")])
        if "leaf-1" in (actor.name or "")
    ]
    assert replicas, "leaf-1 has a replica"
    ray.kill(ray.get_actor(replicas[0].name, namespace="serve"), no_restart=True)
    status, partial = get(sharded, params)
    assert status == 200
    assert partial["summary"]["partial"] is True
    assert partial["summary"]["missing_shards"] == [1]
    assert 0 < partial["summary"]["total"] < full["summary"]["total"]
    deadline = time.monotonic() + 120
    while True:
        status, answer = get(sharded, params)
        if "partial" not in answer["summary"]:
            break
        assert time.monotonic() < deadline, "leaf-1 came back within two minutes"
        time.sleep(1)
    assert status == 200
    assert_same_answer(answer, full, "after the restart")
