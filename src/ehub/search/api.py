from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from ehub.catalog.models import CATALOG_LANGUAGES
from ehub.core.i18n import best_language, parse_accept_language
from ehub.core.money import Money
from ehub.markets.selectors import market_get
from ehub.search.schemas import (
    CategorySuggestionOut,
    PriceOut,
    SearchHitOut,
    SearchPageOut,
    SearchSellerOut,
    SuggestionOut,
)
from ehub.search.selectors import SearchQuery, product_search

router = Router(tags=["search"])


def _price(money: Money, language: str) -> PriceOut:
    return PriceOut(
        amount=str(money.quantize().amount),
        currency=money.currency,
        formatted=money.format(language),
    )


@router.get(
    "/search",
    response=SearchPageOut,
    summary="Search products in any language, with filters, sort and pages",
)
def search(
    request: HttpRequest,
    q: str = "",
    lang: str | None = None,
    market: str | None = None,
    category: str | None = None,
    origin: str | None = None,
    min_price: str | None = None,
    max_price: str | None = None,
    sort: str = "relevance",
    page: int = 1,
    size: int = 24,
) -> SearchPageOut:
    """Titles and descriptions in every language match (Chinese 2-, 3- and 4-character words
    too); ``min_price``/``max_price`` and price sorting are in the market's currency. When nothing
    matches, ``suggestions`` holds nearby queries that do and ``categories`` the biggest ones."""
    the_market = market_get(country=market) if market else None
    candidates = [lang, *parse_accept_language(request.headers.get("Accept-Language", ""))]
    offered = the_market.languages if the_market else CATALOG_LANGUAGES
    language = best_language(candidates, offered) or (
        the_market.default_language if the_market else "en"
    )
    result = product_search(
        query=SearchQuery(
            text=q,
            language=language,
            market=the_market,
            category=category,
            origin=origin,
            min_price=min_price,
            max_price=max_price,
            sort=sort,
            page=page,
            size=size,
        )
    )
    return SearchPageOut(
        q=q,
        language=language,
        market=the_market.country if the_market else None,
        currency=the_market.currency if the_market else None,
        sort=sort,
        page=page,
        size=size,
        total=result.total,
        total_exact=result.total_exact,
        pages=result.pages,
        items=[
            SearchHitOut(
                id=hit.product_id,
                handle=hit.handle,
                title=hit.title,
                language=hit.title_language,
                category=hit.category,
                origin_country=hit.origin_country,
                seller=SearchSellerOut(
                    slug=hit.seller_slug, display_name=hit.seller_name, country=hit.seller_country
                ),
                price=_price(hit.from_price, language) if hit.from_price else None,
                seller_price=_price(hit.seller_price, language),
                in_stock=hit.in_stock,
                image=hit.image,
            )
            for hit in result.hits
        ],
        suggestions=[SuggestionOut(q=s.text, count=s.count) for s in result.suggestions],
        categories=[
            CategorySuggestionOut(slug=c.slug, name=c.name, count=c.count)
            for c in result.categories
        ],
    )
