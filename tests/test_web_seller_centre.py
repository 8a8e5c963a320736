"""Seller centre pages without a browser, part two: the business profile, a product's variants,
API keys and returned parcels. (Part one, tests/test_web_seller.py: access, sign-up, products,
import, parcels to ship, money.)"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import Variant
from ehub.catalog.selectors import market_rates_today
from ehub.catalog.tests.factories import ProductFactory, VariantFactory
from ehub.checkout.pricing import landed_price
from ehub.core.models import AuditEvent
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel
from ehub.logistics.services import parcel_hand_over, parcel_start_return
from ehub.logistics.tests.helpers import Shipment, shipment
from ehub.markets.selectors import market_list
from ehub.orders.models import Order
from ehub.orders.tests.helpers import one_placed_order, signed_in, world
from ehub.sellers.models import Seller, SellerApiKey
from ehub.sellers.selectors import seller_from_api_key
from ehub.sellers.services import seller_api_key_create, seller_api_key_revoke
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def staff_of(seller: Seller) -> Client:
    return signed_in(SellerStaffFactory(seller=seller))


def html_of(response) -> str:
    return response.content.decode()


def seller_row(seller: Seller) -> dict[str, object]:
    fresh = Seller.objects.get(pk=seller.pk)
    return {f.attname: getattr(fresh, f.attname) for f in Seller._meta.concrete_fields}


# -- business profile -----------------------------------------------------------------------------
def profile_post(seller: Seller, **changes: object) -> dict[str, object]:
    """The profile form as the page fills it for ``seller``, with ``changes``."""
    data: dict[str, object] = {
        "legal_name": seller.legal_name,
        "display_name": seller.display_name,
        "country": seller.country,
        "region": seller.region,
        "city": seller.city,
        "address_line1": seller.address_line1,
        "address_line2": seller.address_line2,
        "postal_code": seller.postal_code,
        "registration_number": seller.registration_number,
        "contact_name": seller.contact_name,
        "contact_email": seller.contact_email,
        "contact_phone": seller.contact_phone,
        "payout_currency": seller.payout_currency,
        "description_en": "",
        "description_zh_hans": "",
        "description_ms": "",
    }
    data.update(changes)
    return data


def test_the_profile_shows_the_stored_details_with_a_label_for_every_field():
    seller = SellerFactory(city="Ipoh", description={"en": "Kopi since 1952"})

    response = staff_of(seller).get("/seller/profile/", **EN)

    page = html_of(response)
    assert response.status_code == 200
    assert '<a href="/seller/profile/" aria-current="page">Business profile</a>' in page
    assert 'value="Ipoh"' in page
    assert "Kopi since 1952</textarea>" in page
    field_ids = [i for i in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)]
    assert len([i for i in field_ids if i.startswith("id_")]) == 16
    for field_id in field_ids:
        assert f'for="{field_id}"' in page, field_id


def test_a_pending_seller_reads_what_happens_next_on_the_profile_and_the_overview():
    seller = SellerFactory(verification_status="pending", contact_email="kopi@seller.example")
    client = staff_of(seller)

    for path in ("/seller/profile/", "/seller/"):
        page = html_of(client.get(path, **EN))
        assert "Pending verification" in page, path
        assert "What happens next" in page, path
        assert "kopi@seller.example" in page, path
    assert 'href="/seller/profile/"' in html_of(client.get("/seller/products/", **EN))


def test_a_seller_changes_its_address_and_description():
    seller = SellerFactory(description={"ja": "コーヒー"})
    user = SellerStaffFactory(seller=seller)
    client = signed_in(user)

    response = client.post(
        "/seller/profile/",
        profile_post(
            seller,
            city="Butterworth",
            postal_code="12000",
            description_en="Roasted in Penang",
            description_ms="Dipanggang di Pulau Pinang",
        ),
        **EN,
    )

    assert response.status_code == 302, html_of(response)
    assert response.headers["Location"] == "/seller/profile/"
    seller.refresh_from_db()
    assert (seller.city, seller.postal_code) == ("Butterworth", "12000")
    assert seller.description == {
        "ja": "コーヒー",
        "en": "Roasted in Penang",
        "ms": "Dipanggang di Pulau Pinang",
    }
    event = AuditEvent.objects.get(subject_type="seller", subject_id=str(seller.pk))
    assert event.tag == "seller:updated"
    assert event.actor == user
    assert event.data == {"fields": ["city", "description", "postal_code"]}
    assert "Your business details are saved." in html_of(client.get("/seller/profile/", **EN))


def test_a_verified_seller_cannot_change_its_country_and_reads_why_on_the_field():
    seller = SellerFactory(verification_status="verified", country="MY", region="MY-07")
    before = seller_row(seller)

    response = staff_of(seller).post(
        "/seller/profile/", profile_post(seller, country="SG", region="", city="Singapore"), **EN
    )

    assert response.status_code == 409
    page = html_of(response)
    field = re.search(
        r'<div class="field invalid">\s*<label for="id_country">.*?</div>', page, re.S
    )
    assert field, page
    assert "your business is verified: its country cannot change" in field.group(0)
    assert seller_row(seller) == before
    # The page still shows what is stored (nothing was saved), in the navigation too.
    assert f"Seller centre · {seller.display_name}" in page


def test_a_verified_seller_cannot_change_its_registration_number():
    seller = SellerFactory(verification_status="verified")
    before = seller_row(seller)

    response = staff_of(seller).post(
        "/seller/profile/", profile_post(seller, registration_number="202399999999"), **EN
    )

    assert response.status_code == 409
    assert "its registration number cannot change" in html_of(response)
    assert seller_row(seller) == before


def test_a_pending_seller_moves_country_and_the_new_countrys_number_is_checked():
    seller = SellerFactory(verification_status="pending", country="MY", region="MY-07")
    client = staff_of(seller)
    before = seller_row(seller)

    refused = client.post(
        "/seller/profile/",
        profile_post(
            seller, country="US", region="US-MI", payout_currency="USD", registration_number="12"
        ),
        **EN,
    )
    assert refused.status_code == 422
    assert "is not a valid US EIN" in html_of(refused)
    assert seller_row(seller) == before

    accepted = client.post(
        "/seller/profile/",
        profile_post(
            seller,
            country="US",
            region="US-MI",
            payout_currency="USD",
            registration_number="04-2103594",
        ),
        **EN,
    )
    assert accepted.status_code == 302, html_of(accepted)
    seller.refresh_from_db()
    assert (seller.country, seller.region, seller.registration_number) == (
        "US",
        "US-MI",
        "042103594",
    )


def test_a_region_of_another_country_is_shown_on_the_region_field():
    seller = SellerFactory(country="MY", region="MY-07")
    before = seller_row(seller)

    response = staff_of(seller).post("/seller/profile/", profile_post(seller, region="US-MI"), **EN)

    assert response.status_code == 422
    assert re.search(r'<label for="id_region">.*?is not a region of MY', html_of(response), re.S)
    assert seller_row(seller) == before


def test_another_sellers_registration_number_is_a_409_on_the_field():
    other = SellerFactory(country="MY")
    seller = SellerFactory(country="MY", verification_status="pending")
    before = seller_row(seller)

    response = staff_of(seller).post(
        "/seller/profile/",
        profile_post(seller, registration_number=other.registration_number),
        **EN,
    )

    assert response.status_code == 409
    assert "a seller with this registration number already exists" in html_of(response)
    assert seller_row(seller) == before


def test_a_payout_currency_outside_the_usual_list_is_kept():
    seller = SellerFactory(payout_currency="THB", country="TH", region="")
    client = staff_of(seller)

    page = html_of(client.get("/seller/profile/", **EN))
    response = client.post("/seller/profile/", profile_post(seller, city="Chiang Mai"), **EN)

    assert '<option value="THB" selected>THB</option>' in page
    assert response.status_code == 302, html_of(response)
    seller.refresh_from_db()
    assert (seller.payout_currency, seller.city) == ("THB", "Chiang Mai")


def test_an_empty_display_name_is_a_form_error_and_nothing_changes():
    seller = SellerFactory()
    before = seller_row(seller)

    response = staff_of(seller).post("/seller/profile/", profile_post(seller, display_name=""))

    assert response.status_code == 422
    assert seller_row(seller) == before


# -- variants -------------------------------------------------------------------------------------
def two_variant_product():
    """A Malaysian seller's product with two variants (markets and FX rates ready)."""
    w = world()
    first = w.variant
    first.option = {"en": "250 g"}
    first.save(update_fields=["option"])
    second = VariantFactory(
        product=first.product,
        sku="IPOH-1KG",
        price_minor=8000,
        weight_grams=1100,
        stock_quantity=4,
        position=1,
        option={"en": "1 kg", "ja": "1キロ"},
    )
    return first.product, first, second


