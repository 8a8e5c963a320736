"""Accessibility in a real browser (issue 6): every key page of the storefront, the buyer's
pages, the seller centre and the hub console passes axe-core's WCAG 2.0/2.1 level A and AA rules;
a buyer can search, add to cart and fill in the checkout form with the keyboard alone, with the
focus always visible; and the buying path works with JavaScript switched off.

axe-core comes from PyPI's ``axe-playwright-python`` (it bundles ``axe.min.js``). It is injected
with Playwright's ``page.evaluate``, which runs through the DevTools protocol and so is not
subject to the pages' Content-Security-Policy (no inline script is added to the page, and the
test still asserts that the page logged no CSP violation).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from ehub.catalog.models import ProductTranslation
from ehub.markets.models import Market
from ehub.orders.tests.helpers import (
    GOOD_RESIDENT_ID,
    cn_quote,
    fill_checkout_address,
    fx_rates,
    markets,
    paid_order,
    variant,
)
from ehub.sellers.models import VerificationStatus
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("ledger_flushable"),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "resultTypes": ["violations"],
}


# axe-core passes an aria-describedby that names no element on the page (the description is
# then silently lost, e.g. a field's error message); this lists every such reference.
DANGLING_REFERENCES = """() => {
  const found = [];
  for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for]")) {
    for (const attr of ["aria-describedby", "aria-labelledby", "for"]) {
      for (const id of (el.getAttribute(attr) || "").split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) found.push(`${el.tagName.toLowerCase()}[${attr}=${id}]`);
      }
    }
  }
  return found;
}"""


class Audit:
    """Runs axe-core on pages and keeps every violation, so one failing run lists them all."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.audited: list[str] = []
        self.findings: list[str] = []

    def __call__(self, page: Any, label: str) -> None:
        self.audited.append(label)
        response = self.axe.run(page, options=AXE_OPTIONS).response
        assert response["testEngine"]["name"] == "axe-core"
        for reference in page.evaluate(DANGLING_REFERENCES):
            self.findings.append(f"{label} ({page.url}): {reference} names no element on the page")
        for violation in response["violations"]:
            targets = "; ".join(
                " ".join(node["target"]) if isinstance(node["target"], list) else node["target"]
                for node in violation["nodes"]
            )
            self.findings.append(
                f"{label} ({page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n    targets: {targets}\n    {violation['helpUrl']}"
            )

    def assert_clean(self) -> None:
        assert not self.findings, (
            f"{len(self.findings)} accessibility violation(s) on "
            f"{len(self.audited)} audited pages:\n" + "\n".join(self.findings)
        )


def titled(v: Any, en: str, zh: str, ms: str) -> None:
    for language, title in (("en", en), ("zh-Hans", zh), ("ms", ms)):
        ProductTranslation.objects.update_or_create(
            product=v.product, language=language, defaults={"title": title, "description": title}
        )


@pytest.fixture
def catalog() -> dict[str, Any]:
    """Three markets in three page languages (SG en, CN zh-Hans, MY ms, with Chinese as the
    browser's language); a Malaysian seller (coffee, face cream) and a Michigan seller
    (cherries), indexed for search; a buyer."""
    from ehub.logistics.services import network_load
    from ehub.search.services import search_index_rebuild

    markets()
    fx_rates()
    network_load()
    Market.objects.filter(country="MY").update(languages=["ms", "en"])
    Market.objects.filter(country="CN").update(languages=["zh-Hans", "en"])
    kopi = SellerFactory(display_name="Kopi Putih Penang")
    coffee = variant(seller=kopi, hs_code="090121", price_minor=2500, stock=50)
    titled(coffee, "Ipoh white coffee", "怡保白咖啡", "Kopi putih Ipoh")
    cream = variant(seller=kopi, hs_code="330499", price_minor=4500, stock=50)
    titled(cream, "Pandan face cream", "香兰面霜", "Krim muka pandan")
    michigan = SellerFactory(
        country="US", region="US-MI", payout_currency="USD", postal_code="49090"
    )
    cherries = variant(seller=michigan, country="US", currency="USD", hs_code="200899")
    titled(cherries, "Dried tart cherries", "酸樱桃干", "Ceri masam kering")
    search_index_rebuild()  # factories skip the catalog services that index products
    buyer = UserFactory(email="wang.fang@example.com")
    return {"coffee": coffee, "cream": cream, "cherries": cherries, "buyer": buyer}


