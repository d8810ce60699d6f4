"""Exports read back by the tools people use: Python's csv module, a RIS reader (rispy) and
a BibTeX parser (bibtexparser) give back the hits and articles the search found."""

from __future__ import annotations

import csv
import io
import json

import bibtexparser
import pytest
import rispy

import gonghui

from conftest import cli_output, run_cli

# Records with authors and pages, and a title made to break rows and run as a formula.
WRITTEN = [
    {"id": "w1", "title": "职工书屋开进车间", "source": "工人日报", "date": "2021-11-03",
     "author": ["张三", "李四"], "page": 3, "body": "职工书屋开进车间，工会为一线职工送去图书。"},
    {"id": "w2", "title": "工会送清凉", "source": "工人日报", "date": "2021-07-01",
     "author": "王五", "page": "第5版", "url": "http://example.org/w2",
     "body": "工会为高温下的职工送清凉。"},
    {"id": "h1", "title": "=cmd|' /C calc'!A0, \"工会\"\n{通知} 50% & #1", "source": "报,社",
     "date": "2021-05-01", "body": "-2+3 工会通知，请勿执行。"},
]


@pytest.fixture(scope="module")
def written_index(tmp_path_factory) -> gonghui.Index:
    folder = tmp_path_factory.mktemp("written")
    corpus = folder / "written.jsonl"
    corpus.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in WRITTEN), encoding="utf-8"
    )
    gonghui.index(corpus, index=folder / "index")
    return gonghui.Index.open(folder / "index")


def export(cli, index: gonghui.Index, query: str, form: str) -> str:
    return cli_output(cli, "search", query, "--index", str(index.path), "--format", form, "-n", "0")


def json_hits(cli, index: gonghui.Index, query: str) -> list[dict]:
    lines = run_cli(cli, "search", query, "--index", str(index.path), "--json", "-n", "0")
    return [line for line in lines if line["type"] == "hit"]


@pytest.mark.parametrize("query", ["劳模", "农民工 工资"])
def test_csv_reads_back_as_the_json_hits(news_index, cli, query):
    text = export(cli, news_index, query, "csv")
    assert text.startswith("\ufeff"), "a byte order mark, for Excel"
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    hits = json_hits(cli, news_index, query)
    assert len(rows) == len(hits) > 5
    for row, hit in zip(rows, hits):
        assert row["rank"] == str(hit["rank"])
        assert row["id"] == hit["article"]["id"]
        assert row["title"].lstrip("'") == hit["article"]["title"]
        assert row["text"].lstrip("'") == hit["passage"]["text"]
        assert row["date"] == hit["article"]["date"]
        text_chars = hit["passage"]["text"]
        matches = [text_chars[start:end] for start, end in hit["highlights"]]
        assert row["matches"] == "；".join(matches)


def test_ris_reads_back_one_record_per_article(news_index, cli):
    records = rispy.loads(export(cli, news_index, "劳模", "ris"))
    hits = json_hits(cli, news_index, "劳模")
    articles = list(dict.fromkeys(hit["article"]["id"] for hit in hits))
    assert [r["id"] for r in records] == articles
    first = {hit["article"]["id"]: hit["article"] for hit in reversed(hits)}
    for record in records:
        article = first[record["id"]]
        assert record["type_of_reference"] == "NEWS"
        assert record["title"] == article["title"]
        assert record["secondary_title"] == article["source"]
        assert record["date"] == article["date"].replace("-", "/")
        assert record["urls"] == [article["url"]]


def test_bibtex_parses_one_entry_per_article(news_index, cli):
    library = bibtexparser.parse_string(export(cli, news_index, "劳模", "bibtex"))
    assert not library.failed_blocks
    hits = json_hits(cli, news_index, "劳模")
    articles = list(dict.fromkeys(hit["article"]["id"] for hit in hits))
    assert [entry["note"] for entry in library.entries] == articles
    assert len({entry.key for entry in library.entries}) == len(articles)
    for entry in library.entries:
        assert entry.entry_type == "article"
        assert entry["journal"] and entry["year"] == entry["date"][:4]


def test_authors_pages_and_a_hostile_title_read_back(written_index, cli):
    records = {r["id"]: r for r in rispy.loads(export(cli, written_index, "工会", "ris"))}
    assert records["w1"]["authors"] == ["张三", "李四"]
    assert records["w1"]["start_page"] == "3"
    assert records["w2"]["authors"] == ["王五"]
    assert records["w2"]["start_page"] == "5"
    assert records["w2"]["urls"] == ["http://example.org/w2"]
    assert records["h1"]["title"] == "=cmd|' /C calc'!A0, \"工会\" {通知} 50% & #1"

    library = bibtexparser.parse_string(export(cli, written_index, "工会", "bibtex"))
    assert not library.failed_blocks
    entries = {entry["note"]: entry for entry in library.entries}
    assert entries["w1"]["author"] == "张三 and 李四"
    assert entries["w1"]["pages"] == "3"
    # TeX's specials escaped: the braces stay balanced, % does not start a comment.
    assert entries["h1"]["title"] == "=cmd|' /C calc'!A0, \"工会\" \\{通知\\} 50\\% \\& \\#1"
    assert entries["h1"]["journal"] == "报,社"

    text = export(cli, written_index, "工会", "csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text[1:], newline=""))}
    assert len(rows) == 3
    assert rows["h1"]["title"] == "'=cmd|' /C calc'!A0, \"工会\"\n{通知} 50% & #1"
    assert rows["h1"]["text"] == "'-2+3 工会通知，请勿执行。"
    assert (rows["w1"]["author"], rows["w1"]["page"]) == ("张三, 李四", "3")
    assert (rows["w2"]["author"], rows["w2"]["page"]) == ("王五", "第5版")


def test_the_python_hit_has_the_author_and_page(written_index):
    hits = {hit.article.id: hit for hit in written_index.search("工会", limit=10)}
    assert (hits["w1"].article.author, hits["w1"].article.page) == ("张三, 李四", "3")
    assert hits["h1"].article.author == ""
    assert [hit.article.id for hit in written_index.search("author:王五")] == ["w2"]
