"""Warm query latency through `import gonghui`, measured as benches/warm_queries.rs measures
the Rust library: the top 10 passages with highlights for every query of a query file, 20
rounds after one that warms the caches; prints p50 / p95 / p99 in the same words.

    python benches/python_warm.py INDEX_DIR QUERY_FILE
"""

import sys
import time

import gonghui

ROUNDS = 20


def main(index_dir: str, query_file: str) -> None:
    ix = gonghui.Index.open(index_dir)
    with open(query_file, encoding="utf-8") as lines:
        queries = [q.strip() for q in lines if q.strip()]
    latencies, slowest = [], (0.0, "")
    for round_ in range(ROUNDS + 1):
        for query in queries:
            started = time.perf_counter()
            results = ix.search(query)
            ms = (time.perf_counter() - started) * 1000
            assert len(results) <= 10
            if round_ > 0:
                latencies.append(ms)
                slowest = max(slowest, (ms, query))
    latencies.sort()

    def at(p: float) -> float:
        return latencies[min(int(len(latencies) * p), len(latencies) - 1)]

    print(
        f"warm top-10 with highlights, {len(queries)} queries x {ROUNDS} rounds: "
        f"p50 {at(0.5):.2f} ms, p95 {at(0.95):.2f} ms, p99 {at(0.99):.2f} ms "
        f"(slowest {slowest[0]:.2f} ms: {slowest[1]})"
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
