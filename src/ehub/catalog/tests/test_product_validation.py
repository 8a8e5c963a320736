"""Product payloads that once slipped past validation into a 500 or a silently changed value."""

from __future__ import annotations

import json

import pytest

from ehub.catalog.models import Product

VALID = {
    "handle": "white-coffee",
    "hs_code": "210112",
    "translations": {"en": {"title": "White coffee"}},
    "variants": [{"sku": "WC-1", "price": "18.90", "weight_grams": 600, "stock_quantity": 5}],
}


def variant(**changes):
    return {**VALID, "variants": [{**VALID["variants"][0], **changes}]}


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (variant(option={"klingon!": "x"}), "variants[0].option.klingon!", "not a language code"),
        (variant(weight_grams=10**12), "variants[0].weight_grams", "at most 1,000,000"),
        (variant(stock_quantity=10**19), "variants[0].stock_quantity", "at most 100,000,000"),
        (variant(length_mm=10**10), "variants[0].length_mm", "at most 20,000"),
        (variant(price="1" + "0" * 15), "variants[0].price", "too large"),
        ({**VALID, "media": ["https://img.example/" + "a" * 600]}, "media[0]", "longer than 500"),
        ({**VALID, "media": ["https://img.example/a.jpg"] * 21}, "media", "at most 20"),
    ],
)
def test_out_of_range_input_is_a_422_naming_the_field(seller_client, payload, field, message):
    response = seller_client.post(
        "/api/v1/seller/products", json.dumps(payload), content_type="application/json"
    )

    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_product"
    assert body["detail"] == {"field": field}
    assert message in body["message"]
    assert not Product.objects.exists()


def test_option_languages_are_stored_canonically(seller_client):
    response = seller_client.post(
        "/api/v1/seller/products",
        json.dumps(variant(option={"zh-hans": " 600克 ", "EN": "600 g", "ms": ""})),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["variants"][0]["option"] == {"zh-Hans": "600克", "en": "600 g"}
