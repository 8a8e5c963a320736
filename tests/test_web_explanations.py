"""Translated landed-cost explanations, unavailability reasons and page errors (ADR 0016): the
engine's messages are shown in the page's language, with English for a line that lacks a
translation, and English pages keep the engine's English word for word."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from ehub.core.errors import DomainError
from ehub.core.messages import DataText, MoneyParam, PercentParam, message
from ehub.markets.models import Market
from ehub.orders.tests.helpers import variant, world
from ehub.sellers.tests.factories import SellerFactory
from ehub.web.errors import error_message
from ehub.web.explanations import explanation_lines, localize

pytestmark = pytest.mark.django_db

EXPLANATION = re.compile(r'<ul class="explanation">(.*?)</ul>', re.S)


@pytest.fixture
def shop():
    w = world()
    Market.objects.filter(country="MY").update(languages=["ms", "en", "zh-Hans"])
    return w


def _explanation(html: str) -> str:
    found = EXPLANATION.search(html)
    assert found, "the page has no explanation list"
    return found.group(1)


def test_the_chinese_product_page_explains_the_landed_cost_in_chinese(shop):
    url = f"/cn/products/{shop.variant.product.pk}/"
    chinese = _explanation(Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode())
    english = _explanation(Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())

    # the CN cross-border e-commerce regime (a rule-file text) and engine sentences, in Chinese
    assert "中国跨境电商零售进口（限值以内）" in chinese
    assert "完税价格" in chinese
    assert "在结账时收取" in chinese
    assert "¥" in chinese  # money formatted for the page language
    assert 'lang="en"' not in chinese  # every line has its translation
    assert "Customs value" not in chinese
    # English pages show the engine's own English, word for word
    assert "China cross-border e-commerce retail import within limits" in english
    assert "are collected at checkout." in english


def test_the_malay_product_page_explains_the_landed_cost_in_malay(shop):
    michigan = SellerFactory(country="US", region="US-MI", payout_currency="USD")
    blouse = variant(seller=michigan, country="US", currency="USD", hs_code="620610")
    page = Client().get(f"/my/products/{blouse.product.pk}/", HTTP_ACCEPT_LANGUAGE="ms")
    html = _explanation(page.content.decode())

    assert page.headers["Content-Language"] == "ms"
    assert "Nilai kastam" in html
    assert "Caj import sebanyak RM" in html
    assert "Customs value" not in html


def test_unavailability_reasons_are_translated(shop):
    url = f"/my/products/{shop.variant.product.pk}/"
    chinese = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    malay = Client().get(url, HTTP_ACCEPT_LANGUAGE="ms").content.decode()

    assert "<li>在本国销售：ehub 只承运跨境商品</li>" in chinese
    assert "<li>dijual di negaranya sendiri: ehub membawa barangan merentas sempadan</li>" in malay
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "sold in its own country: ehub carries goods across borders" in english


def test_a_line_without_a_translation_falls_back_to_english_alone():
    known = message(
        "Customs value {value} on goods (FOB).", value=MoneyParam(Decimal("12.50"), "MYR")
    )
    unknown_text = message("{note}", note=DataText("A note no catalog translates."))
    unknown_template = message(
        "A sentence no catalog translates: {rate}.", rate=PercentParam(Decimal("0.1"))
    )

    shown = [localize(m, "zh-hans") for m in (known, unknown_text, unknown_template)]

    assert shown[0].translated is True
    assert shown[0].text == "完税价格 MYR12.50，按货物计（离岸价 FOB）。"
    assert (shown[1].text, shown[1].translated) == ("A note no catalog translates.", False)
    assert (shown[2].text, shown[2].translated) == ("A sentence no catalog translates: 10%.", False)
    assert localize(known, "en").text == "Customs value MYR 12.50 on goods (FOB)."


def test_a_response_without_messages_shows_its_english_explanation():
    lines = explanation_lines({"explanation": ["Old line."]}, "zh-hans")
    assert [(line.text, line.translated) for line in lines] == [("Old line.", False)]


def test_domain_errors_are_shown_in_the_page_language():
    error = DomainError("out_of_stock", "only 2 left of SKU-1", {"available": 2})
    with translation.override("zh-hans"):
        assert error_message(error) == "此商品库存不足。"
        assert error_message(error).translated is True
        unlisted = error_message(DomainError("something_new", "an English sentence"))
        assert (str(unlisted), unlisted.translated) == ("an English sentence", False)
    with translation.override("ms"):
        assert error_message(error) == "Stok barang ini tidak mencukupi."
    with translation.override("en"):
        assert error_message(error) == "only 2 left of SKU-1"


def test_a_page_error_is_translated(shop):
    page = Client().get("/cn/search/?q=coffee&sort=cheapest", HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = page.content.decode()

    assert page.status_code == 422
    assert '<p class="error" role="alert">未知的排序方式。</p>' in html


def test_the_catalogs_hold_the_engine_templates_and_the_rule_file_texts():
    from ehub.core.fx import RateTable
    from ehub.customs.contract import EXAMPLE_REQUEST
    from ehub.customs.services import landed_cost_quote
    from ehub.web.catalogs import messages, translatable

    found = {m.msgid for m in messages()}
    result = landed_cost_quote(payload=EXAMPLE_REQUEST, stored_rates=RateTable())

    def templates(item):
        yield item["template"]
        for param in item["params"].values():
            if param["kind"] == "message":
                yield from templates(param)
            for nested in param.get("items", []):
                yield from templates(nested)

    used = {t for item in result["explanation_messages"] for t in templates(item)}
    assert {t for t in used if translatable(t)} <= found
    assert "EU import, above IOSS threshold" in found  # a regime name from EU.toml
    assert "Canada Post handling fee" in found  # a fee name from CA.toml
    assert "sold in its own country: ehub carries goods across borders" in found  # pricing
    assert "There is not enough stock of this item." in found  # web.errors


def test_a_stored_refusal_reason_is_shown_in_the_page_language():
    from ehub.web.templatetags.web import rule_text

    reason = "China cross-border e-commerce limits exceeded"
    with translation.override("zh-hans"):
        shown = rule_text(reason)
        assert (shown.text, shown.translated) == ("超出中国跨境电商零售进口限值", True)
        other = rule_text("the parcel weighs 40000 g, more than the 30000 g the MY→CN rates cover")
        assert other.translated is False
    with translation.override("en"):
        assert rule_text(reason).text == reason


def test_every_translated_error_is_a_code_a_service_raises():
    """A misspelt key would never match, and its page would silently show English."""
    import importlib
    import pkgutil
    from enum import StrEnum

    import ehub
    from ehub.accounts.services import AccountErrorCode
    from ehub.web.errors import ERROR_MESSAGES

    codes = {v for k, v in vars(AccountErrorCode).items() if k.isupper()}
    for module in pkgutil.walk_packages(ehub.__path__, "ehub."):
        if not module.name.endswith("errors") or module.name == "ehub.web.errors":
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
                codes |= {member.value for member in value}
    assert set(ERROR_MESSAGES) - codes == set()
