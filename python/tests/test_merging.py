"""The merge of shards' answers (plain Python, no Ray): figures summed, dates met, hits in the
order one index gives, facets summed in its order."""

from __future__ import annotations

from gonghui.ray.merging import meets, merge_answers, merge_facets, sum_statistics


def hit(article: str, score: float, date: str = "2021-01-01", para: int = 1) -> dict:
    return {"type": "hit", "rank": 0, "score": score, "article": {"id": article, "date": date},
            "passage": {"para": para}}


def answer(hits, total, years, sources, expanded=None) -> dict:
    return {
        "hits": hits,
        "summary": {"type": "summary", "version": 1, "query": "q", "total": total, "returned": len(hits),
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


def test_hits_are_merged_by_score_then_shard_and_ranked_from_the_offset():
    a = answer([hit("a1", 9.0), hit("a2", 5.0)], 2, [], [])
    b = answer([hit("b1", 7.0), hit("b2", 5.0)], 2, [], [])
    page = {"offset": 1, "limit": 2, "sort": "score", "per_article": None}
    merged = merge_answers([(0, a), (1, b)], page, 3.0, [], "q")
    assert [(h["article"]["id"], h["rank"]) for h in merged["hits"]] == [("b1", 2), ("a2", 3)]
    assert merged["summary"]["total"] == 4 and merged["summary"]["returned"] == 2
    assert "partial" not in merged["summary"]


def test_by_date_undated_last_and_articles_stay_together():
    a = answer([hit("a", 1.0, "2020-05-01"), hit("a", 0.5, "2020-05-01", 2), hit("u", 9.0, "")], 3, [], [])
    b = answer([hit("b", 2.0, "2021-01-01")], 1, [], [])
    newest = {"offset": 0, "limit": 10, "sort": "-date", "per_article": 2}
    merged = merge_answers([(0, a), (1, b)], newest, 1.0, [2], "q")
    assert [h["article"]["id"] for h in merged["hits"]] == ["b", "a", "a", "u"]
    assert merged["summary"]["partial"] is True and merged["summary"]["missing_shards"] == [2]


def test_facets_are_summed_in_one_indexs_order():
    years = merge_facets([
        {"years": [{"key": "2020", "count": 2}, {"key": "", "count": 1}], "sources": [{"key": "乙", "count": 2}]},
        {"years": [{"key": "2019", "count": 1}], "sources": [{"key": "甲", "count": 2}, {"key": "丙", "count": 1}]},
    ])
    assert years["years"] == [{"key": "2019", "count": 1}, {"key": "2020", "count": 2}, {"key": "", "count": 1}]
    assert [s["key"] for s in years["sources"]] == ["乙", "甲", "丙"]
