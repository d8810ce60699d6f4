"""Fixtures: indexes built with gonghui.index, the command line beside them, ../shared."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

import gonghui

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
# Every news article of the sample corpus is one of this many; enough to give the judged
# queries hits, small enough to index in seconds.
NEWS_STRIDE = 10


def shared(relative: str) -> Path:
    """A file of ../shared; missing, the test is skipped, or fails under CI=true."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is missing; CI must run beside ../shared"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def cli() -> Path:
    """The gonghui command, built by `cargo build --release` (or GONGHUI_BIN)."""
    binary = Path(os.environ.get("GONGHUI_BIN", REPO / "target" / "release" / "gonghui"))
    if not binary.exists():
        pytest.fail(f"{binary} is missing: run `cargo build --release` first")
    return binary


def cli_output(cli: Path, *args: str) -> str:
    """What the command writes for these arguments (exit 0 or 1, as grep's)."""
    done = subprocess.run(
        [str(cli), *args], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def run_cli(cli: Path, *args: str) -> list[dict]:
    """The JSON Lines the command writes for these arguments."""
    return [json.loads(line) for line in cli_output(cli, *args).splitlines() if line]


def cli_object(cli: Path, *args: str) -> dict:
    """The one JSON object (pretty-printed or not) the command writes."""
    return json.loads(cli_output(cli, *args))


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> gonghui.Index:
    """The bundled corpus/ (the seed article), indexed."""
    folder = tmp_path_factory.mktemp("seed")
    gonghui.index(REPO / "corpus", index=folder)
    return gonghui.Index.open(folder)


def news_sample(path: Path, stride: int) -> Path:
    """One article in `stride` of the news corpus, written to `path` as JSON Lines."""
    zstandard = pytest.importorskip("zstandard")
    news = shared("corpus/news.jsonl.zst")
    with open(news, "rb") as packed, open(path, "wb") as out:
        reader = zstandard.ZstdDecompressor().stream_reader(packed)
        for number, line in enumerate(io.BufferedReader(reader)):
            if number % stride == 0:
                out.write(line)
    return path


@pytest.fixture(scope="session")
def news_index(tmp_path_factory) -> gonghui.Index:
    """One article in NEWS_STRIDE of the news corpus, indexed; or the index that
    GONGHUI_NEWS_INDEX names (the full news index, for the whole comparison)."""
    if os.environ.get("GONGHUI_NEWS_INDEX"):
        return gonghui.Index.open(os.environ["GONGHUI_NEWS_INDEX"])
    folder = tmp_path_factory.mktemp("news")
    sample = news_sample(folder / "news-sample.jsonl", NEWS_STRIDE)
    report = gonghui.index(sample, index=folder / "index")
    assert report.articles > 7000 and not report.skipped
    return gonghui.Index.open(folder / "index")


@pytest.fixture(scope="session")
def queries() -> list[str]:
    """The benchmark queries and the judged queries of ../shared."""
    bench = shared("bench/queries.txt").read_text(encoding="utf-8").splitlines()
    judged = [
        line.split("\t")[1]
        for line in shared("eval/queries.tsv").read_text(encoding="utf-8").splitlines()
        if "\t" in line
    ]
    return [q.strip() for q in bench + judged if q.strip()]
