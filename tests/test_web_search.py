"""The storefront's search page: Chinese, Malay and English queries through the search service,
filters and sorting as a GET form, a "nothing matches" page that suggests, bad input as a 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from ehub.catalog.models import ProductTranslation
from ehub.orders.tests.helpers import variant, world
from ehub.search.services import search_index_rebuild
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db


def titled(v, **titles: str) -> None:
    for language, title in titles.items():
        ProductTranslation.objects.update_or_create(
            product=v.product, language=language.replace("_", "-"), defaults={"title": title}
        )


@pytest.fixture
def catalog():
    w = world()
    titled(w.variant, en="Ipoh white coffee", zh_Hans="怡保白咖啡", ms="Kopi putih Ipoh")
    michigan = SellerFactory(country="US", region="US-MI", payout_currency="USD")
    jam = variant(seller=michigan, country="US", currency="USD", hs_code="200799")
    titled(jam, en="Wild blueberry jam", zh_Hans="野生蓝莓酱", ms="Jem beri biru liar")
    search_index_rebuild()
    return {"coffee": w.variant.product, "jam": jam.product}


def search(**params: str):
    return Client().get("/cn/search/", params, HTTP_ACCEPT_LANGUAGE="zh-CN")


@pytest.mark.parametrize("query", ["咖啡", "白咖啡", "怡保白咖啡", "kopi", "coffee"])
def test_queries_in_any_language_find_the_coffee(catalog, query):
    page = search(q=query)
    html = page.content.decode()
    assert page.status_code == 200
    assert f"/cn/products/{catalog['coffee'].pk}/" in html
    assert f"/cn/products/{catalog['jam'].pk}/" not in html
    assert "怡保白咖啡" in html  # shown in the page's language


def test_filters_by_origin(catalog):
    html = search(origin="US").content.decode()
    assert f"/cn/products/{catalog['jam'].pk}/" in html
    assert f"/cn/products/{catalog['coffee'].pk}/" not in html


def test_nothing_matches_suggests(catalog):
    page = search(q="蓝梅酱")  # a typo for 蓝莓酱
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="no-results"' in html


def test_a_bad_price_is_a_clear_4xx_page(catalog):
    page = search(min_price="cheap")
    assert page.status_code == 422
    assert 'role="alert"' in page.content.decode()
