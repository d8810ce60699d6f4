"""The search through Python gives what the command line's JSON gives, hit for hit."""

from __future__ import annotations

import builtins
import json
import re
import threading

import pytest

import gonghui
from conftest import REPO, cli_object, run_cli

# Pages, orders and filters, as the command line spells them and as Python does.
VARIANTS = [
    ([], {}),
    (["--offset", "10", "--sort", "-date"], {"offset": 10, "sort": "-date"}),
    (["--per-article", "1", "--from", "2020-01-01", "--to", "2021-12-31"],
     {"per_article": 1, "date_from": "2020-01-01", "date_to": "2021-12-31"}),
    (["--explain", "--no-collapse", "--exact", "-n", "20"],
     {"explain": True, "collapse": False, "exact": True, "limit": 20}),
]


def by_query(lines: list[dict]) -> list[tuple[list[dict], dict]]:
    """JSON Lines of a --queries run, split into each query's hits and summary."""
    runs, hits = [], []
    for line in lines:
        if line["type"] == "summary":
            runs.append((hits, line))
            hits = []
        else:
            assert line["type"] == "hit", line
            hits.append(line)
    return runs


@pytest.mark.parametrize("flags,keywords", VARIANTS)
def test_every_query_gives_the_command_lines_hits(news_index, cli, queries, tmp_path, flags, keywords):
    query_file = tmp_path / "queries.txt"
    query_file.write_text("\n".join(queries) + "\n", encoding="utf-8")
    lines = run_cli(cli, "search", "--index", str(news_index.path), "--json",
                    "--queries", str(query_file), *flags)
    runs = by_query(lines)
    assert len(runs) == len(queries)
    matched = 0
    for query, (hits, summary) in zip(queries, runs):
        results = news_index.search(query, **keywords)
        assert [hit.to_dict() for hit in results] == hits, query
        assert (results.total, results.expanded) == (summary["total"], summary["expanded"])
        assert results.summary()["returned"] == summary["returned"]
        matched += results.total > 0
    # The filtered variant keeps two years of the sample's articles: fewer queries match.
    assert matched > len(queries) * 0.6


def test_highlights_index_the_python_string(news_index):
    results = news_index.search("疫情 防控", limit=20, exact=True)
    assert len(results) == 20
    for hit in results:
        assert hit.highlights and hit.matches == [hit.text[s:e] for s, e in hit.highlights]
        # Matches that touch are one span.
        assert all(re.fullmatch("(疫情|防控)+", m) for m in hit.matches), hit.matches
        assert hit.score == hit.to_dict()["score"]


def test_the_readmes_three_lines(seed_index):
    hit = seed_index.search("志愿者")[0]
    assert "志愿者" in hit.text
    assert hit.article.source == "甘肃工人报" and hit.article.date == "2021-11-03"
    assert hit.para > 0 and hit.rank == 1


def test_results_are_a_sequence(seed_index):
    results = seed_index.search("志愿者", limit=4)
    assert results.total == 9 and len(results) == 4
    assert [h.rank for h in results] == [1, 2, 3, 4]
    assert [h.rank for h in results[1:3]] == [2, 3] and results[-1].rank == 4
    assert len(results.hits) == 4
    with pytest.raises(IndexError):
        results[4]
    page = seed_index.search("志愿者", limit=4, offset=4)
    assert [h.rank for h in page] == [5, 6, 7, 8]


def test_search_iter_streams_every_match(news_index):
    stream = news_index.search_iter("的")
    total = stream.total
    assert total == news_index.count("的") and total > 10_000
    first = next(stream)
    assert first.rank == 1
    rss_after_first = resident_mib()
    taken = 1 + sum(1 for _ in stream)
    assert taken == total
    assert stream.summary()["returned"] == total
    # Held, the hits' text alone would take tens of MB; streamed, memory stays flat.
    assert resident_mib() - rss_after_first < 40


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_a_search_releases_the_gil(news_index):
    counter = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            counter[0] += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        before = counter[0]
        news_index.search("的", limit=0)
        during = counter[0] - before
    finally:
        stop.set()
        thread.join()
    # With the GIL held through the search, the counting thread could not run at all.
    assert during > 1000


def test_threads_search_at_once_and_agree(news_index, queries):
    expected = {q: [h.to_dict() for h in news_index.search(q)] for q in queries}
    found: dict[str, list] = {}
    errors: list[BaseException] = []

    def search(part: list[str]):
        try:
            for q in part:
                found[q] = [h.to_dict() for h in news_index.search(q)]
        except BaseException as error:  # the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=search, args=(queries[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and found == expected


def test_count_facets_stats_analyze_as_the_command_line(news_index, cli):
    index = str(news_index.path)
    summary = run_cli(cli, "search", "工会", "--index", index, "--json", "--facets", "-n", "0")[-1]
    assert news_index.facets("工会") == summary["facets"]
    assert news_index.count("工会") == summary["total"]
    assert news_index.stats() == cli_object(cli, "stats", "--index", index, "--json")
    for text in ["全总", "甘肃省總工會", "新就业形态劳动者"]:
        assert news_index.analyze(text) == run_cli(cli, "analyze", text, "--index", index, "--json")[0]


