"""Reading the search index: one query with filters, sort and page, plus suggestions when a query
finds nothing.

Which products are searchable — an **active** product of a **verified** seller with at least one
variant — is the document's ``searchable`` flag, kept in step by the catalog services and by
``seller_set_verification``. Text, and the lowest variant price, come from the same index.

Cost per match: relevance and price sorts compute their key for every match (and count them in
the same pass), so a broad query's cost grows with its matches. The queries keep that per-match
cost small: the key is computed over narrow rows before the count (PostgreSQL would otherwise
carry each tsvector through the window and spill it to disk), and on SQLite a query with no
filter but its text reads the FTS table alone (see ``MatchClause.alone``).

Prices in the buyer's currency: products are priced in their seller's currency. A price range in
the market's currency is turned into one range **per seller currency** with the market's stored
FX rates of the day (``ehub.markets.selectors.fx_rate_table_on``), exactly inverting the rounding
the hit displays (``domain.seller_currency_bounds``). Sorting by price uses the same rates as
per-currency factors. See ADR 0014.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pycountry
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from ehub.catalog.models import (
    Category,
    Product,
    ProductMedia,
    ProductTranslation,
    Variant,
)
from ehub.core import clock
from ehub.core.currencies import currency_exponent
from ehub.core.errors import DomainError
from ehub.core.fx import MissingRate, RateTable
from ehub.core.money import Money, MoneyError, to_decimal
from ehub.markets.models import Market
from ehub.markets.selectors import fx_rate_table_on
from ehub.search.backends import SearchBackend, search_backend
from ehub.search.domain import (
    QueryTerm,
    QueryTooLong,
    SearchSort,
    is_cjk,
    query_terms,
    seller_currency_bounds,
)
from ehub.search.errors import SearchErrorCode
from ehub.search.models import SearchDocument, SearchTerm
from ehub.sellers.models import Seller

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000  # deep pages are for crawlers; refine the query instead
COUNT_CAP = MAX_OFFSET  # totals are exact up to here (no page beyond is served anyway)
MAX_SUGGESTIONS = 3
TOP_CATEGORIES_SECONDS = 300
SORTS = tuple(sort.value for sort in SearchSort)


class SearchInvalid(DomainError):
    def __init__(self, code: str, field_name: str, message: str) -> None:
        super().__init__(code, message, {"field": field_name}, status=422)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    language: str = "en"
    market: Market | None = None
    category: str | None = None
    origin: str | None = None
    min_price: str | Decimal | None = None
    max_price: str | Decimal | None = None
    sort: str = SearchSort.RELEVANCE
    page: int = 1
    size: int = 24


@dataclass(frozen=True)
class SearchHit:
    """What a result list shows of a product (read with a few flat queries, not full models)."""

    product_id: int
    handle: str
    category: str | None
    origin_country: str
    seller_slug: str
    seller_name: str
    seller_country: str
    title: str
    title_language: str
    from_price: Money | None  # lowest variant price in the market's currency (None: no rate)
    seller_price: Money  # the same variant's price in the seller's currency
    in_stock: bool
    image: str | None


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int


@dataclass(frozen=True)
class CategorySuggestion:
    slug: str
    name: str
    count: int


@dataclass
class SearchResult:
    query: SearchQuery
    terms: tuple[QueryTerm, ...]
    total: int  # at most COUNT_CAP; then total_exact is False ("10,000+")
    hits: list[SearchHit]
    total_exact: bool = True
    suggestions: list[Suggestion] = field(default_factory=list)
    categories: list[CategorySuggestion] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return (self.total + self.query.size - 1) // self.query.size if self.total else 0


# -- validation ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Filters:
    category_ids: list[int] | None
    origin: str | None
    low: Decimal | None
    high: Decimal | None


def _price_bound(value: str | Decimal | None, name: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = to_decimal(value, what=name)
    except MoneyError as exc:
        raise SearchInvalid(SearchErrorCode.INVALID_PRICE, name, str(exc)) from exc
    if amount < 0:
        raise SearchInvalid(SearchErrorCode.INVALID_PRICE, name, f"{name} must not be negative")
    if amount >= Decimal(10) ** 12:
        raise SearchInvalid(SearchErrorCode.INVALID_PRICE, name, f"{name} is too large")
    return amount


def _filters(query: SearchQuery) -> _Filters:
    if query.sort not in SORTS:
        raise SearchInvalid(
            SearchErrorCode.INVALID_SORT,
            "sort",
            f"sort is one of {', '.join(SORTS)}, not {query.sort!r}",
        )
    if query.page < 1:
        raise SearchInvalid(SearchErrorCode.INVALID_PAGE, "page", "page starts at 1")
    if not 1 <= query.size <= MAX_PAGE_SIZE:
        raise SearchInvalid(
            SearchErrorCode.INVALID_PAGE, "size", f"size is between 1 and {MAX_PAGE_SIZE}"
        )
    if (query.page - 1) * query.size > MAX_OFFSET:
        raise SearchInvalid(
            SearchErrorCode.INVALID_PAGE,
            "page",
            f"results beyond the first {MAX_OFFSET:,} are not served; narrow the search",
        )
    low = _price_bound(query.min_price, "min_price")
    high = _price_bound(query.max_price, "max_price")
    if low is not None and high is not None and low > high:
        raise SearchInvalid(
            SearchErrorCode.INVALID_PRICE, "min_price", "min_price is above max_price"
        )
    price_sort = query.sort in (SearchSort.PRICE_ASC, SearchSort.PRICE_DESC)
    if query.market is None and (low is not None or high is not None or price_sort):
        raise SearchInvalid(
            SearchErrorCode.MARKET_REQUIRED,
            "market",
            "give a market: prices are filtered and sorted in its currency",
        )
    category_ids = None
    if query.category:
        category = Category.objects.filter(slug=query.category.strip()).first()
        if category is None:
            raise SearchInvalid(
                SearchErrorCode.CATEGORY_NOT_FOUND, "category", f"no category {query.category!r}"
            )
        category_ids = [category.pk, *category.children.values_list("pk", flat=True)]
    origin = None
    if query.origin:
        origin = query.origin.strip().upper()
        if len(origin) != 2 or pycountry.countries.get(alpha_2=origin) is None:
            raise SearchInvalid(
                SearchErrorCode.INVALID_FILTER,
                "origin",
                f"origin is an ISO 3166 country code such as MY, not {query.origin!r}",
            )
    return _Filters(category_ids, origin, low, high)


def _terms(text: str) -> tuple[QueryTerm, ...]:
    try:
        return query_terms(text or "")
    except QueryTooLong as exc:
        raise SearchInvalid(SearchErrorCode.INVALID_QUERY, "q", str(exc)) from exc


# -- SQL ----------------------------------------------------------------------------------------
def _seller_currencies() -> list[str]:
    """The distinct seller currencies in the index, by a loose index scan over
    (price_currency, price_minor): one index probe per currency, not a scan of every row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE c(code) AS ("
            "SELECT MIN(price_currency) FROM search_searchdocument WHERE price_currency > '' "
            "UNION ALL SELECT (SELECT MIN(price_currency) FROM search_searchdocument "
            "WHERE price_currency > c.code) FROM c WHERE c.code IS NOT NULL"
            ") SELECT code FROM c WHERE code IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def _rate(rates: RateTable, base: str, quote: str) -> Decimal | None:
    try:
        return rates.rate(base, quote)
    except MissingRate:
        return None


@dataclass
class _Sql:
    source: str = f"{SearchDocument._meta.db_table} d"
    id_column: str = "d.product_id"
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def from_where(self) -> str:
        """``FROM … WHERE …`` (fixed SQL fragments only; every value is in ``params``)."""
        return f"FROM {self.source} WHERE {' AND '.join(self.where)}"


def _base_sql(
    *,
    backend: SearchBackend,
    terms: tuple[QueryTerm, ...],
    filters: _Filters,
    market: Market | None,
    rates: RateTable | None,
    text_alone: bool = False,
) -> tuple[_Sql, tuple[str, list[Any]] | None]:
    """FROM/WHERE shared by the page and the count, and the match clause's rank (if any).
    With ``text_alone`` (only when no filter and no sort needs the documents), the text index
    answers alone where the backend can."""
    sql = _Sql()
    rank = None
    no_filters = (
        filters.category_ids is None
        and not filters.origin
        and filters.low is None
        and filters.high is None
    )
    if terms:
        clause = backend.match(terms)
        rank = (clause.rank, clause.rank_params)
        if clause.alone is not None and no_filters and text_alone:
            sql.source, sql.id_column = clause.alone
            sql.where.append(clause.where)
            sql.params += clause.where_params
            return sql, rank
        sql.source = clause.source
        sql.where.append(clause.where)
        sql.params += clause.where_params
    sql.where.insert(0, "d.searchable = %s")
    sql.params.insert(0, True)
    if filters.category_ids is not None:
        sql.where.append(f"d.category_id IN ({', '.join(['%s'] * len(filters.category_ids))})")
        sql.params += filters.category_ids
    if filters.origin:
        sql.where.append("d.origin_country = %s")
        sql.params.append(filters.origin)
    if (filters.low is not None or filters.high is not None) and market and rates is not None:
        alternatives = []
        for currency in _seller_currencies():
            rate = _rate(rates, currency, market.currency)
            if rate is None:
                continue  # no rate today: the price cannot be shown, so it cannot match
            bounds = seller_currency_bounds(
                low=filters.low,
                high=filters.high,
                rate=rate,
                seller_exponent=currency_exponent(currency),
                market_exponent=currency_exponent(market.currency),
            )
            if bounds.empty():
                continue
            condition = ["d.price_currency = %s"]
            sql_params: list[Any] = [currency]
            if bounds.low is not None:
                condition.append("d.price_minor >= %s")
                sql_params.append(bounds.low)
            if bounds.high is not None:
                condition.append("d.price_minor <= %s")
                sql_params.append(bounds.high)
            alternatives.append("(" + " AND ".join(condition) + ")")
            sql.params += sql_params
        sql.where.append("(" + " OR ".join(alternatives) + ")" if alternatives else "1 = 0")
    return sql, rank


def _price_key(market: Market, rates: RateTable) -> tuple[str, list[Any]]:
    """A sort key proportional to the price in the market's currency (NULL: no rate)."""
    cases: list[str] = []
    params: list[Any] = []
    market_exponent = currency_exponent(market.currency)
    for currency in _seller_currencies():
        rate = _rate(rates, currency, market.currency)
        if rate is None:
            continue
        factor = rate.scaleb(market_exponent - currency_exponent(currency))
        cases.append("WHEN %s THEN d.price_minor * CAST(%s AS NUMERIC)")
        params += [currency, format(factor.normalize(), "f")]
    if not cases:
        return "NULL", []
    return f"(CASE d.price_currency {' '.join(cases)} END)", params


def _page_ids(
    *,
    sql: _Sql,
    rank: tuple[str, list[Any]] | None,
    sort: str,
    market: Market | None,
    rates: RateTable | None,
    limit: int,
    offset: int,
    per_category: list[_Sql] | None = None,
) -> tuple[list[int], int | None]:
    """The page's product ids, and — when the sort key is computed for every match anyway
    (relevance, price) — the number of matches from the same pass (None otherwise).
    ``per_category``: the same query once per category id, for the newest-first walk."""
    select_params: list[Any] = []
    order: str
    if sort in (SearchSort.PRICE_ASC, SearchSort.PRICE_DESC) and market and rates is not None:
        key, select_params = _price_key(market, rates)
        direction = "ASC" if sort == SearchSort.PRICE_ASC else "DESC"
        order = f"sort_key {direction} NULLS LAST, d.product_id"
    elif sort == SearchSort.NEWEST or rank is None:
        key = "d.created_at"
        order = "d.created_at DESC, d.product_id DESC"  # walks the created_at index
    else:
        key, select_params = rank
        order = "sort_key ASC, d.product_id"
    # Only fixed SQL fragments are interpolated; every value travels as a parameter.
    matches = f"SELECT {sql.id_column} AS id, {key} AS sort_key {sql.from_where()}"
    walk_index = order.startswith("d.created_at")
    params = [*select_params, *sql.params, limit, offset]
    if walk_index and per_category:
        # A parent category is several ids, and an index cannot hand out ``category IN (…)``
        # in date order: walk (category, searchable, created_at) per id, keep each one's
        # newest offset+limit, and merge those.
        params = []
        branches = []
        for branch in per_category:
            branches.append(
                f"SELECT * FROM (SELECT {branch.id_column} AS id, d.created_at AS created_at "  # noqa: S608
                f"{branch.from_where()} ORDER BY {order} LIMIT %s) branch"
            )
            params += [*branch.params, offset + limit]
        statement = (
            f"SELECT id FROM ({' UNION ALL '.join(branches)}) newest "  # noqa: S608
            f"ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        params += [limit, offset]
    elif walk_index:  # newest first: walk the created_at index and stop after the page
        statement = f"{matches} ORDER BY {order} LIMIT %s OFFSET %s"
    else:
        # Every match gets its key anyway: count them in the same pass with a window, over the
        # materialized (id, key) rows — not over the documents, whose text the window would
        # otherwise carry. (FTS5's bm25() may not sit beside a window function either.)
        order = order.replace("d.product_id", "id")
        statement = (
            f"WITH matches AS MATERIALIZED ({matches}) "  # noqa: S608
            f"SELECT id, sort_key, COUNT(*) OVER () FROM matches "
            f"ORDER BY {order} LIMIT %s OFFSET %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    total = None if walk_index or not rows else int(rows[0][2])
    return [row[0] for row in rows], total


def _count(sql: _Sql, cap: int | None = None) -> int:
    """How many match, counted up to ``cap + 1`` (more than ``cap`` reads as "cap+")."""
    cap = COUNT_CAP if cap is None else cap
    statement = (  # fixed fragments only; every value is a parameter
        f"SELECT COUNT(*) FROM (SELECT 1 {sql.from_where()} LIMIT %s) matches"  # noqa: S608
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*sql.params, cap + 1])
        return int(cursor.fetchone()[0])


# -- hits ---------------------------------------------------------------------------------------
def _pick_translation(titles: dict[str, str], language: str) -> tuple[str, str] | None:
    """(language, title): the requested language, its base languages (zh-Hans-CN → zh-Hans →
    zh), English, else any — the rule of ``ehub.catalog.selectors.translation_for``."""
    candidates = [language]
    parts = language.split("-")
    while len(parts) > 1:
        parts = parts[:-1]
        candidates.append("-".join(parts))
    candidates.append("en")
    for candidate in candidates:
        if candidate in titles:
            return candidate, titles[candidate]
    first = min(titles, default=None)
    return (first, titles[first]) if first is not None else None


def _hits(
    ids: list[int], *, language: str, market: Market | None, rates: RateTable | None
) -> list[SearchHit]:
    if not ids:
        return []
    # Two queries: the products (with the document's lowest price, the first picture and
    # whether anything is in stock) and their titles — written as SQL: a result page runs them
    # on every search, and compiling the equivalent ORM query cost more than running it.
    columns = (
        "id",
        "handle",
        "origin_country",
        "category__slug",
        "seller__slug",
        "seller__display_name",
        "seller__country",
        "search_document__price_minor",
        "search_document__price_currency",
        "image",
        "in_stock",
    )
    placeholders = ", ".join(["%s"] * len(ids))
    statement = (  # table names from the models; every value is a parameter
        f"SELECT p.id, p.handle, p.origin_country, c.slug, s.slug, s.display_name, s.country, "  # noqa: S608
        f"d.price_minor, d.price_currency, "
        f"(SELECT m.url FROM {ProductMedia._meta.db_table} m WHERE m.product_id = p.id "
        f"ORDER BY m.position, m.id LIMIT 1), "
        f"EXISTS (SELECT 1 FROM {Variant._meta.db_table} v WHERE v.product_id = p.id "
        f"AND v.stock_quantity > 0) "
        f"FROM {Product._meta.db_table} p "
        f"JOIN {Seller._meta.db_table} s ON s.id = p.seller_id "
        f"LEFT JOIN {Category._meta.db_table} c ON c.id = p.category_id "
        f"LEFT JOIN {SearchDocument._meta.db_table} d ON d.product_id = p.id "
        f"WHERE p.id IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, ids)
        rows = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor.fetchall()}
    titles: dict[int, dict[str, str]] = {pk: {} for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT product_id, language, title FROM {ProductTranslation._meta.db_table} "  # noqa: S608
            f"WHERE product_id IN ({placeholders})",
            ids,
        )
        for product_id, code, title in cursor.fetchall():
            titles[product_id][code] = title
    hits = []
    for pk in ids:
        row = rows.get(pk)
        if row is None or row["search_document__price_minor"] is None:
            continue  # deleted, or its variants removed, since the page was read
        seller_price = Money.from_minor_units(
            row["search_document__price_minor"], row["search_document__price_currency"]
        )
        from_price = None
        if market is not None and rates is not None:
            try:
                from_price = rates.convert(seller_price, market.currency).quantize()
            except MissingRate:
                from_price = None
        picked = _pick_translation(titles[pk], language)
        hits.append(
            SearchHit(
                product_id=pk,
                handle=row["handle"],
                category=row["category__slug"],
                origin_country=row["origin_country"],
                seller_slug=row["seller__slug"],
                seller_name=row["seller__display_name"],
                seller_country=row["seller__country"],
                title=picked[1] if picked else row["handle"],
                title_language=picked[0] if picked else language,
                from_price=from_price,
                seller_price=seller_price,
                in_stock=bool(row["in_stock"]),
                image=row["image"],
            )
        )
    return hits


# -- suggestions --------------------------------------------------------------------------------
def _nearest_terms(term: QueryTerm, backend: SearchBackend, limit: int = 3) -> list[str]:
    """Vocabulary words spelled most like ``term``: by trigram similarity where PostgreSQL has
    pg_trgm, else by difflib's ratio over words of a similar length (or, for Chinese, sharing a
    character)."""
    if not term.cjk and backend.has_trigrams():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term FROM search_searchterm WHERE NOT cjk AND term %% %s "
                "ORDER BY similarity(term, %s) DESC, term LIMIT %s",
                [term.text, term.text, limit * 3],
            )
            candidates = [row[0] for row in cursor.fetchall()]
    elif term.cjk:
        characters = Q()
        for character in set(term.text):
            characters |= Q(term__contains=character)
        candidates = list(
            SearchTerm.objects.filter(characters, cjk=True).values_list("term", flat=True)[:2000]
        )
    else:
        n = len(term.text)
        candidates = list(
            SearchTerm.objects.filter(
                cjk=False, length__gte=max(2, n - 2), length__lte=n + 2
            ).values_list("term", flat=True)[:20000]
        )
    cutoff = 0.5 if term.cjk else 0.7
    scored = []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(term.text)  # difflib caches details of the second sequence
    for candidate in set(candidates):
        if candidate == term.text or (term.cjk and abs(len(candidate) - len(term.text)) > 1):
            continue
        matcher.set_seq1(candidate)  # cheap upper bounds first, as difflib.get_close_matches
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        ratio = matcher.ratio()
        if ratio >= cutoff:
            # Equal ratios: prefer the word that starts like the query (蓝梅 → 蓝莓, not 靛蓝).
            prefix = next(
                (i for i, (a, b) in enumerate(zip(term.text, candidate, strict=False)) if a != b),
                min(len(term.text), len(candidate)),
            )
            scored.append((-(ratio + 0.1 * min(prefix, 3)), candidate))
    return [candidate for _, candidate in sorted(scored)[:limit]]


def _spelling_suggestions(
    *,
    terms: tuple[QueryTerm, ...],
    backend: SearchBackend,
    filters: _Filters,
    market: Market | None,
    rates: RateTable | None,
) -> list[Suggestion]:
    """Queries one word away from the buyer's that do find something (with the same filters)."""
    known = set(
        SearchTerm.objects.filter(term__in=[t.text for t in terms]).values_list("term", flat=True)
    )
    candidates: list[tuple[QueryTerm, ...]] = []
    best: list[QueryTerm] = list(terms)  # every unknown word replaced by its nearest
    for index, term in enumerate(terms):
        if term.text in known or (term.prefix and _has_prefix(term.text)):
            continue
        nearest = [QueryTerm(word, cjk=is_cjk(word)) for word in _nearest_terms(term, backend)]
        if nearest:
            best[index] = nearest[0]
        candidates += [(*terms[:index], word, *terms[index + 1 :]) for word in nearest]
    if tuple(best) != terms:
        candidates.insert(0, tuple(best))
    if len(terms) > 1:  # also: each word on its own
        candidates += [(t,) for t in terms]
    suggestions: list[Suggestion] = []
    seen: set[str] = set()
    for candidate in candidates:
        candidate = tuple(dict.fromkeys(candidate))  # 丝绸围巾 → 丝巾, not 丝巾丝巾
        text = _display(candidate)
        if text in seen:
            continue
        seen.add(text)
        sql, _ = _base_sql(
            backend=backend,
            terms=candidate,
            filters=filters,
            market=market,
            rates=rates,
            text_alone=True,
        )
        count = _count(sql)
        if count:
            suggestions.append(Suggestion(text=text, count=count))
        if len(suggestions) >= MAX_SUGGESTIONS:
            break
    return suggestions


def _has_prefix(prefix: str) -> bool:
    return SearchTerm.objects.filter(term__startswith=prefix).exists()


def _display(terms: tuple[QueryTerm, ...]) -> str:
    text = ""
    for term in terms:
        if text and not (term.cjk and is_cjk(text[-1])):
            text += " "
        text += term.text
    return text


def _top_categories(language: str, limit: int = 5) -> list[CategorySuggestion]:
    """The categories with the most searchable products (a parent counts its children's).

    Counted over the whole catalog, so cached for a few minutes (per language)."""
    key = f"search:top-categories:{language}:{limit}"
    cached = cache.get(key)
    if cached is None:
        cached = _top_categories_counted(language, limit)
        cache.set(key, cached, TOP_CATEGORIES_SECONDS)
    return cached


def _top_categories_counted(language: str, limit: int) -> list[CategorySuggestion]:
    counts = dict(
        SearchDocument.objects.filter(searchable=True, category__isnull=False)
        .order_by()
        .values("category_id")
        .annotate(n=Count("pk"))
        .values_list("category_id", "n")
    )
    categories = {c.pk: c for c in Category.objects.all()}
    totals: dict[int, int] = {}
    for category_id, n in counts.items():
        totals[category_id] = totals.get(category_id, 0) + n
        parent_id = categories[category_id].parent_id if category_id in categories else None
        if parent_id:
            totals[parent_id] = totals.get(parent_id, 0) + n
    ranked = sorted(
        (categories[pk] for pk in totals if pk in categories), key=lambda c: (-totals[c.pk], c.slug)
    )
    return [
        CategorySuggestion(slug=c.slug, name=c.name_in(language), count=totals[c.pk])
        for c in ranked[:limit]
    ]


# -- the selector -------------------------------------------------------------------------------
def product_search(*, query: SearchQuery) -> SearchResult:
    """Search active products of verified sellers in every language; see the module docstring."""
    filters = _filters(query)
    terms = _terms(query.text)
    backend = search_backend()
    rates = fx_rate_table_on(clock.today()) if query.market is not None else None
    with backend.session():
        sql, rank = _base_sql(
            backend=backend,
            terms=terms,
            filters=filters,
            market=query.market,
            rates=rates,
            text_alone=query.sort == SearchSort.RELEVANCE,
        )
        offset = (query.page - 1) * query.size
        per_category = None
        newest = query.sort == SearchSort.NEWEST or (
            not terms and query.sort == SearchSort.RELEVANCE
        )
        if newest and filters.category_ids is not None and len(filters.category_ids) > 1:
            per_category = [
                _base_sql(
                    backend=backend,
                    terms=terms,
                    filters=replace(filters, category_ids=[category_id]),
                    market=query.market,
                    rates=rates,
                )[0]
                for category_id in filters.category_ids
            ]
        ids, total = _page_ids(
            sql=sql,
            rank=rank,
            sort=query.sort,
            market=query.market,
            rates=rates,
            limit=query.size,
            offset=offset,
            per_category=per_category,
        )
        if total is None:  # not counted with the page: the first page may hold everything
            total = len(ids) if offset == 0 and len(ids) < query.size else _count(sql)
        result = SearchResult(
            query=query,
            terms=terms,
            total=min(total, COUNT_CAP),
            total_exact=total <= COUNT_CAP,
            hits=_hits(ids, language=query.language, market=query.market, rates=rates),
        )
        if total == 0:
            if terms:
                result.suggestions = _spelling_suggestions(
                    terms=terms,
                    backend=backend,
                    filters=filters,
                    market=query.market,
                    rates=rates,
                )
            result.categories = _top_categories(query.language)
    return result


def product_search_ids(*, text: str, limit: int = 1000) -> list[int]:
    """Ids of the products matching ``text`` (best first), for other selectors to filter by."""
    backend = search_backend()
    with backend.session():
        result_sql, rank = _base_sql(
            backend=backend,
            terms=_terms(text),
            filters=_Filters(None, None, None, None),
            market=None,
            rates=None,
            text_alone=True,
        )
        ids, _ = _page_ids(
            sql=result_sql,
            rank=rank,
            sort=SearchSort.RELEVANCE,
            market=None,
            rates=None,
            limit=limit,
            offset=0,
        )
    return ids
