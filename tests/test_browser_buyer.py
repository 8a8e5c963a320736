"""Journey 1 in a real browser: a buyer in the zh-Hans storefront finds products from two
sellers in two countries, checks out with a Chinese address and resident ID, pays on the sandbox
provider's page, and — once the parcels are delivered — confirms receipt.

Chromium (Debian's) driven by Playwright against the live server; screenshots of each key page in
test-output/screenshots/."""

from __future__ import annotations

import re

import pytest

from ehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from ehub.catalog.models import ProductTranslation
from ehub.markets.models import Market
from ehub.orders.models import Order
from ehub.orders.tests.helpers import (
    GOOD_RESIDENT_ID,
    fill_checkout_address,
    fx_rates,
    markets,
    variant,
)
from ehub.sellers.tests.factories import SellerFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_flushable"),
]


def titled(v, en: str, zh: str) -> None:
    ProductTranslation.objects.update_or_create(
        product=v.product, language="en", defaults={"title": en, "description": en}
    )
    ProductTranslation.objects.update_or_create(
        product=v.product, language="zh-Hans", defaults={"title": zh, "description": zh}
    )


@pytest.fixture
def storefront():
    from ehub.logistics.services import network_load

    markets()
    fx_rates()
    network_load()
    Market.objects.filter(country="CN").update(languages=["zh-Hans", "en"])
    coffee = variant(hs_code="090121", price_minor=2500)
    titled(coffee, "Ipoh white coffee", "怡保白咖啡")
    michigan = SellerFactory(
        country="US",
        region="US-MI",
        payout_currency="USD",
        address_line1="07421 County Road 380",
        postal_code="49090",
    )
    cherries = variant(seller=michigan, country="US", currency="USD", hs_code="200899")
    titled(cherries, "Dried tart cherries", "酸樱桃干")
    buyer = UserFactory(email="wang.fang@example.com")
    from ehub.search.services import search_index_rebuild

    search_index_rebuild()  # factories skip the catalog services that index products
    return {"coffee": coffee, "cherries": cherries, "buyer": buyer}


def sign_in(page, email: str) -> None:
    page.goto("/accounts/signin/?next=/cn/")
    page.fill("#id_email", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/cn/")


def add_to_cart(page, product_id: int) -> None:
    page.goto(f"/cn/products/{product_id}/")
    page.click("form.buy button[type=submit]")
    page.wait_for_url("**/cn/cart/")


def ship_and_deliver(order: Order) -> None:
    """What sellers, hubs, customs and the carrier do between payment and the door, through
    their services (their pages have their own browser journeys): each seller hands its parcel
    over, its origin hub scans it in and consolidates it on a manifest that departs, the sandbox
    customs authority clears it, and the sandbox carrier delivers it."""
    from ehub.logistics.sandbox_carrier import sandbox_carrier_advance
    from ehub.logistics.services import (
        manifest_add_parcels,
        manifest_close,
        manifest_create,
        manifest_depart,
        parcel_hand_over,
        parcel_scan_in,
        route_for,
    )

    for order_parcel in order.parcels.select_related("seller"):
        code = order_parcel.code
        parcel_hand_over(seller=order_parcel.seller, code=code)
        hub = route_for(
            origin_country=order_parcel.ship_from, destination_country=order.country
        ).origin_hub
        parcel_scan_in(code=code, weight_grams=order_parcel.weight_grams, hub_code=hub.code)
        manifest = manifest_create(hub_code=hub.code, destination_country=order.country)
        manifest_add_parcels(manifest=manifest, codes=[code])
        manifest_close(manifest=manifest)
        manifest_depart(manifest=manifest)
    sandbox_carrier_advance(steps=10)


def test_a_buyer_in_shanghai_buys_from_two_countries_pays_and_confirms_receipt(
    storefront, browser_page, shots
):
    page = browser_page
    sign_in(page, storefront["buyer"].email)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_text("怡保白咖啡").first.is_visible()
    shots(page, "home-zh-hans")

    page.fill("#q", "咖啡")  # a 2-character Chinese query, from the header's search box
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".cards .card").count() == 1
    shots(page, "search-zh-coffee")
    with page.expect_navigation():
        page.click(".cards .card a")
    assert page.url.endswith(f"/cn/products/{storefront['coffee'].product.pk}/")
    page.click("details.breakdown summary")  # the price breakdown opens without any script
    assert page.locator("details.breakdown table").is_visible()
    shots(page, "product-with-landed-price")
    add_to_cart(page, storefront["coffee"].product.pk)
    add_to_cart(page, storefront["cherries"].product.pk)
    assert page.get_by_text("酸樱桃干").is_visible()
    shots(page, "cart")

    page.goto("/cn/checkout/")
    fill_checkout_address(page)
    assert page.locator("#id_resident_id").get_attribute("type") == "password"
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/cn/checkout/[0-9a-f-]{36}/$"))
    review = page.content()
    assert GOOD_RESIDENT_ID not in review
    assert page.locator(".masked").inner_text().endswith(GOOD_RESIDENT_ID[-4:])
    assert page.locator("section.parcel").count() == 2  # one parcel per seller
    shots(page, "review-two-parcels")

    page.click("form[action$='/place/'] button")
    page.wait_for_url(re.compile(r".*/pay/sandbox/.*"))
    shots(page, "sandbox-payment-page")
    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.click("a.return")
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    order = Order.objects.get(buyer=storefront["buyer"])
    assert order.status == "paid"
    assert page.locator("[data-status]").get_attribute("data-status") == "paid"
    shots(page, "order-paid")

    ship_and_deliver(order)
    page.reload()
    assert page.locator("[data-status]").get_attribute("data-status") == "delivered"
    assert page.locator("ol.timeline li").count() >= 2 * 11  # both parcels, every event
    shots(page, "order-delivered-with-tracking")
    with page.expect_navigation():
        page.click("form[action$='/receipt/'] button")
    assert page.locator("[data-status]").get_attribute("data-status") == "completed"
    assert Order.objects.get(pk=order.pk).status == "completed"
    shots(page, "order-completed")
    assert page.console_errors == []  # no script errors, no CSP violations
