"""Sharded indexing: the corpus planned into shards (every copy of a story in one), each shard
indexed by gonghui's own indexer in a Ray task, and a manifest of what each shard holds."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import ray

import gonghui

# The manifest's file name in the output folder, and the version of its format.
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1

_Path = Union[str, "os.PathLike[str]"]


def checksum(folder: Path) -> str:
    """A SHA-256 of a shard's files (names and bytes), leaving out tantivy's lock files."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(".tantivy-"):
            continue
        digest.update(relative.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()


@ray.remote
def _plan(paths: list[str], shards: int, by: str, cwd: str) -> tuple[list[list[str]], list[tuple[str, str]]]:
    # Paths are read as the driver gave them, from its folder: an article's id and path are
    # then what one index of the same paths would store.
    os.chdir(cwd)
    return gonghui.plan_shards(paths, shards, by=by)


@ray.remote
def _index_shard(
    paths: list[str], folder: str, ids: list[str], threads: int, cwd: str
) -> dict[str, Any]:
    os.chdir(cwd)
    started = time.monotonic()
    report = gonghui.index(paths, index=folder, rebuild=True, threads=threads, only=ids)
    shard = gonghui.Index.open(folder)
    stats = shard.stats()
    return {
        "articles": stats["articles"],
        "passages": stats["passages"],
        "date_from": stats["date_from"],
        "date_to": stats["date_to"],
        "tokens": shard.token_totals(),
        "bytes": report.index_bytes,
        "seconds": round(time.monotonic() - started, 3),
        "checksum": checksum(Path(folder)),
    }


def index(
    paths: Union[_Path, Sequence[_Path]],
    shards: int,
    out: _Path,
    by: str = "story",
    address: Optional[str] = None,
    threads: int = 1,
) -> dict[str, Any]:
    """Indexes `paths` into `shards` shards under `out` (`out/shard-N`, built afresh) with Ray
    tasks, and writes `out/manifest.json`, which it returns: what could not be read
    (`skipped`, `[place, reason]` as `gonghui index` reports it) and per shard its folder,
    article and passage counts, date span, tokens per field, size, seconds and checksum.

    by: "story" (stories shared out by a hash) or "date" (ranges of days, so that a search
    within dates reads only the shards it meets). Every copy of a reprinted story goes to one
    shard (a first pass over the corpus finds the stories), so that reprints collapse as in
    one index. The paths must be readable at the same place on every node of the cluster.
    address: the cluster to join (`ray.init`'s), or None for a local one. threads: indexing
    threads per task (and the CPUs each task asks Ray for).
    """
    if shards < 1:
        raise gonghui.UsageError("shards: give at least 1")
    listed = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else [os.fspath(p) for p in paths]
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not ray.is_initialized():
        ray.init(address=address, log_to_driver=False)
    cwd = os.getcwd()
    started = time.monotonic()
    plan, skipped = ray.get(_plan.remote(listed, shards, by, cwd))
    running = [
        _index_shard.options(num_cpus=threads).remote(
            listed, str(out / f"shard-{n}"), ray.put(ids), threads, cwd
        )
        for n, ids in enumerate(plan)
    ]
    built = ray.get(running)
    manifest = {
        "format": MANIFEST_FORMAT,
        "gonghui": gonghui.__version__,
        "by": by,
        "inputs": listed,
        "seconds": round(time.monotonic() - started, 3),
        "skipped": [list(problem) for problem in skipped],
        "shards": [
            {"shard": n, "path": f"shard-{n}", **entry} for n, entry in enumerate(built)
        ],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: _Path) -> dict[str, Any]:
    """The manifest of the shards in `folder`, each shard's `path` made absolute."""
    folder = Path(folder).resolve()
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise gonghui.IndexNotFound(
            f"{path} is missing: build the shards with `python -m gonghui.ray index CORPUS... "
            f"--shards N --out {folder}`"
        ) from None
    except json.JSONDecodeError as e:
        raise gonghui.IndexDamaged(f"{path}: not a manifest ({e}); build the shards again") from None
    if manifest.get("format") != MANIFEST_FORMAT:
        raise gonghui.IndexIncompatible(
            f"{path} has format {manifest.get('format')!r}, this gonghui reads {MANIFEST_FORMAT}: "
            "build the shards again"
        )
    for entry in manifest["shards"]:
        entry["path"] = str(folder / entry["path"])
    return manifest