@pytest.fixture
def shop(catalog: dict[str, Any]) -> dict[str, Any]:
    """The catalog, and the buyer's paid orders from the Malaysian seller: one held by Chinese
    customs (cosmetics need a filing certificate; a tracking timeline), one handed over, one
    awaiting handover; an open manifest; the seller's owner and a hub operator."""
    from ehub.logistics.services import (
        manifest_add_parcels,
        manifest_close,
        manifest_create,
        manifest_depart,
        parcel_hand_over,
        parcel_scan_in,
    )

    buyer, coffee = catalog["buyer"], catalog["coffee"]
    kopi = coffee.product.seller
    held = paid_order(buyer, cn_quote(buyer, [(catalog["cream"], 1)]))
    held_code = held.parcels.get().code
    parcel_hand_over(seller=kopi, code=held_code)
    parcel_scan_in(code=held_code, weight_grams=500, hub_code="KUL")
    manifest = manifest_create(hub_code="KUL", destination_country="CN")
    manifest_add_parcels(manifest=manifest, codes=[held_code])
    manifest_close(manifest=manifest)
    manifest_depart(manifest=manifest)  # customs holds it (after commit: no outer transaction)
    handed = paid_order(buyer, cn_quote(buyer, [(coffee, 2)])).parcels.get().code
    parcel_hand_over(seller=kopi, code=handed)
    paid_order(buyer, cn_quote(buyer, [(coffee, 1)]))  # awaits handover
    return {
        **catalog,
        "held_order": held,
        "handed_code": handed,
        "open_manifest": manifest_create(hub_code="KUL", destination_country="CN"),
        "owner": SellerStaffFactory(email="owner@kopi.example", seller=kopi),
        "pending_owner": SellerStaffFactory(
            email="owner@new.example",
            seller=SellerFactory(verification_status=VerificationStatus.PENDING),
        ),
        "operator": UserFactory(email="aisyah@hub.example", role=Role.HUB_OPERATOR),
    }


