"""Storefront pages without a browser: market chooser, a market's home with origin pavilions,
product pages with the landed price, language per market, security headers."""

from __future__ import annotations

import pytest
from django.test import Client

from ehub.catalog.models import ProductTranslation
from ehub.markets.models import Market
from ehub.orders.tests.helpers import variant, world
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    w = world()
    Market.objects.filter(country="MY").update(languages=["ms", "en", "zh-Hans"])
    product = w.variant.product
    ProductTranslation.objects.update_or_create(
        product=product, language="en", defaults={"title": "Ipoh white coffee"}
    )
    ProductTranslation.objects.update_or_create(
        product=product, language="zh-Hans", defaults={"title": "怡保白咖啡"}
    )
    michigan = SellerFactory(country="US", region="US-MI", payout_currency="USD")
    variant(seller=michigan, country="US", currency="USD", hs_code="081040")
    return w


def test_the_entry_page_offers_every_market_and_remembers_the_last_one(shop):
    client = Client()
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/cn/"' in page.content.decode()

    client.get("/cn/")
    assert client.get("/").headers["Location"] == "/cn/"


def test_a_market_home_shows_pavilions_by_origin_in_the_buyers_language(shop):
    page = Client().get("/cn/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    html = page.content.decode()

    assert page.status_code == 200
    assert page.headers["Content-Language"] == "zh-hans"
    assert "怡保白咖啡" in html
    assert "密歇根州" in html  # the Michigan pavilion, in Chinese
    assert "马来西亚" in html
    assert "¥" in html  # prices in CNY


def test_a_language_the_market_does_not_offer_falls_back_to_its_first(shop):
    page = Client().get("/cn/", HTTP_ACCEPT_LANGUAGE="ms")
    assert page.headers["Content-Language"] == "zh-hans"
    assert Client().get("/sg/", HTTP_ACCEPT_LANGUAGE="ms").headers["Content-Language"] == "en"


def test_the_product_page_shows_the_landed_price_and_its_breakdown(shop):
    page = Client().get(f"/cn/products/{shop.variant.product.pk}/")
    html = page.content.decode()

    assert page.status_code == 200
    assert "Ipoh white coffee" in html
    assert "What this price includes" in html
    assert "Import duties and taxes" in html


def test_a_product_that_cannot_be_sold_in_the_market_says_why(shop):
    page = Client().get(f"/my/products/{shop.variant.product.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()

    assert "Not available in your country" in html
    assert "sold in its own country" in html


def test_unknown_markets_and_products_are_404_pages(shop):
    assert Client().get("/zz/").status_code == 404
    assert Client().get("/cn/products/999999/").status_code == 404


def test_pages_carry_a_strict_content_security_policy(shop):
    page = Client().get("/cn/")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in page.content.decode()  # no inline script
    assert " style=" not in page.content.decode()  # no inline style