def variant_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sku": "IPOH-500",
        "option_en": "500 g",
        "option_zh_hans": "500克",
        "option_ms": "",
        "price": "45.00",
        "weight_grams": 560,
        "stock_quantity": 7,
        "length_mm": "",
        "width_mm": "",
        "height_mm": "",
    }
    data.update(changes)
    return data


def test_the_product_page_lists_every_variant_with_its_links():
    product, first, second = two_variant_product()

    page = html_of(staff_of(product.seller).get(f"/seller/products/{product.pk}/", **EN))

    table = re.search(r'<table class="data" id="variants">(.*?)</table>', page, re.S)
    assert table
    rows = re.findall(r'<tr data-sku="([^"]+)">', table.group(1))
    assert rows == [first.sku, "IPOH-1KG"]
    assert second.price.format("en") in table.group(1)
    assert f'href="/seller/products/{product.pk}/variants/{second.pk}/"' in page
    assert f'href="/seller/products/{product.pk}/variants/{second.pk}/remove/"' in page
    assert f'href="/seller/products/{product.pk}/variants/new/"' in page


def test_a_seller_adds_a_variant_with_its_option_in_two_languages():
    product, first, _second = two_variant_product()
    client = staff_of(product.seller)

    response = client.post(
        f"/seller/products/{product.pk}/variants/new/", variant_post(length_mm=120), **EN
    )

    assert response.status_code == 302, html_of(response)
    assert response.headers["Location"] == f"/seller/products/{product.pk}/"
    added = Variant.objects.get(product=product, sku="IPOH-500")
    assert added.option == {"en": "500 g", "zh-Hans": "500克"}
    assert (added.price_minor, added.price_currency) == (4500, "MYR")
    assert (added.weight_grams, added.stock_quantity, added.length_mm) == (560, 7, 120)
    assert list(product.variants.order_by("position").values_list("sku", flat=True)) == [
        first.sku,
        "IPOH-1KG",
        "IPOH-500",
    ]
    assert "Variant IPOH-500 is added." in html_of(
        client.get(f"/seller/products/{product.pk}/", **EN)
    )


