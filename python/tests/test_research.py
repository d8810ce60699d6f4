"""Trends, concordances and collocations from Python equal what the command line prints."""

from __future__ import annotations

import pytest

import gonghui

from conftest import cli_object, run_cli


def test_trend_equals_the_command_line(news_index, cli):
    index = str(news_index.path)
    for args, kwargs in [
        (["农民工", "新就业形态"], {}),
        (["劳模"], {"by": "month", "per": "articles", "date_from": "2020-01-01"}),
    ]:
        flags = []
        for name, value in kwargs.items():
            flags += [{"date_from": "--from"}.get(name, "--" + name), value]
        want = cli_object(cli, "trend", *args, "--index", index, "--json", *flags)
        got = news_index.trend(args, **kwargs)
        assert got == want
        assert len(got["periods"]) == len(got["totals"]) == len(got["series"][0]["rates"])
    with pytest.raises(gonghui.UsageError, match="give year or month"):
        news_index.trend(["劳模"], by="week")


def test_kwic_equals_the_command_line(news_index, cli):
    index = str(news_index.path)
    for sort in ["date", "left", "right", "score"]:
        lines = run_cli(cli, "kwic", "工会", "--index", index, "--json", "--sort", sort, "-n", "40")
        summary = lines.pop()
        assert summary["type"] == "summary" and summary["lines"] == 40
        for line in lines:
            del line["type"]
        assert news_index.kwic("工会", sort=sort, limit=40) == lines
    every = news_index.kwic("劳模", exact=True)
    assert every and all(line["match"] == "劳模" for line in every)
    left = [line["left"][::-1] for line in news_index.kwic("劳模", sort="left")]
    assert left == sorted(left), "read from the match leftwards"


def test_collocates_equal_the_command_line(news_index, cli):
    index = str(news_index.path)
    want = cli_object(cli, "collocates", "农民工", "--index", index, "--json", "-n", "10")
    got = news_index.collocates("农民工", limit=10)
    assert got == want
    words = got["lists"][0]["collocates"]
    assert [w["score"] for w in words] == sorted((w["score"] for w in words), reverse=True)
    by_year = news_index.collocates("农民工", by_year=True, limit=3)
    assert all(len(lst["period"]) == 4 for lst in by_year["lists"])
