"""gonghui (工会): full-text search for Chinese news archives, from Python.

    import gonghui
    ix = gonghui.Index.open("index")
    for hit in ix.search("志愿者", limit=5):
        print(hit.article.title, hit.text[hit.highlights[0][0]:hit.highlights[0][1]])

``gonghui.index(paths, index=...)`` builds or updates an index; ``Index.search`` returns one
page of ranked passages (``Results``), ``Index.search_iter`` every match, streamed. A
``Hit``'s ``highlights`` are ``(start, end)`` character offsets into its ``text``, as
Python's ``str`` indexes it. ``Hit.to_dict()`` is the hit object of ``gonghui search --json``.
Errors are subclasses of ``gonghui.Error`` with the command line's messages.
"""

from __future__ import annotations

from typing import Any, Iterable

from ._gonghui import (
    Article,
    Error,
    FileError,
    Hit,
    HitIter,
    Index,
    IndexDamaged,
    IndexIncompatible,
    IndexLocked,
    IndexNotFound,
    IndexReadOnly,
    IndexReport,
    InternalError,
    QueryError,
    Reprint,
    Results,
    UsageError,
    __version__,
    index,
    plan_shards,
)

__all__ = [
    "Article",
    "Error",
    "FileError",
    "Hit",
    "HitIter",
    "Index",
    "IndexDamaged",
    "IndexIncompatible",
    "IndexLocked",
    "IndexNotFound",
    "IndexReadOnly",
    "IndexReport",
    "InternalError",
    "QueryError",
    "Reprint",
    "Results",
    "UsageError",
    "__version__",
    "index",
    "plan_shards",
    "to_pandas",
]

# One row per hit; the article's fields first, as a spreadsheet of results reads.
COLUMNS = [
    "rank",
    "score",
    "article_id",
    "title",
    "source",
    "date",
    "url",
    "para",
    "part",
    "section",
    "text",
    "highlights",
    "matches",
    "reprints",
]


def _row(hit: Hit) -> dict[str, Any]:
    article = hit.article
    return {
        "rank": hit.rank,
        "score": hit.score,
        "article_id": article.id,
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "url": article.url,
        "para": hit.para,
        "part": hit.part,
        "section": hit.section,
        "text": hit.text,
        "highlights": hit.highlights,
        "matches": hit.matches,
        "reprints": len(article.reprints),
    }


def to_pandas(hits: Iterable[Hit]) -> Any:
    """The hits as a pandas DataFrame, one row per hit (columns: ``COLUMNS``).

    ``hits`` is a ``Results``, a ``HitIter`` (read to its end) or any iterable of ``Hit``.
    ``date`` becomes a datetime column (``NaT`` for undated articles); ``highlights`` holds
    each hit's ``(start, end)`` character offsets, ``matches`` the strings they mark,
    ``reprints`` how many other copies of the story there are. pandas must be installed
    (``pip install pandas``); gonghui itself does not need it.
    """
    try:
        import pandas as pd
    except ImportError as missing:
        raise ImportError(
            "gonghui.to_pandas needs pandas: pip install pandas"
        ) from missing
    frame = pd.DataFrame([_row(hit) for hit in hits], columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    return frame
