"""Catalog through the HTTP API: the seller's product CRUD and public browsing per market."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from ehub.catalog.models import Product, ProductMedia, ProductTranslation, Variant
from ehub.catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from ehub.core import clock
from ehub.core.models import AuditEvent
from ehub.customs.models import HsCode
from ehub.markets.tests.factories import FxRateFactory, MarketFactory
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


JSON = "application/json"
URL = "/api/v1/seller/products"

WHITE_COFFEE = {
    "handle": "white-coffee-3in1",
    "hs_code": "090121",
    "origin_country": "MY",
    "category": "pantry",
    "vendor": "Penang Roasters",
    "translations": {
        "en": {"title": "White coffee 3-in-1", "description": "Ipoh style"},
        "zh-hans": {"title": "白咖啡三合一"},
        "ms": {"title": "Kopi putih 3 dalam 1", "description": "Gaya Ipoh"},
    },
    "media": ["https://cdn.example/white.jpg", "/static/demo/white-2.jpg"],
    "variants": [
        {
            "sku": "WC-15",
            "price": "25.90",
            "weight_grams": 600,
            "stock_quantity": 40,
            "option": {"en": "15 sachets", "ms": "15 paket"},
            "length_mm": 200,
            "width_mm": 100,
            "height_mm": 80,
        },
        {"sku": "WC-30", "price": "48", "weight_grams": 1150, "stock_quantity": 0},
    ],
}


@pytest.fixture(autouse=True)
def pantry():
    return CategoryFactory(slug="pantry", names={"en": "Pantry", "ms": "Pantri"})


def product_state(product_id: int) -> dict:
    """Everything about a product that an API call could change."""
    product = Product.objects.get(pk=product_id)
    return {
        "product": {f.attname: getattr(product, f.attname) for f in Product._meta.concrete_fields},
        "translations": sorted(
            ProductTranslation.objects.filter(product=product).values_list(
                "language", "title", "description"
            )
        ),
        "media": list(ProductMedia.objects.filter(product=product).values_list("url", "position")),
        "variants": sorted(
            Variant.objects.filter(product=product).values_list(
                "sku", "price_minor", "price_currency", "weight_grams", "stock_quantity", "option"
            )
        ),
    }


def create(client: Client, payload: dict | None = None, **changes):
    return client.post(URL, {**(payload or WHITE_COFFEE), **changes}, content_type=JSON)


# -- create -----------------------------------------------------------------------------------
def test_create_answers_201_with_the_whole_product(seller_client, seller_staff):
    seller = seller_staff.seller_membership.seller

    response = create(seller_client)

    assert response.status_code == 201
    product = Product.objects.get()
    small, large = Variant.objects.order_by("position")
    body = response.json()
    assert body == {
        "id": product.pk,
        "handle": "white-coffee-3in1",
        "hs_code": "090121",
        "origin_country": "MY",
        "category": "pantry",
        "status": "active",
        "vendor": "Penang Roasters",
        "translations": {
            "en": {"title": "White coffee 3-in-1", "description": "Ipoh style"},
            "ms": {"title": "Kopi putih 3 dalam 1", "description": "Gaya Ipoh"},
            "zh-Hans": {"title": "白咖啡三合一", "description": ""},
        },
        "media": ["https://cdn.example/white.jpg", "/static/demo/white-2.jpg"],
        "variants": [
            {
                "id": small.pk,
                "sku": "WC-15",
                "option": {"en": "15 sachets", "ms": "15 paket"},
                "price": {"amount": "25.90", "currency": "MYR", "formatted": "MYR25.90"},
                "weight_grams": 600,
                "length_mm": 200,
                "width_mm": 100,
                "height_mm": 80,
                "stock_quantity": 40,
            },
            {
                "id": large.pk,
                "sku": "WC-30",
                "option": {},
                "price": {"amount": "48.00", "currency": "MYR", "formatted": "MYR48.00"},
                "weight_grams": 1150,
                "length_mm": None,
                "width_mm": None,
                "height_mm": None,
                "stock_quantity": 0,
            },
        ],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert product.seller == seller
    assert (small.price_minor, small.price_currency, small.seller) == (2590, "MYR", seller)
    assert AuditEvent.objects.filter(tag="product:created", subject_id=str(product.pk)).count() == 1


def test_create_defaults_the_origin_to_the_sellers_country(seller_client):
    payload = {k: v for k, v in WHITE_COFFEE.items() if k != "origin_country"}

    response = create(seller_client, payload)

    assert response.status_code == 201
    assert response.json()["origin_country"] == "MY"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"hs_code": "0901"}, "invalid_hs_code", "hs_code"),
        ({"hs_code": "09012x"}, "invalid_hs_code", "hs_code"),
        ({"handle": "White Coffee!"}, "invalid_product", "handle"),
        ({"origin_country": "ZZ"}, "invalid_product", "origin_country"),
        ({"category": "no-such-category"}, "category_not_found", "category"),
        ({"translations": {}}, "invalid_product", "translations"),
        ({"translations": {"en": {"title": "  "}}}, "invalid_product", "translations.en.title"),
        ({"translations": {"xx-nope": {"title": "T"}}}, "invalid_product", "translations.xx-nope"),
        ({"variants": []}, "invalid_product", "variants"),
        ({"media": ["ftp://example/x.jpg"]}, "invalid_product", "media"),
        ({"status": "sold-out"}, "invalid_product", "status"),
        (
            {"variants": [{"sku": "A", "price": "1.234", "weight_grams": 1}]},
            "invalid_product",
            "variants[0].price",
        ),
        (
            {"variants": [{"sku": "A", "price": "-1.00", "weight_grams": 1}]},
            "invalid_product",
            "variants[0].price",
        ),
        (
            {"variants": [{"sku": "A", "price": "abc", "weight_grams": 1}]},
            "invalid_product",
            "variants[0].price",
        ),
        (
            {"variants": [{"sku": "A", "price": "1", "weight_grams": 1, "stock_quantity": -1}]},
            "invalid_product",
            "variants[0].stock_quantity",
        ),
        (
            {"variants": [{"sku": "A", "price": "1", "weight_grams": 0}]},
            "invalid_product",
            "variants[0].weight_grams",
        ),
        (
            {
                "variants": [
                    {"sku": "A", "price": "1", "weight_grams": 1},
                    {"sku": "A", "price": "2", "weight_grams": 1},
                ]
            },
            "invalid_product",
            "variants[1].sku",
        ),
    ],
)
def test_create_with_a_bad_field_is_422_naming_it_and_creates_nothing(
    seller_client, changes, code, field
):
    response = create(seller_client, **changes)

    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "detail"}
    assert response.json()["code"] == code
    assert response.json()["detail"] == {"field": field}
    assert Product.objects.count() == 0
    assert Variant.objects.count() == 0


@pytest.mark.parametrize("missing", ["translations", "variants", "handle", "hs_code"])
def test_create_without_a_required_key_is_422_naming_it(seller_client, missing):
    payload = {k: v for k, v in WHITE_COFFEE.items() if k != missing}

    response = create(seller_client, payload)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert [error["field"] for error in response.json()["detail"]] == [missing]
    assert Product.objects.count() == 0


def test_an_hs_code_missing_from_the_loaded_nomenclature_is_422(seller_client):
    HsCode.objects.create(code="090121", level=6, description="Coffee, roasted, not decaf")

    refused = create(seller_client, hs_code="090122")
    accepted = create(seller_client, hs_code="0901.21")

    assert refused.status_code == 422
    assert refused.json() == {
        "code": "unknown_hs_code",
        "message": "HS code 090122 is not a subheading of the HS 2022 nomenclature",
        "detail": {"field": "hs_code"},
    }
    assert accepted.status_code == 201
    assert accepted.json()["hs_code"] == "090121"
    assert Product.objects.count() == 1


@pytest.mark.parametrize(("price", "accepted"), [("10.5", False), ("10", True), ("10.0", True)])
def test_a_jpy_seller_cannot_price_in_fractions_of_a_yen(price, accepted):
    knife_smith = SellerFactory(country="JP", region="JP-21", payout_currency="JPY")
    client = Client()
    client.force_login(SellerStaffFactory(seller=knife_smith))

    response = create(
        client,
        origin_country="JP",
        variants=[{"sku": "GYUTO-210", "price": price, "weight_grams": 180}],
    )

    if accepted:
        assert response.status_code == 201
        assert response.json()["variants"][0]["price"] == {
            "amount": "10",
            "currency": "JPY",
            "formatted": "¥10",
        }
        assert Variant.objects.get().price_minor == 10
    else:
        assert response.status_code == 422
        assert response.json() == {
            "code": "invalid_product",
            "message": "JPY has 0 decimals; 10.5 has more",
            "detail": {"field": "variants[0].price"},
        }
        assert Product.objects.count() == 0


def test_a_duplicate_handle_is_409(seller_client):
    create(seller_client)
    before = product_state(Product.objects.get().pk)

    response = create(seller_client, variants=[{"sku": "OTHER", "price": "1", "weight_grams": 1}])

    assert response.status_code == 409
    assert response.json() == {
        "code": "duplicate_handle",
        "message": "you already have a product with handle white-coffee-3in1",
        "detail": {"field": "handle"},
    }
    assert Product.objects.count() == 1
    assert product_state(Product.objects.get().pk) == before


def test_a_sku_used_by_another_of_the_sellers_products_is_409(seller_client):
    create(seller_client)
    original = Product.objects.get()
    before = product_state(original.pk)

    response = create(seller_client, handle="white-coffee-bulk")

    assert response.status_code == 409
    assert response.json() == {
        "code": "duplicate_sku",
        "message": "SKU WC-15 already belongs to another of your products",
        "detail": {"field": "variants[0].sku", "sku": "WC-15"},
    }
    assert list(Product.objects.values_list("handle", flat=True)) == ["white-coffee-3in1"]
    assert product_state(original.pk) == before


def test_another_seller_may_use_the_same_handle_and_skus(seller_client):
    other = Client()
    other.force_login(SellerStaffFactory())
    create(other)

    response = create(seller_client)

    assert response.status_code == 201
    assert Product.objects.count() == 2
    assert Variant.objects.filter(sku="WC-15").count() == 2


# -- read, list -------------------------------------------------------------------------------
def test_read_and_list(seller_client):
    created = create(seller_client).json()
    create(
        seller_client,
        handle="kaya-jam",
        variants=[{"sku": "KAYA", "price": "12", "weight_grams": 300}],
    )

    one = seller_client.get(f"{URL}/{created['id']}")
    page = seller_client.get(URL)
    archived_only = seller_client.get(URL, {"status": "archived"})

    assert one.status_code == 200
    assert one.json() == created
    assert page.status_code == 200
    assert page.json()["count"] == 2
    assert [p["handle"] for p in page.json()["items"]] == ["kaya-jam", "white-coffee-3in1"]
    assert archived_only.json() == {"count": 0, "items": []}


def test_reading_an_unknown_product_is_404(seller_client):
    response = seller_client.get(f"{URL}/999999")

    assert response.status_code == 404
    assert response.json() == {
        "code": "product_not_found",
        "message": "no such product",
        "detail": None,
    }


# -- replace, patch, archive ------------------------------------------------------------------
def test_put_replaces_fields_translations_media_and_variants(seller_client):
    product_id = create(seller_client).json()["id"]
    kept_variant_id = Variant.objects.get(sku="WC-15").pk
    replacement = {
        "handle": "white-coffee-classic",
        "hs_code": "210111",
        "category": None,
        "translations": {"en": {"title": "White coffee classic"}},
        "variants": [
            {"sku": "WC-15", "price": "26.50", "weight_grams": 610, "stock_quantity": 5},
            {"sku": "WC-60", "price": "90", "weight_grams": 2300},
        ],
    }

    response = seller_client.put(f"{URL}/{product_id}", replacement, content_type=JSON)

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["handle"], body["hs_code"], body["category"]) == (
        product_id,
        "white-coffee-classic",
        "210111",
        None,
    )
    assert (body["vendor"], body["media"], body["origin_country"]) == ("", [], "MY")
    assert body["translations"] == {"en": {"title": "White coffee classic", "description": ""}}
    assert [(v["sku"], v["price"]["amount"], v["stock_quantity"]) for v in body["variants"]] == [
        ("WC-15", "26.50", 5),
        ("WC-60", "90.00", 0),
    ]
    assert body["variants"][0]["id"] == kept_variant_id
    assert body["variants"][0]["option"] == {}
    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["WC-15", "WC-60"]
    assert ProductTranslation.objects.count() == 1
    assert ProductMedia.objects.count() == 0


def test_put_with_a_bad_field_changes_nothing(seller_client):
    product_id = create(seller_client).json()["id"]
    before = product_state(product_id)

    response = seller_client.put(
        f"{URL}/{product_id}",
        {**WHITE_COFFEE, "variants": [{"sku": "WC-15", "price": "1.001", "weight_grams": 1}]},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "variants[0].price"}
    assert product_state(product_id) == before


def test_put_onto_another_products_handle_is_409(seller_client):
    first_id = create(seller_client).json()["id"]
    second_id = create(
        seller_client,
        handle="kaya-jam",
        variants=[{"sku": "KAYA", "price": "12", "weight_grams": 300}],
    ).json()["id"]
    before = product_state(second_id)

    response = seller_client.put(
        f"{URL}/{second_id}",
        {**WHITE_COFFEE, "variants": [{"sku": "KAYA", "price": "12", "weight_grams": 300}]},
        content_type=JSON,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_handle"
    assert product_state(second_id) == before
    assert Product.objects.get(pk=first_id).handle == "white-coffee-3in1"


def test_patch_changes_only_the_given_fields(seller_client):
    product_id = create(seller_client).json()["id"]
    before = product_state(product_id)

    response = seller_client.patch(
        f"{URL}/{product_id}", {"vendor": "Penang Roasters Sdn Bhd"}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["vendor"] == "Penang Roasters Sdn Bhd"
    after = product_state(product_id)
    assert after["product"]["vendor"] == "Penang Roasters Sdn Bhd"
    after["product"]["vendor"] = before["product"]["vendor"]
    after["product"]["updated_at"] = before["product"]["updated_at"]
    assert after == before


def test_patch_upserts_variants_by_sku_and_keeps_the_others(seller_client):
    product_id = create(seller_client).json()["id"]

    response = seller_client.patch(
        f"{URL}/{product_id}",
        {
            "variants": [
                {"sku": "WC-30", "price": "45.50", "stock_quantity": 12},
                {"sku": "WC-5", "price": "9.90", "weight_grams": 200},
            ],
            "translations": {"zh-Hans": {"title": "槟城白咖啡"}},
        },
        content_type=JSON,
    )

    assert response.status_code == 200
    variants = {v["sku"]: v for v in response.json()["variants"]}
    assert sorted(variants) == ["WC-15", "WC-30", "WC-5"]
    assert (variants["WC-15"]["price"]["amount"], variants["WC-15"]["stock_quantity"]) == (
        "25.90",
        40,
    )
    assert (
        variants["WC-30"]["price"]["amount"],
        variants["WC-30"]["stock_quantity"],
        variants["WC-30"]["weight_grams"],
    ) == ("45.50", 12, 1150)
    assert (variants["WC-5"]["price"]["amount"], variants["WC-5"]["weight_grams"]) == (
        "9.90",
        200,
    )
    assert response.json()["translations"] == {
        "en": {"title": "White coffee 3-in-1", "description": "Ipoh style"},
        "ms": {"title": "Kopi putih 3 dalam 1", "description": "Gaya Ipoh"},
        "zh-Hans": {"title": "槟城白咖啡", "description": ""},
    }


def test_patch_adding_a_variant_without_a_weight_is_422_and_changes_nothing(seller_client):
    product_id = create(seller_client).json()["id"]
    before = product_state(product_id)

    response = seller_client.patch(
        f"{URL}/{product_id}",
        {"variants": [{"sku": "WC-5", "price": "9.90"}]},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "variants[2].weight_grams"}
    assert product_state(product_id) == before


def test_delete_archives_the_product(seller_client):
    product_id = create(seller_client).json()["id"]

    response = seller_client.delete(f"{URL}/{product_id}")

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert Product.objects.get(pk=product_id).status == "archived"
    assert Variant.objects.filter(product_id=product_id).count() == 2
    assert (
        AuditEvent.objects.filter(tag="product:status:archived", subject_id=str(product_id)).count()
        == 1
    )


# -- public catalog ---------------------------------------------------------------------------
@pytest.fixture
def markets():
    return {
        "MY": MarketFactory(country="MY", currency="MYR", languages=["ms", "en", "zh-Hans"]),
        "US": MarketFactory(country="US", currency="USD", languages=["en"]),
        "CN": MarketFactory(country="CN", currency="CNY", languages=["zh-Hans", "en"]),
        "DE": MarketFactory(country="DE", currency="EUR", languages=["de", "en"], enabled=False),
    }


@pytest.fixture
def todays_rates():
    today = clock.today()
    FxRateFactory(base="EUR", quote="MYR", rate=Decimal("4.8"), as_of=today)
    FxRateFactory(base="EUR", quote="USD", rate=Decimal("1.16"), as_of=today)
    # An older, different rate must not be used.
    FxRateFactory(base="EUR", quote="USD", rate=Decimal("2"), as_of=today - dt.timedelta(days=1))


@pytest.fixture
def coffee():
    """An active product of a verified Malaysian seller, in three languages."""
    seller = SellerFactory(slug="penang-roasters", display_name="Penang Roasters")
    product = ProductFactory(
        seller=seller,
        handle="white-coffee",
        translations={"en": "White coffee", "zh-Hans": "白咖啡", "ms": "Kopi putih"},
    )
    VariantFactory(product=product, sku="WC-15", price_minor=2590, stock_quantity=3)
    return product


def test_public_catalog_lists_only_active_products_of_verified_sellers(
    client, markets, todays_rates, coffee
):
    pending = SellerFactory(verification_status="pending")
    rejected = SellerFactory(verification_status="rejected", rejection_reason="fake")
    VariantFactory(product=ProductFactory(seller=pending, handle="pending-product"))
    VariantFactory(product=ProductFactory(seller=rejected, handle="rejected-product"))
    VariantFactory(product=ProductFactory(seller=coffee.seller, handle="draft", status="draft"))
    VariantFactory(
        product=ProductFactory(seller=coffee.seller, handle="archived", status="archived")
    )

    response = client.get("/api/v1/catalog/US/products")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [p["handle"] for p in response.json()["items"]] == ["white-coffee"]
    for hidden in Product.objects.exclude(pk=coffee.pk):
        assert client.get(f"/api/v1/catalog/US/products/{hidden.pk}").status_code == 404


def test_public_prices_are_converted_with_todays_stored_rate(client, markets, todays_rates, coffee):
    variant = coffee.variants.get()

    response = client.get(f"/api/v1/catalog/US/products/{coffee.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": coffee.pk,
        "handle": "white-coffee",
        "title": "White coffee",
        "description": "",
        "language": "en",
        "hs_code": "090121",
        "origin_country": "MY",
        "category": "pantry",
        "seller": {
            "slug": "penang-roasters",
            "display_name": "Penang Roasters",
            "country": "MY",
            "region": "MY-07",
        },
        "media": [],
        "variants": [
            {
                "id": variant.pk,
                "sku": "WC-15",
                "option": "",
                "seller_price": {"amount": "25.90", "currency": "MYR", "formatted": "MYR25.90"},
                # 25.90 MYR / 4.8 MYR per EUR * 1.16 USD per EUR = 6.25916… → 6.26
                "price": {"amount": "6.26", "currency": "USD", "formatted": "$6.26"},
                "weight_grams": 500,
                "in_stock": True,
            }
        ],
    }


def test_a_market_in_the_sellers_currency_shows_the_same_price(
    client, markets, todays_rates, coffee
):
    response = client.get("/api/v1/catalog/MY/products", {"lang": "en"})

    variant = response.json()["items"][0]["variants"][0]
    assert response.json()["currency"] == "MYR"
    assert variant["price"] == {"amount": "25.90", "currency": "MYR", "formatted": "MYR25.90"}


def test_a_pair_without_a_rate_gives_a_null_price_not_an_error(
    client, markets, todays_rates, coffee
):
    response = client.get("/api/v1/catalog/CN/products")

    assert response.status_code == 200
    variant = response.json()["items"][0]["variants"][0]
    assert variant["price"] is None
    assert variant["seller_price"]["amount"] == "25.90"


@pytest.mark.parametrize(
    ("country", "params", "headers", "language", "title"),
    [
        ("MY", {"lang": "zh-Hans"}, {}, "zh-Hans", "白咖啡"),
        ("MY", {"lang": "zh-hans"}, {}, "zh-Hans", "白咖啡"),
        ("MY", {"lang": "en"}, {"Accept-Language": "zh-CN"}, "en", "White coffee"),
        ("MY", {}, {"Accept-Language": "zh-CN,zh;q=0.9"}, "zh-Hans", "白咖啡"),
        ("MY", {}, {"Accept-Language": "en-GB,en;q=0.8"}, "en", "White coffee"),
        # nothing asked for: the market's default language
        ("MY", {}, {}, "ms", "Kopi putih"),
        ("CN", {}, {}, "zh-Hans", "白咖啡"),
        # asked for a language the market does not offer: the market's default
        ("MY", {"lang": "fr"}, {}, "ms", "Kopi putih"),
        ("US", {"lang": "zh-Hans"}, {}, "en", "White coffee"),
        ("MY", {"lang": "not a language"}, {}, "ms", "Kopi putih"),
    ],
)
def test_language_selection(
    client, markets, todays_rates, coffee, country, params, headers, language, title
):
    response = client.get(f"/api/v1/catalog/{country}/products", params, headers=headers)

    assert response.status_code == 200
    assert response.json()["language"] == language
    assert response.json()["items"][0]["title"] == title


def test_filters_and_paging(client, markets, todays_rates, coffee):
    maple = ProductFactory(
        seller=SellerFactory(slug="maple", country="CA", region="CA-QC", payout_currency="CAD"),
        handle="maple-syrup",
        origin_country="CA",
        translations={"en": "Maple syrup"},
    )
    VariantFactory(product=maple)

    by_origin = client.get("/api/v1/catalog/US/products", {"origin": "ca"})
    by_seller = client.get("/api/v1/catalog/US/products", {"seller": "penang-roasters"})
    by_text = client.get("/api/v1/catalog/US/products", {"q": "MAPLE"})
    paged = client.get("/api/v1/catalog/US/products", {"limit": 1, "offset": 1})

    assert [p["handle"] for p in by_origin.json()["items"]] == ["maple-syrup"]
    assert [p["handle"] for p in by_seller.json()["items"]] == ["white-coffee"]
    assert [p["handle"] for p in by_text.json()["items"]] == ["maple-syrup"]
    assert paged.json()["count"] == 2
    assert len(paged.json()["items"]) == 1


@pytest.mark.parametrize(
    ("country", "code"), [("ZZ", "market_not_found"), ("DE", "market_disabled")]
)
def test_an_unknown_or_disabled_market_is_404(client, markets, coffee, country, code):
    listing = client.get(f"/api/v1/catalog/{country}/products")
    detail = client.get(f"/api/v1/catalog/{country}/products/{coffee.pk}")

    assert (listing.status_code, detail.status_code) == (404, 404)
    assert listing.json()["code"] == code
    assert detail.json()["code"] == code


def test_categories_are_public(client):
    response = client.get("/api/v1/catalog/categories", {"lang": "ms"})

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "pantry",
            "parent": None,
            "name": "Pantri",
            "names": {"en": "Pantry", "ms": "Pantri"},
        }
    ]
