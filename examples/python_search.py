"""Search an index from Python, as a notebook does: hits with their matches, a page as a
DataFrame, and every match of a term counted by year.

    pip install ./python pandas
    python examples/python_search.py index 志愿者
"""

import sys
from collections import Counter

import gonghui


def main(index_dir: str, query: str) -> None:
    ix = gonghui.Index.open(index_dir)
    results = ix.search(query, limit=5)
    print(f"{results.total} passages match {query}")
    for hit in results:
        marked, last = [], 0
        for start, end in hit.highlights:  # character offsets: Python's str indexes
            marked += [hit.text[last:start], "【", hit.text[start:end], "】"]
            last = end
        marked.append(hit.text[last:])
        article = hit.article
        print(f"{hit.rank}. {article.title} ({article.source} {article.date}, para {hit.para})")
        print("   " + "".join(marked)[:120])

    # Every match, streamed: memory stays flat however many there are.
    years = Counter(hit.article.date[:4] or "undated" for hit in ix.search_iter(query))
    print("by year:", ", ".join(f"{year} {n}" for year, n in sorted(years.items())))

    try:
        frame = results.to_pandas()
    except ImportError:
        return
    print(frame[["rank", "title", "date", "para", "matches"]].to_string(index=False))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python_search.py INDEX QUERY")
    try:
        main(sys.argv[1], sys.argv[2])
    except gonghui.Error as error:
        sys.exit(f"gonghui: {error}")
