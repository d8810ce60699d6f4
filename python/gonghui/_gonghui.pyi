"""Types of gonghui's native module (re-exported by ``gonghui``)."""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Optional, Sequence, Union, overload

__version__: str

_Path = Union[str, "os.PathLike[str]"]

class Error(Exception):
    """Base of every error gonghui raises; its message says what went wrong and what to do."""

class QueryError(Error):
    """The query is not valid query syntax."""

class UsageError(Error):
    """An argument is not usable: a date that is not a date, an unknown order, a bad synonyms
    or dictionary file."""

class IndexNotFound(Error):
    """There is no index at the path given."""

class IndexLocked(Error):
    """Another indexing run holds the index's writer lock."""

class IndexReadOnly(Error):
    """The index's folder cannot be written: it can be searched, not indexed."""

class IndexIncompatible(Error):
    """The index was made by another version of gonghui or another analyzer configuration."""

class IndexDamaged(Error):
    """A file of the index is missing, cut short or corrupted: ``gonghui check`` lists what."""

class FileError(Error):
    """A file could not be read or written (the message names it)."""

class InternalError(Error):
    """gonghui failed on sound input: a bug to report."""

class Reprint:
    """Another copy of a story: an article that ran the same text."""

    id: str
    source: str
    date: str
    title: str

class Article:
    """The article a passage comes from."""

    id: str
    title: str
    source: str
    date: str
    """``YYYY-MM-DD``, empty when undated."""
    url: str
    author: str
    """Who wrote it, names separated by ``, ``; empty when unknown."""
    page: str
    """The newspaper page (版次) as stated, ``3`` or ``第3版``; empty when unknown."""
    path: str
    reprints: list[Reprint]
    """The other copies of the story, when reprints are collapsed."""