def test_a_sku_the_seller_already_uses_is_refused_on_the_sku_field():
    product, first, _second = two_variant_product()
    elsewhere = VariantFactory(
        product=ProductFactory(seller=product.seller, handle="kaya"), sku="KAYA-1"
    )
    client = staff_of(product.seller)

    same_product = client.post(
        f"/seller/products/{product.pk}/variants/new/", variant_post(sku=first.sku), **EN
    )
    other_product = client.post(
        f"/seller/products/{product.pk}/variants/new/", variant_post(sku=elsewhere.sku), **EN
    )

    for response, message in (
        (same_product, f"this product already has a variant with SKU {first.sku}"),
        (other_product, "SKU KAYA-1 already belongs to another of your products"),
    ):
        assert response.status_code == 409
        assert re.search(r'<label for="id_sku">.*?' + re.escape(message), html_of(response), re.S)
    assert product.variants.count() == 2
    assert Variant.objects.get(pk=elsewhere.pk).product_id == elsewhere.product_id


def test_too_many_decimals_on_a_variant_is_shown_on_its_price():
    product, _first, _second = two_variant_product()

    response = staff_of(product.seller).post(
        f"/seller/products/{product.pk}/variants/new/", variant_post(price="4.505"), **EN
    )

    assert response.status_code == 422
    assert "MYR has 2 decimals" in html_of(response)
    assert product.variants.count() == 2