def sign_in(page: Any, email: str, then: str) -> None:
    page.goto(f"/accounts/signin/?next={then}")
    page.fill("#id_email", email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**{then}")


def submit_refused(page: Any, button: str, status: int) -> None:
    """Submit a form that must be refused with ``status``; take that response and the browser's
    matching "Failed to load resource" line off the page's errors, so the final
    no-console-errors check still catches anything else."""
    with page.expect_navigation() as navigation:
        page.click(button)
    assert navigation.value.status == status, (page.url, navigation.value.status)
    expected = [e for e in page.console_errors if e.startswith(f"{status} ") or f" {status} " in e]
    assert expected, (status, page.console_errors)
    for entry in expected:
        page.console_errors.remove(entry)


def visit(page: Any, path: str, language: str | None = None) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, (path, response.status)
    if language is not None:
        assert page.locator("html").get_attribute("lang") == language, path


def test_storefront_and_buyer_pages_pass_axe(shop, browser_page, shots):
    page, audit = browser_page, Audit()
    coffee = shop["coffee"].product.pk
    visit(page, "/", "zh-hans")  # no market chosen yet: the country chooser
    audit(page, "market chooser")
    for code, language in (("sg", "en"), ("cn", "zh-hans"), ("my", "ms")):
        visit(page, f"/{code}/", language)
        audit(page, f"market home {code} ({language})")
    visit(page, f"/my/products/{coffee}/", "ms")  # a Malaysian product in Malaysia: unavailable
    audit(page, "product not available")
    visit(page, "/cn/search/?q=咖啡", "zh-hans")
    assert page.locator(".cards .card").count() == 1
    audit(page, "search results (Chinese query)")
    visit(page, "/cn/search/?q=zzxqv")
    assert page.locator(".no-results").is_visible()
    audit(page, "search, no results")
    visit(page, f"/cn/products/{coffee}/")
    page.click("details.breakdown summary")
    assert page.locator("details.breakdown table").is_visible()
    audit(page, "product, breakdown open (signed out)")
    visit(page, "/accounts/signup/")
    audit(page, "sign up")
    visit(page, "/accounts/signin/")
    audit(page, "sign in")
    submit_refused(page, "form.stacked button[type=submit]", 400)  # empty: the form's errors
    audit(page, "sign in with errors")

    sign_in(page, shop["buyer"].email, "/cn/")
    visit(page, f"/cn/products/{coffee}/")
    page.click("details.breakdown summary")
    audit(page, "product, breakdown open (signed in)")
    page.click("form.buy button[type=submit]")
    page.wait_for_url("**/cn/cart/")
    visit(page, f"/cn/products/{shop['cherries'].product.pk}/")
    page.click("form.buy button[type=submit]")
    page.wait_for_url("**/cn/cart/")
    audit(page, "cart")
    visit(page, "/cn/checkout/")
    assert page.locator("#id_resident_id").get_attribute("type") == "password"
    audit(page, "checkout address form (CN)")
    submit_refused(page, "form.stacked button[type=submit]", 400)  # empty: each field's error
    audit(page, "checkout address form with errors")
    fill_checkout_address(page)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/cn/checkout/[0-9a-f-]{36}/$"))
    audit(page, "checkout review")
    visit(page, "/orders/")
    audit(page, "order history")
    visit(page, f"/orders/{shop['held_order'].pk}/")
    assert page.locator("ol.timeline li").count() >= 4
    shots(page, "order-with-tracking")
    audit(page, "order with tracking")
    visit(page, "/seller/signup/")  # a buyer without a business: the seller sign-up
    audit(page, "seller sign-up")
    audit.assert_clean()
    assert page.console_errors == []


def test_seller_centre_pages_pass_axe(shop, browser_page):
    page, audit = browser_page, Audit()
    sign_in(page, shop["owner"].email, "/seller/")
    audit(page, "seller home (verification status)")
    for path, label in (
        ("/seller/products/", "product list"),
        ("/seller/products/new/", "new product form"),
        (f"/seller/products/{shop['coffee'].product.pk}/", "product form, what buyers pay"),
        ("/seller/import/", "Shopify import"),
        ("/seller/orders/", "orders to ship"),
        ("/seller/money/", "money"),
    ):
        visit(page, path, "zh-hans")
        audit(page, label)
    visit(page, "/seller/products/new/")
    submit_refused(page, "form.product-form button[type=submit]", 422)  # empty: the errors
    audit(page, "new product form with errors")
    page.context.clear_cookies()
    sign_in(page, shop["pending_owner"].email, "/seller/")
    assert page.locator(".notice").is_visible()  # not verified yet: the onboarding status
    audit(page, "seller home, pending verification")
    audit.assert_clean()
    assert page.console_errors == []


def test_hub_console_pages_pass_axe(shop, browser_page):
    page, audit = browser_page, Audit()
    sign_in(page, shop["operator"].email, "/hub/scan/")
    audit(page, "inbound scan")
    for path, label in (
        (f"/hub/parcels/{shop['handed_code']}/", "parcel (weight entry)"),
        ("/hub/exceptions/", "exceptions"),
        ("/hub/manifests/", "manifests"),
        (f"/hub/manifests/{shop['open_manifest'].pk}/", "open manifest"),
        ("/hub/customs/", "customs holds"),
    ):
        visit(page, path, "zh-hans")
        audit(page, label)
    assert page.locator("form[action$='/resolve/']").count() == 1  # the held parcel

    visit(page, f"/hub/parcels/{shop['handed_code']}/")
    page.fill("#id_weight_grams", "0")
    submit_refused(page, "form[action$='/weigh/'] button[type=submit]", 422)
    audit(page, "parcel, weight refused")
    visit(page, f"/hub/manifests/{shop['open_manifest'].pk}/")
    page.fill("#id_codes", "EHP-NOT-A-PARCEL")
    submit_refused(page, "form[action$='/parcels/'] button[type=submit]", 422)
    audit(page, "open manifest, code refused")
    visit(page, "/hub/scan/")
    page.fill("#id_code", "nothing")
    submit_refused(page, "form.scan button[type=submit]", 422)
    audit(page, "inbound scan, code refused")
    audit.assert_clean()
    assert page.console_errors == []


# -- keyboard --------------------------------------------------------------------------------------
# The focused element's outline: style, width in px, and its contrast ratio against the white
# page (the ring is drawn outside the element, at an offset, so on the page's background).
FOCUS_RING = """() => {
  const s = getComputedStyle(document.activeElement);
  const [r, g, b] = s.outlineColor.match(/[\\d.]+/g).map(Number);
  const linear = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
          contrast: 1.05 / (luminance + 0.05)};
}"""


def tab_to(page: Any, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus, and check that the
    focus is visible on it: the stylesheet's :focus-visible ring, at least 2px wide and with 3:1
    contrast."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            break
    else:
        raise AssertionError(f"{selector} not reached with {limit} Tab presses on {page.url}")
    outline = page.evaluate(FOCUS_RING)
    assert outline["style"] != "none", (selector, outline)
    assert outline["width"] >= 2, (selector, outline)
    assert outline["contrast"] >= 3, (selector, outline)  # WCAG 2.1 1.4.11, on the white page
    assert page.evaluate("() => document.activeElement.matches(':focus-visible')"), selector


def test_a_buyer_searches_adds_to_cart_and_checks_out_with_the_keyboard(catalog, browser_page):
    page = browser_page
    sign_in(page, catalog["buyer"].email, "/cn/")
    page.goto("/cn/")
    tab_to(page, "#q")
    page.keyboard.type("咖啡")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/cn/search/" in page.url
    tab_to(page, ".cards .card a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/cn/products/{catalog['coffee'].product.pk}/")

    tab_to(page, "#quantity")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, "form.buy button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/cn/cart/")
    assert page.locator("input[name=quantity]").input_value() == "2"
    tab_to(page, "a[href$='/cn/checkout/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/cn/checkout/")

    for field, value in (
        ("#id_recipient_name", "王芳"),
        ("#id_address_line1", "徐汇区漕溪北路88号"),
        ("#id_city", "上海市"),
    ):
        tab_to(page, field)
        page.keyboard.type(value)
    tab_to(page, "#id_region")
    for _ in range(60):  # a closed <select> changes with the arrow keys
        if page.locator("#id_region").input_value() == "CN-SH":
            break
        page.keyboard.press("ArrowDown")
    assert page.locator("#id_region").input_value() == "CN-SH"
    for field, value in (
        ("#id_postal_code", "200030"),
        ("#id_phone", "+86 138 0000 0000"),
        ("#id_buyer_name", "王芳"),
        ("#id_resident_id", GOOD_RESIDENT_ID),
    ):
        tab_to(page, field)
        page.keyboard.type(value)
    tab_to(page, "form.stacked button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/cn/checkout/[0-9a-f-]{36}/$", page.url), page.url
    assert page.locator("section.parcel").count() == 1
    assert page.console_errors == []


def test_the_skip_link_moves_past_the_header(catalog, browser_page):
    page = browser_page
    page.goto("/cn/")
    tab_to(page, "a.skip")
    box = page.locator("a.skip").bounding_box()
    assert box is not None
    assert box["x"] >= 0  # on screen once focused (it waits off screen until then)
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.keyboard.press("Tab")  # the next stop is inside the main content, not the header
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


# -- without JavaScript ----------------------------------------------------------------------------
@pytest.fixture
def page_without_javascript(chromium: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = chromium.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_search_product_cart_and_checkout_work_without_javascript(catalog, page_without_javascript):
    page = page_without_javascript
    sign_in(page, catalog["buyer"].email, "/cn/")
    assert page.evaluate("() => typeof window.htmx") == "undefined"  # the page ran no script
    page.fill("#q", "咖啡")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")
    assert page.locator(".cards .card").count() == 1
    with page.expect_navigation():
        page.click(".cards .card a")
    page.click("details.breakdown summary")  # <details> needs no script
    assert page.locator("details.breakdown table").is_visible()
    page.click("form.buy button[type=submit]")
    page.wait_for_url("**/cn/cart/")
    assert page.locator("table.data tbody tr").count() == 1
    with page.expect_navigation():
        page.click("a[href$='/cn/checkout/']")
    fill_checkout_address(page)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/cn/checkout/[0-9a-f-]{36}/$"))
    assert page.locator("section.parcel").count() == 1
    page.click("form[action$='/place/'] button")
    page.wait_for_url(re.compile(r".*/pay/sandbox/.*"))
    page.fill("input[name=card_number]", "4242 4242 4242 4242")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.click("a.return")
    page.wait_for_url(re.compile(r".*/orders/\d+/$"))
    assert page.locator("[data-status]").get_attribute("data-status") == "paid"

    page.goto("/cn/")
    page.select_option("#language", "en")  # the language form posts without a script too
    with page.expect_navigation():
        page.click("form.language button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_audit_reports_what_axe_finds(chromium):
    """The audit itself fails on a violation (so a clean run means something): an unlabelled
    field, a low-contrast text and a description that points nowhere."""
    page = chromium.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Form</h1><p style="color:#bbb">faint</p><input aria-describedby="nowhere">'
        "</main></body></html>"
    )
    audit = Audit()
    audit(page, "broken page")
    found = "\n".join(audit.findings)
    assert "color-contrast [serious]" in found
    assert "input[aria-describedby=nowhere] names no element" in found
    assert re.search(r"label \[critical\].*\n    targets: input\n    https://", found)
    with pytest.raises(AssertionError, match="accessibility violation"):
        audit.assert_clean()
    page.close()
