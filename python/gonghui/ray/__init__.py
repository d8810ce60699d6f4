"""gonghui beyond one machine, on Ray: shards built by Ray tasks, served by Ray Serve, scored
with the statistics of the whole collection (README, "Beyond one machine").

    import gonghui.ray
    manifest = gonghui.ray.index(["corpus/", "news.jsonl.zst"], shards=4, out="shards")
    url = gonghui.ray.serve("shards", port=8080)  # /api/search as `gonghui serve` answers it

or from a shell, ``python -m gonghui.ray index CORPUS... --shards 4 --out shards`` and
``python -m gonghui.ray serve shards --addr 127.0.0.1:8080``. Both start a local Ray cluster,
or join one with ``address`` (``--address``, as ``ray.init`` takes it: ``auto`` on a node of
the cluster, or the head's ``HOST:6379``). Ray does the placement, the calls between processes, the retries and
restarts, the replicas and the HTTP ingress; gonghui does the indexing, the shard plan that
keeps every copy of a story in one shard, the four steps of a search over shards and the
merge of their answers.
"""

from .indexing import MANIFEST, index
from .serving import serve

__all__ = ["MANIFEST", "index", "serve"]