def test_editing_the_second_variant_keeps_the_first_and_other_languages():
    product, first, second = two_variant_product()
    client = staff_of(product.seller)
    form = html_of(client.get(f"/seller/products/{product.pk}/variants/{second.pk}/", **EN))
    assert 'value="IPOH-1KG"' in form
    assert 'value="80.00"' in form

    response = client.post(
        f"/seller/products/{product.pk}/variants/{second.pk}/",
        variant_post(sku="IPOH-1KG", option_en="1 kg bag", price="75.50", stock_quantity=9),
        **EN,
    )

    assert response.status_code == 302, html_of(response)
    second.refresh_from_db()
    assert (second.price_minor, second.stock_quantity) == (7550, 9)
    assert second.option == {"ja": "1キロ", "en": "1 kg bag", "zh-Hans": "500克"}
    before = first.price_minor, first.stock_quantity, first.option
    first.refresh_from_db()
    assert (first.price_minor, first.stock_quantity, first.option) == before


def test_the_what_buyers_pay_table_is_for_the_chosen_variant():
    product, _first, second = two_variant_product()
    client = staff_of(product.seller)

    for path in (
        f"/seller/products/{product.pk}/?variant={second.pk}",
        f"/seller/products/{product.pk}/variants/{second.pk}/",
    ):
        page = html_of(client.get(path, **EN))
        rates = market_rates_today()
        for market in market_list():
            price = landed_price(variant=second, market=market, rates=rates)
            row = re.search(rf'<tr data-market="{market.country}">(.*?)</tr>', page, re.S)
            assert row, (path, market.country)
            if price.available:
                assert price.landed_total is not None
                assert price.landed_total.format("en") in row.group(1), path
    chooser = html_of(client.get(f"/seller/products/{product.pk}/?variant={second.pk}", **EN))
    assert f'<option value="{second.pk}" selected>IPOH-1KG</option>' in chooser
    # An unknown choice falls back to the first variant rather than failing.
    assert client.get(f"/seller/products/{product.pk}/?variant=nope", **EN).status_code == 200


def test_a_seller_removes_a_variant_after_confirming():
    product, first, second = two_variant_product()
    client = staff_of(product.seller)
    confirm = client.get(f"/seller/products/{product.pk}/variants/{second.pk}/remove/", **EN)
    assert confirm.status_code == 200
    assert "Remove variant IPOH-1KG?" in html_of(confirm)
    assert Variant.objects.filter(pk=second.pk).exists()

    response = client.post(f"/seller/products/{product.pk}/variants/{second.pk}/remove/", **EN)

    assert response.status_code == 302
    assert list(product.variants.values_list("sku", flat=True)) == [first.sku]
    assert "Variant IPOH-1KG is removed." in html_of(
        client.get(f"/seller/products/{product.pk}/", **EN)
    )


def test_the_last_variant_cannot_be_removed():
    w = world()
    product = w.variant.product
    client = staff_of(product.seller)
    confirm = html_of(
        client.get(f"/seller/products/{product.pk}/variants/{w.variant.pk}/remove/", **EN)
    )
    assert "only variant, and a product needs at least one" in confirm
    assert 'action="/seller/products/' not in confirm  # no remove button, only "add a variant"

    response = client.post(f"/seller/products/{product.pk}/variants/{w.variant.pk}/remove/", **EN)

    assert response.status_code == 409
    assert "only variant: a product needs at least one" in html_of(response)
    assert list(product.variants.values_list("pk", flat=True)) == [w.variant.pk]


