#!/usr/bin/env python3
"""Prints the N most frequent Han characters of a JSON Lines news corpus (zstd or plain), one
line, sorted by code point: the list of `src/analysis/common-chars.txt`, whose adjacent pairs
are indexed as terms of their own (see `src/analysis/pairs.rs`).

    python3 benches/common_chars.py ../shared/corpus/news.jsonl.zst [N]   # N = 64
"""
import collections
import io
import json
import sys


def lines(path):
    raw = open(path, "rb")
    if path.endswith(".zst"):
        import zstandard

        raw = zstandard.ZstdDecompressor().stream_reader(raw)
    return io.TextIOWrapper(raw, encoding="utf-8")


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    counts = collections.Counter()
    for line in lines(path):
        record = json.loads(line)
        counts.update(c for c in record.get("body", "") if "\u4e00" <= c <= "\u9fff")
    print("".join(sorted(c for c, _ in counts.most_common(top))))


if __name__ == "__main__":
    main()