class Hit:
    """One ranked passage, with its matches and the article it comes from."""

    @property
    def rank(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def article(self) -> Article: ...
    @property
    def para(self) -> int:
        """The paragraph's number in the article, from 1."""
    @property
    def part(self) -> int:
        """The part of a long paragraph, from 1 (0 when the paragraph is whole)."""
    @property
    def section(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def highlights(self) -> list[tuple[int, int]]:
        """``(start, end)`` character offsets into ``text``: ``text[start:end]`` is a match."""
    @property
    def matches(self) -> list[str]:
        """The matched strings: ``text[start:end]`` for each highlight."""
    @property
    def explain(self) -> Optional[dict[str, Any]]:
        """The parts of the score (``explain=True``), as ``search --json --explain``."""
    def to_dict(self) -> dict[str, Any]:
        """The hit as the object of ``gonghui search --json``."""
    def _repr_html_(self) -> str: ...

class Results(Sequence[Hit]):
    """One page of hits and the search's summary."""

    @property
    def query(self) -> str: ...
    @property
    def total(self) -> int:
        """Exact number of matching passages (of every page)."""
    @property
    def expanded(self) -> dict[str, list[str]]:
        """Each term expanded to synonyms, as typed, with the synonyms searched too."""
    @property
    def elapsed_ms(self) -> float: ...
    @property
    def hits(self) -> list[Hit]: ...
    def summary(self) -> dict[str, Any]:
        """The summary object of ``gonghui search --json``."""
    def to_pandas(self) -> Any:
        """The hits as a pandas DataFrame (``gonghui.to_pandas``)."""
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int) -> Hit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...
    def __iter__(self) -> Iterator[Hit]: ...
    def _repr_html_(self) -> str: ...

class HitIter(Iterator[Hit]):
    """Every hit of a search, read from the index as they are taken."""

    @property
    def total(self) -> int: ...
    @property
    def expanded(self) -> dict[str, list[str]]: ...
    def summary(self) -> dict[str, Any]:
        """The summary of the hits taken so far, as ``gonghui search --json`` ends with it."""
    def __iter__(self) -> HitIter: ...
    def __next__(self) -> Hit: ...

class Index:
    """An open gonghui index; searches release the GIL, so threads search at once."""

    def __init__(self, path: _Path, ranked_cache: int = 0) -> None: ...
    @staticmethod
    def open(path: _Path, ranked_cache: int = 0) -> Index:
        """Opens the index in the folder ``path`` (raises ``IndexNotFound`` when there is none);
        ``ranked_cache`` keeps the ranked matches of recent searches, up to that many."""
    @property
    def path(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    def search(
        self,
        query: str,
        limit: int = 10,
        offset: int = 0,
        sort: str = "score",
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        per_article: Optional[int] = None,
        collapse: bool = True,
        explain: bool = False,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> Results:
        """Ranked passages for ``query``, one page of them.

        ``limit=0`` returns every match; ``sort`` is ``"score"``, ``"date"`` or ``"-date"``;
        ``date_from``/``date_to`` are ``YYYY-MM-DD`` days; ``per_article`` keeps at most that
        many passages per article; ``collapse=False`` shows every copy of a reprinted story;
        ``exact=True`` searches without synonyms; ``synonyms`` adds the groups of a file.
        """
    def search_iter(
        self,
        query: str,
        limit: int = 0,
        offset: int = 0,
        sort: str = "score",
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        per_article: Optional[int] = None,
        collapse: bool = True,
        explain: bool = False,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> HitIter:
        """Every hit of ``query`` (``limit=0``), read from the index as they are taken."""
    def count(
        self,
        query: str,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> int:
        """The number of passages that match, without ranking or reading them."""
    def facets(
        self,
        query: str,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Matching passages by year and by source: ``{"years": [{"key", "count"}…], "sources": […]}``."""
    def trend(
        self,
        terms: Sequence[str],
        by: str = "year",
        per: str = "passages",
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> dict[str, Any]:
        """Each term per year or month beside the archive's totals, as ``gonghui trend --json``."""
    def kwic(
        self,
        query: str,
        width: int = 20,
        sort: str = "date",
        limit: int = 0,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> list[dict[str, Any]]:
        """Every occurrence in its context, the lines of ``gonghui kwic --json``."""
    def collocates(
        self,
        query: str,
        window: int = 10,
        pos: Optional[str] = None,
        by_year: bool = False,
        limit: int = 20,
        min_chars: int = 2,
        min_passages: int = 2,
        date_from: Optional[str] = None,
        date_to: Optional[str] = None,
        exact: bool = False,
        synonyms: Optional[_Path] = None,
    ) -> dict[str, Any]:
        """The words near the matches by log-likelihood, as ``gonghui collocates --json``."""
    def stats(self) -> dict[str, Any]:
        """What the index holds, as ``gonghui stats --json``."""
    def analyze(self, text: str, synonyms: Optional[_Path] = None) -> dict[str, Any]:
        """What analysis makes of ``text``, as ``gonghui analyze --json``."""
    def reprints(self, article_id: str) -> list[dict[str, str]]:
        """The other copies of the article with this id, oldest first."""
    def token_totals(self) -> dict[str, int]:
        """The tokens of each indexed text field, by field name."""
    def shard_answer(
        self,
        step: str,
        query_string: str,
        statistics: Optional[str] = None,
        depth: int = 10,
        entries: Optional[str] = None,
    ) -> tuple[int, str]:
        """This index's answer, as a shard, to a request of ``/api/search`` at one step of a
        search over shards (``"statistics"``, ``"best_bm25"``, ``"rank"``, ``"fetch"``):
        status, JSON."""
    def reload(self) -> None:
        """Sees what indexing runs committed since the index was opened or last reloaded."""

class IndexReport:
    """What an indexing run did, as ``gonghui index --json`` reports it."""

    articles: int
    passages: int
    files_read: int
    files_unchanged: int
    files_replaced: int
    files_pruned: int
    skipped: list[tuple[str, str]]
    """What could not be read: ``(place, reason)``, the place ``FILE`` or ``FILE:LINE``."""
    total_articles: int
    total_passages: int
    seconds: float
    index_bytes: int

def index(
    paths: Union[_Path, Sequence[_Path]],
    index: _Path = "index",
    rebuild: bool = False,
    prune: bool = False,
    dict: Optional[_Path] = None,
    threads: int = 0,
    only: Optional[Iterable[str]] = None,
) -> IndexReport:
    """Indexes pages (``.txt``), JSON Lines and folders into the index folder ``index``
    (``only``: the ids of the articles to index, a shard's share from ``plan_shards``)."""

def plan_shards(
    paths: Union[_Path, Sequence[_Path]],
    shards: int,
    by: str = "story",
    work_dir: Optional[_Path] = None,
) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """The article ids of each of ``shards`` shards, every copy of a story in one shard, and
    what could not be read (``(place, reason)``, as ``IndexReport.skipped``)."""