def test_reprints(seed_index, tmp_path):
    # The seed article, run again by a second paper a day later.
    hit = seed_index.search("志愿者")[0]
    text = "\n".join(h.text for h in seed_index.search("工会", limit=0, sort="date"))
    records = tmp_path / "reprinted.jsonl"
    with open(records, "w", encoding="utf-8") as out:
        for number, (source, date) in enumerate([("甘肃工人报", "2021-11-03"), ("工人日报", "2021-11-04")]):
            record = {"id": f"r{number}", "title": hit.article.title, "source": source,
                      "date": date, "body": text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    gonghui.index(records, index=tmp_path / "ix")
    index = gonghui.Index.open(tmp_path / "ix")
    first = index.search("志愿者")[0].article
    other = {"r0": "r1", "r1": "r0"}[first.id]
    assert [r.id for r in first.reprints] == [other]
    assert index.reprints(first.id) == [
        {"id": other, "source": first.reprints[0].source, "date": first.reprints[0].date,
         "title": hit.article.title}
    ]
    every_copy = index.search("志愿者", limit=0, collapse=False)
    assert len(every_copy) == every_copy.total == 2 * len(index.search("志愿者", limit=0))


def test_errors_are_gonghuis_exceptions(seed_index, tmp_path):
    with pytest.raises(gonghui.QueryError, match="quote is not closed"):
        seed_index.search('"志愿者')
    with pytest.raises(gonghui.UsageError, match='date_from="2021-13-01"'):
        seed_index.search("志愿者", date_from="2021-13-01")
    with pytest.raises(gonghui.UsageError, match="is after"):
        seed_index.search("志愿者", date_from="2021-12-01", date_to="2021-01-01")
    with pytest.raises(gonghui.UsageError, match="score, date or -date"):
        seed_index.search("志愿者", sort="newest")
    with pytest.raises(gonghui.IndexNotFound, match="no index at"):
        gonghui.Index.open(tmp_path / "nothing")
    with pytest.raises(gonghui.FileError, match="nodict.txt"):
        gonghui.index(REPO / "corpus", index=tmp_path / "ix", dict=tmp_path / "nodict.txt")
    missing = gonghui.index(tmp_path / "gone.jsonl", index=tmp_path / "ix2")
    assert missing.skipped == [(str(tmp_path / "gone.jsonl"), "No such file or directory (os error 2)")]
    for name in ["QueryError", "UsageError", "IndexNotFound", "IndexLocked", "IndexReadOnly",
                 "IndexIncompatible", "IndexDamaged", "FileError", "InternalError"]:
        exception = getattr(gonghui, name)
        assert issubclass(exception, gonghui.Error) and not hasattr(builtins, name)


def test_a_damaged_index_raises_index_damaged(tmp_path):
    folder = tmp_path / "ix"
    gonghui.index(REPO / "corpus", index=folder)
    store = next(folder.glob("*.store"))
    store.write_bytes(store.read_bytes()[:-100])
    with pytest.raises(gonghui.IndexDamaged, match="is damaged"):
        gonghui.Index.open(folder).search("志愿者")


def test_index_reports_what_it_could_not_read(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text(
        '{"id":"a1","title":"职工书屋","source":"工人日报","date":"2021-04-23",'
        '"body":"全国总工会命名一批职工书屋。\\n书屋里有<b>新书</b> & 期刊。"}\n'
        "not json\n",
        encoding="utf-8",
    )
    report = gonghui.index([records], index=tmp_path / "ix")
    assert (report.articles, report.passages) == (1, 2)
    assert len(report.skipped) == 1 and report.skipped[0][0] == f"{records}:2"
    index = gonghui.Index(tmp_path / "ix")
    html = index.search("新书")._repr_html_()
    assert "&lt;b&gt;<mark>新书</mark>&lt;/b&gt; &amp; 期刊" in html
    assert "<mark>" in index.search("新书")[0]._repr_html_()
    again = gonghui.index(str(records), index=tmp_path / "ix")
    assert again.articles == 0 and again.files_unchanged == 1


def test_help_and_completion_see_the_arguments():
    assert "date_from" in gonghui.Index.search.__text_signature__
    assert "per_article" in gonghui.Index.search.__doc__
    assert "character offsets" in gonghui.Hit.__doc__


def test_to_pandas(seed_index):
    pandas = pytest.importorskip("pandas")
    results = seed_index.search("志愿者", limit=0)
    frame = results.to_pandas()
    assert len(frame) == results.total == 9
    assert list(frame["text"]) == [hit.text for hit in results]
    assert (frame["matches"].map(lambda m: m[0]) == "志愿者").all()
    assert frame["date"].dt.year.eq(2021).all()
    streamed = gonghui.to_pandas(seed_index.search_iter("志愿者"))
    assert pandas.testing.assert_frame_equal(streamed, frame) is None
