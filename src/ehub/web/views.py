"""Storefront pages: the market chooser, a market's home, product pages. Views parse input, call
selectors and services, and render; no business rule lives here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from ehub.catalog.selectors import market_rates_today, public_products
from ehub.core.errors import NotFound
from ehub.markets.models import Market
from ehub.markets.selectors import market_get, market_list
from ehub.web import i18n
from ehub.web.selectors import featured_sellers, pavilions, product_card

MARKET_COOKIE = "ehub_market"
MARKET_COOKIE_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Shop:
    """The market a page is for, and the page languages it offers."""

    market: Market
    languages: list[str]

    @property
    def code(self) -> str:
        return self.market.country.lower()


def shop_for(request: HttpRequest, market_code: str) -> Shop:
    """The enabled market ``market_code`` (404 otherwise), with the page language switched to
    one the market offers when the visitor's is not among them."""
    try:
        market = market_get(country=market_code.upper())
    except NotFound:
        raise Http404(f"no market {market_code}") from None
    languages = i18n.ui_languages_for(market.languages)
    if i18n.active_language() not in languages:
        translation.activate(languages[0])
        request.LANGUAGE_CODE = languages[0]
    return Shop(market=market, languages=languages)


def _remember_market(response: HttpResponse, shop: Shop) -> HttpResponse:
    response.set_cookie(
        MARKET_COOKIE, shop.code, max_age=MARKET_COOKIE_AGE, samesite="Lax", httponly=True
    )
    return response


@require_GET
def entry(request: HttpRequest) -> HttpResponse:
    """``/``: back to the visitor's market, or the market chooser."""
    remembered = request.COOKIES.get(MARKET_COOKIE, "")
    if remembered and any(m.country.lower() == remembered for m in market_list()):
        return HttpResponseRedirect(f"/{remembered}/")
    return render(request, "web/chooser.html", {"markets": market_list()})


@require_GET
def market_chooser(request: HttpRequest) -> HttpResponse:
    return render(request, "web/chooser.html", {"markets": market_list()})


@require_GET
def market_home(request: HttpRequest, market_code: str) -> HttpResponse:
    shop = shop_for(request, market_code)
    rates = market_rates_today()
    response = render(
        request,
        "web/home.html",
        {
            "shop": shop,
            "sellers": featured_sellers(market=shop.market),
            "pavilions": pavilions(market=shop.market, rates=rates),
        },
    )
    return _remember_market(response, shop)


@require_GET
def product_detail(request: HttpRequest, market_code: str, product_id: int) -> HttpResponse:
    shop = shop_for(request, market_code)
    product = public_products().filter(pk=product_id).select_related("seller").first()
    if product is None:
        raise Http404("no such product")
    card = product_card(product, market=shop.market, rates=market_rates_today())
    return render(
        request,
        "web/product.html",
        {"shop": shop, "card": card, "seller": product.seller, "media": product.media.all()},
    )