def test_an_ordered_variant_cannot_be_removed_or_renamed():
    one_placed_order()
    variant = Order.objects.get().lines.get().variant
    product = variant.product
    spare = VariantFactory(product=product, sku="SPARE-1", position=1)
    client = staff_of(product.seller)

    removed = client.post(f"/seller/products/{product.pk}/variants/{variant.pk}/remove/", **EN)
    renamed = client.post(
        f"/seller/products/{product.pk}/variants/{variant.pk}/",
        variant_post(sku="RENAMED-1"),
        **EN,
    )

    for response in (removed, renamed):
        assert response.status_code == 409
        assert f"SKU {variant.sku} has been ordered" in html_of(response)
    assert sorted(product.variants.values_list("sku", flat=True)) == sorted(
        [variant.sku, spare.sku]
    )


def test_another_sellers_variants_are_404():
    product, _first, second = two_variant_product()
    mine = VariantFactory(product=ProductFactory(seller=SellerFactory()), sku="MINE-1")
    client = staff_of(mine.seller)
    before = sorted(Variant.objects.values_list("id", "sku", "price_minor", "product_id"))

    for method, path, data in (
        ("get", f"/seller/products/{product.pk}/variants/{second.pk}/", None),
        ("post", f"/seller/products/{product.pk}/variants/{second.pk}/", variant_post()),
        ("post", f"/seller/products/{product.pk}/variants/new/", variant_post()),
        ("post", f"/seller/products/{product.pk}/variants/{second.pk}/remove/", None),
        # My product with their variant's id: not one of my product's variants either.
        ("get", f"/seller/products/{mine.product_id}/variants/{second.pk}/", None),
        ("post", f"/seller/products/{mine.product_id}/variants/{second.pk}/remove/", None),
    ):
        response = getattr(client, method)(path, data or {}, **EN)
        assert response.status_code == 404, (method, path)
    assert sorted(Variant.objects.values_list("id", "sku", "price_minor", "product_id")) == before


# -- API keys -------------------------------------------------------------------------------------
def test_the_key_list_shows_only_the_sellers_own_keys():
    seller, other = SellerFactory(), SellerFactory()
    mine, _ = seller_api_key_create(seller=seller, name="shop sync", actor=None)
    old, _ = seller_api_key_create(seller=seller, name="old erp", actor=None)
    seller_api_key_revoke(seller=seller, key_id=old.pk, actor=None)
    theirs, _ = seller_api_key_create(seller=other, name="their erp", actor=None)

    response = staff_of(seller).get("/seller/api-keys/", **EN)

    page = html_of(response)
    assert response.status_code == 200
    assert '<a href="/seller/api-keys/" aria-current="page">API keys</a>' in page
    assert re.findall(r'<tr id="key-(\d+)">', page) == [str(old.pk), str(mine.pk)]
    assert f"ehub_sk_{mine.prefix}_…" in page
    assert "Revoked on" in page
    assert "Never" in page  # not used yet
    assert "their erp" not in page
    assert theirs.prefix not in page
    assert f'action="/seller/api-keys/{mine.pk}/revoke/"' in page
    assert f'action="/seller/api-keys/{old.pk}/revoke/"' not in page


def test_a_new_key_is_shown_once_and_works():
    seller = SellerFactory()
    user = SellerStaffFactory(seller=seller)
    client = signed_in(user)

    response = client.post("/seller/api-keys/", {"name": "Shopify sync"}, **EN)

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    raw = re.search(
        r'id="new-api-key" type="text" readonly value="(ehub_sk_[^"]+)"', html_of(response)
    )
    assert raw
    assert "it is shown only this once" in html_of(response)
    key = SellerApiKey.objects.get(seller=seller)
    assert (key.name, key.created_by) == ("Shopify sync", user)
    assert seller_from_api_key(raw_key=raw.group(1)) == seller
    again = html_of(client.get("/seller/api-keys/", **EN))
    assert raw.group(1) not in again
    assert "Shopify sync" in again
    assert (
        client.get("/api/v1/seller", headers={"Authorization": f"Bearer {raw.group(1)}"}).json()[
            "id"
        ]
        == seller.pk
    )


