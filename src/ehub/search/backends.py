"""The text index per database vendor, behind one small Protocol.

Both backends store the tokens ``ehub.search.domain`` makes; they differ only in SQL. The backend
is chosen from ``connection.vendor`` (``search_backend()``), so the same code runs on the
embedded SQLite default and on PostgreSQL in production.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection

from ehub.search.domain import FieldTokens, QueryTerm, fts5_match, tsquery_text, tsvector_text


@dataclass(frozen=True)
class IndexedText:
    product_id: int
    title: FieldTokens
    body: FieldTokens


@dataclass(frozen=True)
class MatchClause:
    """SQL pieces a query adds: a JOIN, a WHERE condition and a relevance expression (lower is
    better), each with its parameters."""

    join: str
    where: str
    where_params: list[Any]
    rank: str
    rank_params: list[Any]


class SearchBackend(Protocol):
    vendor: str

    def write(self, rows: Sequence[IndexedText]) -> None: ...

    def clear(self) -> None: ...

    def match(self, terms: Sequence[QueryTerm]) -> MatchClause: ...

    def has_trigrams(self) -> bool: ...


class SqliteFts5Backend:
    """FTS5 table ``search_fts(title, body)``, unicode61 tokenizer, rowid = product id."""

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
                [(row.product_id, row.title.text(), row.body.text()) for row in rows],
            )

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def match(self, terms: Sequence[QueryTerm]) -> MatchClause:
        return MatchClause(
            join="JOIN search_fts ON search_fts.rowid = d.product_id",
            where="search_fts MATCH %s",
            where_params=[fts5_match(terms)],
            rank="bm25(search_fts, %s, %s)",
            rank_params=[self.TITLE_WEIGHT, self.BODY_WEIGHT],
        )

    def has_trigrams(self) -> bool:
        return False


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
            join="",
            where="d.tsv @@ %s::tsquery",
            where_params=[query],
            # ts_rank is "higher is better"; negate so every backend sorts ascending.
            rank="-ts_rank(d.tsv, %s::tsquery)",
            rank_params=[query],
        )

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
