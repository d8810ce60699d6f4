#!/usr/bin/env python3
"""Query latency of shards on Ray Serve beside one index on `gonghui serve`, in one run.

    python3 benches/ray.py --one INDEX --shards DIR [--queries FILE] [--repeat 5] [--leaves K]

Starts `gonghui serve` on the one index (target/release/gonghui, or GONGHUI) and `python -m
gonghui.ray serve` on the shards (a local Ray cluster), asks each for every query's first
page once (the first request: nothing ranked yet), then `repeat` times more (asked again:
rankings and figures kept), one request at a time, the two servers in turn; prints the
median, 90th and 99th percentile of the request times (milliseconds, from the request to the
last byte, as a client sees them) and how many answers had the same passages with the same
scores (within 1e-4). Queries: the benchmark and judged queries (`benches/queries.sh`).
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(base, query):
    url = f"{base}/api/search?{urllib.parse.urlencode({'q': query})}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        body = answer.read()
    return (time.perf_counter() - started) * 1000.0, json.loads(body)


def wait_for(base, process, seconds=300):
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            sys.exit(f"the server for {base} stopped (exit {process.returncode})")
        try:
            ask(base, "工会")
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"{base} did not answer within {seconds} s")
            time.sleep(0.5)


def same(a, b):
    ha, hb = a.get("hits", []), b.get("hits", [])
    return len(ha) == len(hb) and all(abs(x["score"] - y["score"]) < 1e-4 for x, y in zip(ha, hb))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--one", required=True, help="the one index")
    parser.add_argument("--shards", required=True, help="the shards' folder")
    parser.add_argument("--queries", help="a file of queries, one a line")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--leaves", type=int, help="leaf deployments (default: one per node)")
    args = parser.parse_args()
    if args.queries:
        text = Path(args.queries).read_text(encoding="utf-8")
    else:
        text = subprocess.run(
            ["bash", str(REPO / "benches" / "queries.sh")], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout
    queries = [q.strip() for q in text.splitlines() if q.strip()]
    gonghui = os.environ.get("GONGHUI", str(REPO / "target" / "release" / "gonghui"))
    one_port, ray_port = free_port(), free_port()
    one = subprocess.Popen(
        [gonghui, "serve", "--index", args.one, "--addr", f"127.0.0.1:{one_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sharded = subprocess.Popen(
        [sys.executable, "-m", "gonghui.ray", "serve", args.shards, "--addr", f"127.0.0.1:{ray_port}"]
        + (["--leaves", str(args.leaves)] if args.leaves else []),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    bases = {"one index": f"http://127.0.0.1:{one_port}", "shards on Ray": f"http://127.0.0.1:{ray_port}"}
    try:
        wait_for(bases["one index"], one)
        wait_for(bases["shards on Ray"], sharded)
        times = {name: [] for name in bases}
        first = {name: [] for name in bases}
        agree = 0
        for query in queries:
            answers = {}
            for name, base in bases.items():
                took, answers[name] = ask(base, query)
                first[name].append(took)
            agree += same(*answers.values())
        for _ in range(args.repeat):
            for query in queries:
                for name, base in bases.items():
                    times[name].append(ask(base, query)[0])
        print(f"{len(queries)} queries × {args.repeat}, one request at a time; same top 10: {agree}/{len(queries)}")
        print(f"{'':32} {'median':>8} {'p90':>8} {'p99':>8}  (ms)")
        for label, measured in (("first request", first), ("asked again", times)):
            for name, values in measured.items():
                print(
                    f"{name + ', ' + label:32} {statistics.median(values):8.1f} "
                    f"{percentile(values, 0.9):8.1f} {percentile(values, 0.99):8.1f}"
                )
    finally:
        one.terminate()
        sharded.terminate()
        one.wait()
        sharded.wait()
        # The local cluster the Ray server started, should it outlive it.
        subprocess.run([str(Path(sys.executable).parent / "ray"), "stop", "--force"], capture_output=True)


if __name__ == "__main__":
    main()