def test_a_key_without_a_name_is_refused_by_the_service():
    seller = SellerFactory()

    response = staff_of(seller).post("/seller/api-keys/", {"name": "  "}, **EN)

    assert response.status_code == 422
    assert "give the key a name" in html_of(response)
    assert not SellerApiKey.objects.exists()


def test_a_seller_revokes_its_key_and_it_stops_working():
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="shop sync", actor=None)
    client = staff_of(seller)

    response = client.post(f"/seller/api-keys/{key.pk}/revoke/", **EN)

    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/api-keys/"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert seller_from_api_key(raw_key=raw) is None
    assert "is revoked: it no longer works" in html_of(client.get("/seller/api-keys/", **EN))


def test_another_sellers_user_cannot_revoke_a_key_and_gets_404():
    seller = SellerFactory()
    key, raw = seller_api_key_create(seller=seller, name="shop sync", actor=None)
    intruder = staff_of(SellerFactory())

    response = intruder.post(f"/seller/api-keys/{key.pk}/revoke/", **EN)

    assert response.status_code == 404
    assert "no such API key" in html_of(response)
    key.refresh_from_db()
    assert key.revoked_at is None
    assert seller_from_api_key(raw_key=raw) == seller
    assert "shop sync" not in html_of(intruder.get("/seller/api-keys/", **EN))


@pytest.mark.parametrize("path", ["/seller/api-keys/", "/seller/profile/"])
def test_only_seller_staff_reach_the_keys_and_the_profile(path):
    assert Client().get(path).headers["Location"].startswith(f"/accounts/signin/?next={path}")
    assert signed_in(UserFactory()).get(path).headers["Location"] == "/seller/signup/"
    hub = signed_in(UserFactory(role=Role.HUB_OPERATOR)).post(path, {"name": "x"}, **EN)
    assert hub.status_code == 403
    assert not SellerApiKey.objects.exists()


