"""The storefront's search page: the same search service as GET /api/v1/search, with filters
(category, origin, price in the market's currency), sorting and pages; a "no results" page with
suggestions. Works without JavaScript (a GET form)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ehub.catalog.models import Product
from ehub.catalog.selectors import category_list, market_rates_today
from ehub.core.errors import DomainError
from ehub.search.domain import SearchSort
from ehub.search.selectors import SearchQuery, product_search
from ehub.web import i18n
from ehub.web.errors import error_message
from ehub.web.selectors import origin_countries, product_card
from ehub.web.views import shop_for

PAGE_SIZE = 12


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@require_GET
def search(request: HttpRequest, market_code: str) -> HttpResponse:
    shop = shop_for(request, market_code)
    params = request.GET
    query = SearchQuery(
        text=params.get("q", "").strip()[:200],
        language=i18n.content_language(),
        market=shop.market,
        category=params.get("category") or None,
        origin=params.get("origin") or None,
        min_price=params.get("min_price") or None,
        max_price=params.get("max_price") or None,
        sort=params.get("sort") or SearchSort.RELEVANCE,
        page=_int(params.get("page"), 1),
        size=PAGE_SIZE,
    )
    context: dict[str, Any] = {
        "shop": shop,
        "query": query.text,
        "params": params,
        "categories": [
            (c.slug, c.names.get(i18n.content_language()) or c.names.get("en") or c.slug)
            for c in category_list()
        ],
        "origins": origin_countries(exclude=shop.market.country),
        "sorts": [
            (SearchSort.RELEVANCE, _("Best match")),
            (SearchSort.PRICE_ASC, _("Price: low to high")),
            (SearchSort.PRICE_DESC, _("Price: high to low")),
            (SearchSort.NEWEST, _("Newest")),
        ],
    }
    try:
        result = product_search(query=query)
    except DomainError as exc:
        context["error"] = error_message(exc)
        return render(request, "web/search.html", context, status=exc.status)
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=[h.product_id for h in result.hits])
        .select_related("seller")
        .prefetch_related("translations", "variants", "media")
    }
    rates = market_rates_today()
    context.update(
        result=result,
        cards=[
            product_card(products[h.product_id], market=shop.market, rates=rates)
            for h in result.hits
            if h.product_id in products
        ],
        previous_page=query.page - 1 if query.page > 1 else None,
        next_page=query.page + 1 if query.page < result.pages else None,
    )
    return render(request, "web/search.html", context)
