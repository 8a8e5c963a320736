"""The text index per database vendor, behind one small Protocol.

Both backends store the tokens ``ehub.search.domain`` makes; they differ only in SQL. The backend
is chosen from ``connection.vendor`` (``search_backend()``), so the same code runs on the
embedded SQLite default and on PostgreSQL in production.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection, transaction

from ehub.search.domain import FieldTokens, QueryTerm, fts5_match, tsquery_text, tsvector_text


@dataclass(frozen=True)
class IndexedText:
    product_id: int
    title: FieldTokens
    body: FieldTokens
    searchable: bool = True  # False: keep no findable text (SQLite) / filtered out (PostgreSQL)


@dataclass(frozen=True)
class MatchClause:
    """SQL pieces a query adds: a FROM clause naming the documents ``d`` (with the text index
    joined where it is a separate table), a WHERE condition and a relevance expression (lower
    is better), each with its parameters. ``alone``: when set, a FROM clause (and the product id
    column) that answers the match by itself — no join to the documents — usable when nothing
    but the text filters (the text index then holds searchable products only)."""

    source: str
    where: str
    where_params: list[Any]
    rank: str
    rank_params: list[Any]
    alone: tuple[str, str] | None = None


class SearchBackend(Protocol):
    vendor: str

    def write(self, rows: Sequence[IndexedText]) -> None: ...

    def clear(self) -> None: ...

    def match(self, terms: Sequence[QueryTerm]) -> MatchClause: ...

    def has_trigrams(self) -> bool: ...

    def session(self) -> AbstractContextManager[None]:
        """Wraps the queries of one search (planner settings, where a database needs them)."""
        ...


class SqliteFts5Backend:
    """FTS5 table ``search_fts(title, body)``, unicode61 tokenizer, rowid = product id. Holds the
    text of **searchable** products only, so a query without other filters reads it alone: a
    join to the documents costs a B-tree descent per match (ADR 0014)."""

    vendor = "sqlite"
    # bm25 column weights: a title hit counts ten times a description hit.
    TITLE_WEIGHT = 10.0
    BODY_WEIGHT = 1.0

    def write(self, rows: Sequence[IndexedText]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM search_fts WHERE rowid = %s", [(row.product_id,) for row in rows]
            )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [
                    (row.product_id, row.title.text(), row.body.text())
                    for row in rows
                    if row.searchable
                ],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def match(self, terms: Sequence[QueryTerm]) -> MatchClause:
        return MatchClause(
            # CROSS JOIN fixes the loop order: the text index first, then each match's
            # document by rowid. Left to itself SQLite may walk a filter's index (origin,
            # category) and run the whole full-text query once per document.
            source=(
                "search_fts CROSS JOIN search_searchdocument d ON d.product_id = search_fts.rowid"
            ),
            where="search_fts MATCH %s",
            where_params=[fts5_match(terms)],
            rank="bm25(search_fts, %s, %s)",
            rank_params=[self.TITLE_WEIGHT, self.BODY_WEIGHT],
            alone=("search_fts", "search_fts.rowid"),
        )

    def has_trigrams(self) -> bool:
        return False

    def session(self) -> AbstractContextManager[None]:
        return nullcontext()


class PostgresTsvectorBackend:
    """``search_searchdocument.tsv`` (GIN), written and matched as literals: no text-search
    parser or dictionary touches the tokens, so ``simple`` vs ``english`` never matters."""

    vendor = "postgresql"

    def write(self, rows: Sequence[IndexedText]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_searchdocument SET tsv = %s::tsvector WHERE product_id = %s",
                [(tsvector_text(row.title, row.body), row.product_id) for row in rows],
            )

    def clear(self) -> None:
        """Documents are deleted with their rows; nothing separate to clear."""

    def match(self, terms: Sequence[QueryTerm]) -> MatchClause:
        query = tsquery_text(terms)
        return MatchClause(
            source="search_searchdocument d",
            where="d.tsv @@ %s::tsquery",
            where_params=[query],
            # ts_rank is "higher is better"; negate so every backend sorts ascending.
            rank="-ts_rank(d.tsv, %s::tsquery)",
            rank_params=[query],
        )

    @contextmanager
    def session(self) -> Iterator[None]:
        """Plan for an index held in memory. With the default ``random_page_cost`` (4, disks
        that seek) the planner reads every document sequentially for a broad prefix query
        (``tea:*`` matches 12 % of them) and runs the match on each: 5× slower than the GIN
        bitmap it rejects. 1.1 is the usual setting for SSDs and cached data; ``SET LOCAL``
        keeps it to this transaction."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            yield

    def has_trigrams(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_indexes WHERE indexname = 'search_term_trgm' "
                "AND tablename = 'search_searchterm'"
            )
            return cursor.fetchone() is not None


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresTsvectorBackend()
    if connection.vendor == "sqlite":
        return SqliteFts5Backend()
    raise NotImplementedError(f"no search backend for the {connection.vendor} database")
