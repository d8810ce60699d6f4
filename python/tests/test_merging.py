"""The merge of shards' answers (plain Python, no Ray): figures summed, dates met, hits in the
order one index gives, facets summed in its order."""

from __future__ import annotations

from gonghui.ray.merging import meets, merge_answers, merge_entries, merge_facets, sum_statistics


def entry(article: int, score: float, date: str = "2021-01-01", doc: int = 0) -> dict:
    return {"doc": [0, doc], "score": score, "article": article, "date": date}


def answer(entries, total, years, sources, expanded=None) -> dict:
    return {
        "entries": entries,
        "summary": {"type": "summary", "version": 1, "query": "q", "total": total, "returned": len(entries),
                    "elapsed_ms": 1.0, "expanded": expanded or {}},
        "facets": {"years": years, "sources": sources},
    }


def test_figures_are_summed_and_the_best_is_the_highest():
    a = {"passages": 10, "grams": 100, "doc_freqs": {"工": 3, "会": 2}, "best_bm25": 1.5}
    b = {"passages": 5, "grams": 40, "doc_freqs": {"工": 1}, "best_bm25": 2.5}
    assert sum_statistics([a, b]) == {
        "passages": 15, "grams": 140, "doc_freqs": {"工": 4, "会": 2}, "best_bm25": 2.5,
    }
    assert "best_bm25" not in sum_statistics([dict(a, best_bm25=None)])


def test_a_shard_is_searched_when_its_dates_meet_the_filters():
    shard = {"date_from": "2016-01-24", "date_to": "2019-07-05"}
    assert meets(shard, None, None)
    assert meets(shard, "2019-07-05", None) and meets(shard, None, "2016-01-24")
    assert not meets(shard, "2019-07-06", None) and not meets(shard, None, "2016-01-23")
    assert meets({"date_from": None, "date_to": None}, None, None)
    assert not meets({"date_from": None, "date_to": None}, "2020-01-01", None)


def test_entries_are_merged_by_score_then_shard_and_ranked_from_the_offset():
    a = answer([entry(1, 9.0), entry(2, 5.0)], 2, [], [])
    b = answer([entry(3, 7.0), entry(4, 5.0)], 2, [], [])
    page = {"offset": 1, "limit": 2, "sort": "score", "per_article": None}
    chosen = merge_entries([(0, a), (1, b)], page)
    assert [(shard, e["article"], e["rank"]) for shard, e in chosen] == [(1, 3, 2), (0, 2, 3)]
    merged = merge_answers([(0, a), (1, b)], [{"rank": 2}, {"rank": 3}], 3.0, [])
    assert merged["summary"]["total"] == 4 and merged["summary"]["returned"] == 2
    assert "partial" not in merged["summary"]


def test_by_date_undated_last_and_articles_stay_together():
    a = answer([entry(1, 1.0, "2020-05-01"), entry(1, 0.5, "2020-05-01", 1), entry(2, 9.0, "")], 3, [], [])
    b = answer([entry(3, 2.0, "2021-01-01")], 1, [], [])
    newest = {"offset": 0, "limit": 10, "sort": "-date", "per_article": 2}
    chosen = merge_entries([(0, a), (1, b)], newest)
    assert [e["article"] for _, e in chosen] == [3, 1, 1, 2]
    merged = merge_answers([(0, a), (1, b)], [], 1.0, [2])
    assert merged["summary"]["partial"] is True and merged["summary"]["missing_shards"] == [2]


def test_facets_are_summed_in_one_indexs_order():
    years = merge_facets([
        {"years": [{"key": "2020", "count": 2}, {"key": "", "count": 1}], "sources": [{"key": "乙", "count": 2}]},
        {"years": [{"key": "2019", "count": 1}], "sources": [{"key": "甲", "count": 2}, {"key": "丙", "count": 1}]},
    ])
    assert years["years"] == [{"key": "2019", "count": 1}, {"key": "2020", "count": 2}, {"key": "", "count": 1}]
    assert [s["key"] for s in years["sources"]] == ["乙", "甲", "丙"]