def test_key_revocation_is_post_only_and_checks_the_csrf_token():
    seller = SellerFactory()
    key, _raw = seller_api_key_create(seller=seller, name="shop sync", actor=None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(SellerStaffFactory(seller=seller))

    assert client.get(f"/seller/api-keys/{key.pk}/revoke/").status_code == 405
    assert client.post(f"/seller/api-keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


# -- returned parcels -----------------------------------------------------------------------------
def returning_parcel() -> Shipment:
    """A paid parcel (one item) handed over, undeliverable, and on its way back to its seller
    (the buyer refunded)."""
    s = shipment()
    parcel_hand_over(seller=s.seller, code=s.code)
    Parcel.objects.filter(pk=s.parcel.pk).update(status=ParcelStatus.DELIVERY_FAILED)
    parcel_start_return(parcel=Parcel.objects.get(pk=s.parcel.pk), reason="address unknown")
    assert Parcel.objects.get(pk=s.parcel.pk).status == ParcelStatus.RETURNING
    return s


def stock_of(s: Shipment) -> int:
    line = s.order.lines.get()
    return Variant.objects.get(pk=line.variant_id).stock_quantity


def test_a_returning_parcel_is_listed_with_its_reason_and_the_two_choices():
    s = returning_parcel()

    page = html_of(staff_of(s.seller).get("/seller/orders/", **EN))

    row = re.search(rf'<tr id="return-{s.code}">(.*?)</tr>', page, re.S)
    assert row
    assert "address unknown" in row.group(1)
    assert "Returning to you" in row.group(1)
    assert 'name="restock" value="yes"' in row.group(1)
    assert 'name="restock" value="no"' in row.group(1)
    assert f'id="parcel-{s.code}"' not in page  # no longer a parcel to ship
    home = html_of(staff_of(s.seller).get("/seller/", **EN))
    assert '<a href="/seller/orders/#returns">1 parcel coming back to you</a>' in home


def test_a_returned_parcel_is_put_back_in_stock():
    s = returning_parcel()
    before = stock_of(s)
    client = staff_of(s.seller)

    response = client.post(f"/seller/orders/{s.code}/returned/", {"restock": "yes"}, **EN)

    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/orders/#returns"
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.status, parcel.restocked) == (ParcelStatus.RETURNED, True)
    assert stock_of(s) == before + 1
    page = html_of(client.get("/seller/orders/", **EN))
    row = re.search(rf'<tr id="return-{s.code}">(.*?)</tr>', page, re.S)
    assert row
    assert "put back in stock" in row.group(1)
    assert "<form" not in row.group(1)
    assert "its goods are in stock again" in page


def test_a_returned_parcel_can_stay_out_of_stock():
    s = returning_parcel()
    before = stock_of(s)

    response = staff_of(s.seller).post(
        f"/seller/orders/{s.code}/returned/", {"restock": "no"}, **EN
    )

    assert response.status_code == 302
    parcel = Parcel.objects.get(pk=s.parcel.pk)
    assert (parcel.status, parcel.restocked) == (ParcelStatus.RETURNED, False)
    assert stock_of(s) == before


def test_a_return_without_a_choice_or_twice_is_refused_and_changes_nothing():
    s = returning_parcel()
    client = staff_of(s.seller)
    before = stock_of(s)

    no_choice = client.post(f"/seller/orders/{s.code}/returned/", {}, **EN)
    assert no_choice.status_code == 422
    assert "Say whether the goods go back into stock." in html_of(no_choice)
    assert Parcel.objects.get(pk=s.parcel.pk).status == ParcelStatus.RETURNING

    client.post(f"/seller/orders/{s.code}/returned/", {"restock": "yes"})
    twice = client.post(f"/seller/orders/{s.code}/returned/", {"restock": "yes"}, **EN)
    assert twice.status_code == 409
    assert "cannot go from returned to returned" in html_of(twice)
    assert stock_of(s) == before + 1


def test_a_parcel_not_on_its_way_back_cannot_be_marked_returned():
    s = shipment()

    response = staff_of(s.seller).post(
        f"/seller/orders/{s.code}/returned/", {"restock": "yes"}, **EN
    )

    assert response.status_code == 409
    assert Parcel.objects.get(pk=s.parcel.pk).status == ParcelStatus.AWAITING_HANDOVER


def test_another_sellers_returned_parcel_is_a_404_and_unchanged():
    s = returning_parcel()
    before = stock_of(s)
    intruder = staff_of(SellerFactory())

    response = intruder.post(f"/seller/orders/{s.code}/returned/", {"restock": "yes"}, **EN)

    assert response.status_code == 404
    assert Parcel.objects.get(pk=s.parcel.pk).status == ParcelStatus.RETURNING
    assert stock_of(s) == before
    assert s.code not in html_of(intruder.get("/seller/orders/", **EN))


# -- every new page ------------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "zh-hans", "ms"])
def test_the_new_pages_render_in_every_language_without_inline_code(language):
    product, _first, second = two_variant_product()
    seller = product.seller
    seller_api_key_create(seller=seller, name="shop sync", actor=None)
    client = staff_of(seller)
    for path in (
        "/seller/profile/",
        "/seller/api-keys/",
        f"/seller/products/{product.pk}/variants/new/",
        f"/seller/products/{product.pk}/variants/{second.pk}/",
        f"/seller/products/{product.pk}/variants/{second.pk}/remove/",
    ):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        assert response.headers["Content-Language"] == language
        page = html_of(response)
        assert "<script>" not in page, path
        assert " style=" not in page, path
        assert 'aria-current="page"' in page, path
