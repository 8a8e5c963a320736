"""Journeys 2 and 3 in a real browser (Debian's Chromium via Playwright, screenshots in
test-output/screenshots/):

- a new seller signs up, registers its business, lists a product with an HS code picked from
  the nomenclature as it types, and sees what buyers in each market would pay;
- a hub operator scans two handed-over parcels in, weighs them, consolidates them on a manifest
  and closes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from ehub.customs.models import HsCode
from ehub.logistics.models import Manifest, Parcel
from ehub.markets.models import Market
from ehub.orders.tests.helpers import fx_rates, markets, my_quote, paid_order, variant, world
from ehub.sellers.models import Seller

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_flushable"),
]


def sign_in(page, email: str, then: str) -> None:
    page.goto(f"/accounts/signin/?next={then}")
    page.fill("#id_email", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**{then}")


def test_a_seller_signs_up_lists_a_product_and_sees_what_buyers_pay(browser_page, shots):
    markets()
    fx_rates()
    Market.objects.filter(country="SG").update(languages=["en", "zh-Hans", "ms"])
    HsCode.objects.create(code="09", level=2, description="Coffee, tea, mate and spices")
    HsCode.objects.create(code="0901", level=4, description="Coffee", parent_code="09")
    HsCode.objects.create(
        code="090121", level=6, description="Coffee, roasted, not decaffeinated", parent_code="0901"
    )
    page = browser_page
    page.goto("/accounts/signup/?next=/seller/")
    page.fill("#id_full_name", "Tan Ah Kow")
    page.fill("#id_email", "ahkow@kopi.example")
    page.fill("#id_password", "kopi-putih-2026")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/seller/signup/")

    for field, value in {
        "legal_name": "Kopi Putih Penang Sdn Bhd",
        "display_name": "Kopi Putih Penang",
        "city": "George Town",
        "address_line1": "12 Lebuh Armenian",
        "postal_code": "10200",
        "registration_number": "202301012345",
        "contact_name": "Tan Ah Kow",
        "contact_email": "hello@kopi.example",
        "contact_phone": "+60 4 555 2718",
    }.items():
        page.fill(f"#id_{field}", value)
    page.select_option("#id_country", "MY")
    page.select_option("#id_payout_currency", "MYR")
    shots(page, "seller-signup")
    page.click("form[action='/seller/signup/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/seller/$"))
    seller = Seller.objects.get(legal_name="Kopi Putih Penang Sdn Bhd")
    assert seller.verification_status == "pending"
    shots(page, "seller-pending-verification")

    page.goto("/seller/products/new/")
    page.fill("#id_handle", "ipoh-white-coffee")
    page.locator("#hs-picker input[name=hs_code]").fill("coffee roasted")
    page.locator("#hs-results button", has_text="090121").click()  # htmx: search as you type
    expect(page.locator("#hs-picker input[name=hs_code]")).to_have_value("090121")
    page.fill("#id_sku", "KPP-IPOH-500")
    page.fill("#id_price", "25.00")
    page.fill("#id_weight_grams", "500")
    page.fill("#id_stock_quantity", "40")
    page.fill("#id_title_en", "Ipoh white coffee")
    page.fill("#id_title_zh_hans", "怡保白咖啡")
    page.fill("#id_title_ms", "Kopi putih Ipoh")
    shots(page, "product-form-with-hs-picked")
    page.click("form.product-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/seller/products/\d+/$"))

    table = page.locator("#buyers-pay")
    assert table.locator("tr[data-market=CN] td.total").inner_text().strip()
    assert table.locator("tr[data-market=SG] td.total").inner_text().strip()
    # The reason, in the page's language (the pricing reasons are translated).
    assert "在本国销售" in table.locator("tr[data-market=MY] td.unavailable").inner_text()
    shots(page, "what-buyers-pay")
    assert page.console_errors == []


def test_a_hub_operator_scans_weighs_and_consolidates(browser_page, shots):
    from ehub.logistics.services import network_load, parcel_hand_over

    network_load()
    w = world()
    second = variant(seller=w.variant.product.seller)
    codes = []
    for goods in (w.variant, second):
        order = paid_order(w.buyer, my_quote(w.buyer, [(goods, 1)]))
        parcel = order.parcels.get()
        parcel_hand_over(seller=parcel.seller, code=parcel.code)
        codes.append(parcel.code)
    operator = UserFactory(email="aisyah@hub.example", role=Role.HUB_OPERATOR)

    page = browser_page
    sign_in(page, operator.email, "/hub/scan/")
    for code in codes:
        page.goto("/hub/scan/")
        page.fill("#id_code", code)  # what a barcode scanner types
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/hub/parcels/{code}/")
        page.fill("#id_weight_grams", "505")
        shots(page, f"weigh-{code}")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert set(Parcel.objects.values_list("status", flat=True)) == {"received_at_hub"}

    page.goto("/hub/manifests/")
    page.select_option("#id_hub", "KUL")
    page.select_option("#id_destination_country", "SG")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/hub/manifests/\d+/$"))
    for code in codes:
        page.check(f"#pick-{code}")
    shots(page, "manifest-pick-parcels")
    with page.expect_navigation():
        page.click("form[action$='/parcels/'] button[type=submit]")
    with page.expect_navigation():
        page.click("form[action$='/close/'] button")
    shots(page, "manifest-closed")

    manifest = Manifest.objects.get()
    assert manifest.status == "closed"
    assert sorted(manifest.parcels.values_list("order_parcel__order_id", flat=True)) == sorted(
        int(code[3:10]) for code in codes
    )
    assert set(Parcel.objects.values_list("status", flat=True)) == {"manifested"}
    assert page.console_errors == []
