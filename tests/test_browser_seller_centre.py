"""The seller centre's account pages in a real browser (Debian's Chromium via Playwright, in
Chinese; screenshots in test-output/screenshots/): a seller adds a variant to a product and sees
what buyers pay for it, creates an API key, copies it and revokes it, and edits its business
profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ehub.accounts.tests.factories import DEFAULT_PASSWORD
from ehub.orders.tests.helpers import world
from ehub.sellers.models import Seller, SellerApiKey
from ehub.sellers.selectors import seller_from_api_key
from ehub.sellers.tests.factories import SellerStaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_flushable"),
]


def test_a_seller_adds_a_variant_manages_api_keys_and_edits_its_profile(browser_page, shots):
    w = world()
    product = w.variant.product
    seller = product.seller
    owner = SellerStaffFactory(seller=seller, email="owner@kopi.example")
    page = browser_page
    page.goto(f"/accounts/signin/?next=/seller/products/{product.pk}/")
    page.fill("#id_email", owner.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**/seller/products/{product.pk}/")

    # A second variant, then what buyers pay for it.
    page.click(f"a[href='/seller/products/{product.pk}/variants/new/']")
    page.fill("#id_sku", "IPOH-1KG")
    page.fill("#id_option_en", "1 kg bag")
    page.fill("#id_option_zh_hans", "1公斤装")
    page.fill("#id_price", "80.00")
    page.fill("#id_weight_grams", "1100")
    page.fill("#id_stock_quantity", "6")
    shots(page, "variant-form")
    page.click("form.product-form button[type=submit]")
    page.wait_for_url(f"**/seller/products/{product.pk}/")
    expect(page.locator("#variants tr[data-sku=IPOH-1KG]")).to_contain_text("1 kg bag")
    added = product.variants.get(sku="IPOH-1KG")
    assert (added.price_minor, added.stock_quantity) == (8000, 6)
    page.select_option("#id_variant_choice", str(added.pk))
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    expect(page.locator("#buyers-pay-heading")).to_contain_text("IPOH-1KG")
    assert page.locator("#buyers-pay tr[data-market=SG] td.total").inner_text().strip()
    shots(page, "what-buyers-pay-for-a-variant")

    # The new variant goes again; the last one cannot (the page says why, with no button).
    page.goto(f"/seller/products/{product.pk}/variants/{added.pk}/remove/")
    with page.expect_navigation():
        page.click("form[action$='/remove/'] button[type=submit]")
    assert list(product.variants.values_list("sku", flat=True)) == [w.variant.sku]
    page.goto(f"/seller/products/{product.pk}/variants/{w.variant.pk}/remove/")
    expect(page.locator("form[action$='/remove/']")).to_have_count(0)  # only "add a variant"
    expect(page.locator(f"a[href='/seller/products/{product.pk}/variants/new/']")).to_be_visible()
    shots(page, "last-variant-refused")

    # An API key: shown once, it works; revoked, it does not.
    page.click("nav.console-nav a[href='/seller/api-keys/']")
    page.fill("#id_name", "Shopify sync")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    raw = page.locator("#new-api-key").input_value()
    assert raw.startswith("ehub_sk_")
    assert seller_from_api_key(raw_key=raw) == seller
    shots(page, "api-key-created")
    key = SellerApiKey.objects.get(seller=seller)
    with page.expect_navigation():
        page.click(f"form[action='/seller/api-keys/{key.pk}/revoke/'] button")
    expect(page.locator(f"#key-{key.pk} form")).to_have_count(0)  # revoked: no button
    assert page.locator("#new-api-key").count() == 0
    assert seller_from_api_key(raw_key=raw) is None

    # The business profile: a new city is saved; a new country is refused on its field.
    page.click("nav.console-nav a[href='/seller/profile/']")
    page.fill("#id_city", "Butterworth")
    with page.expect_navigation():
        page.click("form[action='/seller/profile/'] button[type=submit]")
    assert Seller.objects.get(pk=seller.pk).city == "Butterworth"
    page.select_option("#id_country", "SG")
    page.fill("#id_region", "")
    with page.expect_navigation():
        page.click("form[action='/seller/profile/'] button[type=submit]")
    expect(page.locator(".field.invalid #id_country")).to_have_count(1)
    assert Seller.objects.get(pk=seller.pk).country == "MY"
    shots(page, "profile-country-refused")
    assert re.search(r"/seller/profile/$", page.url)
    # The refusal answered 409 (and Chromium logs it); nothing else went wrong.
    unexpected = [e for e in page.console_errors if "409" not in e]
    assert unexpected == []
    assert len([e for e in page.console_errors if e.startswith("409 ")]) == 1
