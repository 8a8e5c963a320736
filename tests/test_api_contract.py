"""The API's promises: OpenAPI schema, an offline docs page, one error shape everywhere."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.tests.factories import CategoryFactory
from ehub.markets.tests.factories import MarketFactory
from ehub.sellers.tests.factories import SellerFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
ERROR_KEYS = {"code", "message", "detail"}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# -- OpenAPI and docs -------------------------------------------------------------------------
def test_the_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "ehub API"
    for path in (
        "/api/v1/markets",
        "/api/v1/markets/{country}",
        "/api/v1/fx/convert",
        "/api/v1/fx/quotes",
        "/api/v1/hs",
        "/api/v1/hs/{code}",
        "/api/v1/sellers",
        "/api/v1/seller",
        "/api/v1/seller/api-keys",
        "/api/v1/seller/api-keys/{key_id}",
        "/api/v1/seller/products",
        "/api/v1/seller/products/{product_id}",
        "/api/v1/admin/sellers/{seller_id}/verification",
        "/api/v1/catalog/categories",
        "/api/v1/catalog/{country}/products",
        "/api/v1/catalog/{country}/products/{product_id}",
    ):
        assert path in schema["paths"], path


def test_the_docs_page_works_offline(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.IGNORECASE)
    for cdn in ("cdn", "unpkg", "jsdelivr", "googleapis", "cloudflare"):
        assert cdn not in html.lower()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any(a.endswith(".js") for a in assets)
    assert any(a.endswith(".css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a bundled file"


def test_the_api_root_leads_to_the_docs_whatever_debug_says(client, settings):
    settings.DEBUG = False

    response = client.get("/api/v1/")

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


def test_the_site_root_is_the_storefront_and_the_api_root_leads_to_the_docs(client):
    assert client.get("/").status_code == 200  # the market chooser

    response = client.get("/api/v1/")

    assert response.status_code == 302
    assert response["Location"] == "/api/v1/docs"


# -- one error shape --------------------------------------------------------------------------
def test_malformed_json_is_400(client):
    response = client.post("/api/v1/auth/sign-in", "{not json", content_type=JSON)

    assert_error_shape(response, 400, "invalid_input")


def test_malformed_json_is_400_on_an_endpoint_that_parses_its_own_body(client):
    response = client.post("/api/v1/landed-cost", "{not json", content_type=JSON)

    body = assert_error_shape(response, 400, "invalid_input")
    assert body["message"] == "the request body is not valid JSON"


def test_a_schema_validation_error_is_422_naming_every_field(client):
    response = client.get("/api/v1/fx/convert")

    body = assert_error_shape(response, 422, "invalid_input")
    assert body["message"] == "amount: Field required"
    assert body["detail"] == [
        {"field": "amount", "message": "Field required", "type": "missing"},
        {"field": "source", "message": "Field required", "type": "missing"},
        {"field": "target", "message": "Field required", "type": "missing"},
    ]


def test_a_bad_path_parameter_is_422(client):
    response = client.get("/api/v1/catalog/US/products/abc")

    body = assert_error_shape(response, 422, "invalid_input")
    assert [e["field"] for e in body["detail"]] == ["product_id"]


def test_a_nested_body_field_is_named_with_its_path(client):
    user = UserFactory()
    staff_client = Client()
    staff_client.force_login(user)
    seller = SellerFactory()
    from ehub.sellers.models import SellerMembership

    SellerMembership.objects.create(seller=seller, user=user)

    response = staff_client.post(
        "/api/v1/seller/products",
        {
            "handle": "x",
            "hs_code": "090121",
            "translations": {"en": {"title": "X"}},
            "variants": [{"sku": "A", "price": "1"}],
        },
        content_type=JSON,
    )

    body = assert_error_shape(response, 422, "invalid_input")
    assert [e["field"] for e in body["detail"]] == ["variants[0].weight_grams"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v2/markets", "/api/", "/api/v1", "/api/v1/markets/"]
)
def test_an_unknown_path_under_api_is_a_json_404(client, path):
    response = client.get(path)

    body = assert_error_shape(response, 404, "not_found")
    assert body == {"code": "not_found", "message": f"no API endpoint at {path}", "detail": None}


def test_a_domain_404_has_the_shape(client):
    response = client.get("/api/v1/markets/ZZ")

    assert_error_shape(response, 404, "market_not_found")


def test_401_403_409_have_the_shape(client):
    MarketFactory(country="MY")
    buyer = Client()
    buyer.force_login(UserFactory(role=Role.BUYER))
    CategoryFactory(slug="pantry")

    assert_error_shape(client.get("/api/v1/seller"), 401, "not_authenticated")
    assert_error_shape(buyer.get("/api/v1/seller"), 403, "not_seller_staff")
    assert_error_shape(
        buyer.post(
            f"/api/v1/admin/sellers/{SellerFactory().pk}/verification",
            {"status": "verified"},
            content_type=JSON,
        ),
        403,
        "permission_denied",
    )
    user = UserFactory()
    assert_error_shape(
        client.post(
            "/api/v1/auth/sign-up",
            {"email": user.email, "password": "a-long-unusual-passphrase-42"},
            content_type=JSON,
        ),
        409,
        "email_taken",
    )


def test_an_unexpected_error_is_a_500_in_the_shape_without_internals(client, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("ehub.markets.api.market_list", explode)

    response = client.get("/api/v1/markets")

    body = assert_error_shape(response, 500, "internal_error")
    assert "secret internals" not in response.content.decode()
    assert body["detail"] is None


def test_a_wrong_method_is_a_json_405(client):
    response = client.delete("/api/v1/markets")

    assert_error_shape(response, 405, "method_not_allowed")


def test_the_landed_cost_answer_carries_translatable_explanation_messages(client):
    from ehub.customs.contract import EXAMPLE_REQUEST

    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/landed-cost"]["post"]
    documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert documented["properties"]["explanation_messages"]["items"]["required"] == [
        "template",
        "params",
    ]
    response = client.post("/api/v1/landed-cost", EXAMPLE_REQUEST, content_type=JSON)

    body = response.json()
    assert response.status_code == 200
    assert len(body["explanation_messages"]) == len(body["explanation"])
    assert body["explanation_messages"][0]["template"] == "{country}: {regime}."
    assert body["explanation"][0] == "Finland: EU import, above IOSS threshold."
