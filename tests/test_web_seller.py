"""Seller centre pages without a browser: who may see them, onboarding, products with the HS
code picker and the "what buyers pay" table, the Shopify import, parcels to ship, money."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.catalog.models import Product
from ehub.catalog.selectors import market_rates_today
from ehub.checkout.pricing import landed_price
from ehub.customs.models import HsCode
from ehub.ledger.services import payouts_run
from ehub.logistics.models import Parcel
from ehub.logistics.tests.helpers import shipment
from ehub.markets.selectors import market_list
from ehub.orders.services import order_confirm_receipt
from ehub.orders.tests.helpers import signed_in, world
from ehub.sellers.models import Seller, SellerMembership
from ehub.sellers.services import seller_set_verification
from ehub.sellers.tests.factories import SellerFactory, SellerStaffFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def nomenclature() -> None:
    """A few HS subheadings: enough for the picker and for the service to check codes."""
    HsCode.objects.create(code="09", level=2, description="Coffee, tea, mate and spices")
    HsCode.objects.create(code="0901", level=4, description="Coffee", parent_code="09")
    HsCode.objects.create(
        code="090121", level=6, description="Coffee, roasted, not decaffeinated", parent_code="0901"
    )
    HsCode.objects.create(
        code="090122", level=6, description="Coffee, roasted, decaffeinated", parent_code="0901"
    )
    HsCode.objects.create(code="200799", level=6, description="Jams, fruit jellies, other")


def staff_of(seller: Seller) -> Client:
    client = signed_in(SellerStaffFactory(seller=seller))
    return client


def html_of(response) -> str:
    return response.content.decode()


# -- who may see the seller centre ---------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/seller/", "/seller/products/", "/seller/orders/", "/seller/money/"]
)
def test_anonymous_visitors_are_sent_to_sign_in(path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/accounts/signin/?next={path}")


def test_every_seller_centre_page_renders_for_the_sellers_staff():
    w = world()
    client = staff_of(w.variant.seller)
    for path in (
        "/seller/",
        "/seller/products/",
        "/seller/products/new/",
        f"/seller/products/{w.variant.product.pk}/",
        "/seller/import/",
        "/seller/orders/",
        "/seller/money/",
    ):
        response = client.get(path, **EN)
        assert response.status_code == 200, path
        assert 'aria-current="page"' in html_of(response), path


def test_a_buyer_without_a_business_is_sent_to_the_sign_up_page():
    response = signed_in(UserFactory()).get("/seller/products/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/signup/"


@pytest.mark.parametrize("role", [Role.HUB_OPERATOR, Role.PLATFORM_ADMIN])
def test_hub_staff_get_a_403_page_in_the_seller_centre(role):
    client = signed_in(UserFactory(role=role))
    for path in ("/seller/", "/seller/signup/", "/seller/products/"):
        response = client.get(path, **EN)
        assert response.status_code == 403, path
        assert "Not allowed" in html_of(response)


def test_one_sellers_staff_cannot_open_another_sellers_product():
    world()
    mine, theirs = SellerFactory(), SellerFactory()
    client = staff_of(mine)
    other = Product.objects.create(seller=theirs, handle="theirs", hs_code="090121")

    response = client.get(f"/seller/products/{other.pk}/")

    assert response.status_code == 404


# -- sign-up and verification status --------------------------------------------------------------
SIGNUP = {
    "legal_name": "Kopi Putih Penang Sdn Bhd",
    "display_name": "Kopi Putih Penang",
    "country": "MY",
    "region": "MY-07",
    "city": "George Town",
    "address_line1": "12 Lebuh Armenian",
    "address_line2": "",
    "postal_code": "10200",
    "registration_number": "202301012345",
    "contact_name": "Tan Ah Kow",
    "contact_email": "hello@kopi.example",
    "contact_phone": "+60 4 555 2718",
    "payout_currency": "MYR",
}


def test_the_sign_up_form_has_a_label_for_every_field():
    page = html_of(signed_in(UserFactory()).get("/seller/signup/", **EN))
    inputs = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    field_ids = [i for i in inputs if i.startswith("id_")]
    assert len(field_ids) == len(SIGNUP)
    for field_id in field_ids:
        assert f'for="{field_id}"' in page, field_id
    assert "csrfmiddlewaretoken" in page


def test_a_buyer_signs_a_business_up_and_sees_it_pending_verification():
    user = UserFactory()
    client = signed_in(user)

    response = client.post("/seller/signup/", SIGNUP, **EN)

    assert response.status_code == 302, html_of(response)
    assert response.headers["Location"] == "/seller/"
    seller = Seller.objects.get(legal_name=SIGNUP["legal_name"])
    assert seller.verification_status == "pending"
    assert SellerMembership.objects.get(user=user).seller == seller
    home = client.get("/seller/", **EN)
    assert home.status_code == 200
    assert "Pending verification" in html_of(home)
    assert client.get("/seller/signup/").headers["Location"] == "/seller/"


def test_a_sign_up_the_service_refuses_is_shown_on_the_form_with_its_status():
    client = signed_in(UserFactory())
    bad = {**SIGNUP, "country": "US", "region": "", "payout_currency": "USD"}
    bad["registration_number"] = "12-345"  # not an EIN

    response = client.post("/seller/signup/", bad, **EN)

    assert response.status_code == 422
    page = html_of(response)
    assert "is not a valid US EIN" in page
    assert 'class="field invalid"' in page
    assert not Seller.objects.exists()


def test_a_form_error_is_a_422_without_calling_the_service():
    response = signed_in(UserFactory()).post(
        "/seller/signup/", {**SIGNUP, "contact_email": "not-an-email"}, **EN
    )
    assert response.status_code == 422
    assert not Seller.objects.exists()


def test_a_rejected_seller_reads_the_reason():
    seller = SellerFactory(verification_status="pending")
    seller_set_verification(seller=seller, actor=None, status="rejected", reason="blurry licence")

    page = html_of(staff_of(seller).get("/seller/", **EN))

    assert "Rejected" in page
    assert "blurry licence" in page


# -- products -------------------------------------------------------------------------------------
def product_post(**changes) -> dict[str, object]:
    data: dict[str, object] = {
        "handle": "ipoh-white-coffee",
        "hs_code": "090121",
        "status": "active",
        "sku": "IPOH-250",
        "price": "25.00",
        "weight_grams": 500,
        "stock_quantity": 12,
        "title_en": "Ipoh white coffee",
        "description_en": "Roasted in palm-oil margarine.",
        "title_zh_hans": "怡保白咖啡",
        "description_zh_hans": "",
        "title_ms": "Kopi putih Ipoh",
        "description_ms": "",
    }
    data.update(changes)
    return data


def test_the_product_list_shows_status_hs_code_price_and_stock():
    w = world()
    seller = w.variant.seller

    response = staff_of(seller).get("/seller/products/", **EN)

    page = html_of(response)
    assert response.status_code == 200
    assert w.variant.product.hs_code in page
    assert "RM25.00" in page or "MYR" in page
    assert ">10<" in page  # stock
    assert "Active" in page


def test_a_seller_creates_a_product_with_three_languages():
    world()
    nomenclature()
    seller = SellerFactory()
    client = staff_of(seller)

    response = client.post("/seller/products/new/", product_post(), **EN)

    assert response.status_code == 302, html_of(response)
    product = Product.objects.get(seller=seller)
    assert response.headers["Location"] == f"/seller/products/{product.pk}/"
    texts = {t.language: t.title for t in product.translations.all()}
    assert texts == {"en": "Ipoh white coffee", "zh-Hans": "怡保白咖啡", "ms": "Kopi putih Ipoh"}
    variant = product.variants.get()
    assert (variant.price_minor, variant.price_currency) == (2500, "MYR")
    assert (variant.weight_grams, variant.stock_quantity) == (500, 12)


def test_an_hs_code_missing_from_the_nomenclature_is_a_form_error():
    world()
    nomenclature()
    seller = SellerFactory()

    response = staff_of(seller).post("/seller/products/new/", product_post(hs_code="999999"), **EN)

    assert response.status_code == 422
    assert "is not a subheading" in html_of(response)
    assert not Product.objects.filter(seller=seller).exists()


def test_too_many_decimals_for_the_currency_is_shown_on_the_price():
    world()
    seller = SellerFactory(payout_currency="JPY", country="JP")

    response = staff_of(seller).post("/seller/products/new/", product_post(price="12.5"), **EN)

    assert response.status_code == 422
    assert "JPY has 0 decimals" in html_of(response)


def test_editing_a_product_changes_its_price_and_keeps_other_languages():
    w = world()
    nomenclature()
    product = w.variant.product
    product.translations.create(language="ja", title="イポーホワイトコーヒー")
    client = staff_of(w.variant.seller)
    form_page = client.get(f"/seller/products/{product.pk}/", **EN)
    assert form_page.status_code == 200
    assert w.variant.sku in html_of(form_page)

    response = client.post(
        f"/seller/products/{product.pk}/",
        product_post(handle=product.handle, sku=w.variant.sku, price="30.00"),
        **EN,
    )

    assert response.status_code == 302, html_of(response)
    w.variant.refresh_from_db()
    assert w.variant.price_minor == 3000
    assert product.translations.filter(language="ja").exists()


def test_the_hs_picker_searches_the_nomenclature_as_the_api_does():
    nomenclature()
    client = staff_of(SellerFactory())

    by_words = client.get("/seller/hs/", {"q": "coffee roasted"}, **EN)
    by_code = client.get("/seller/hs/", {"hs_code": "0901"}, **EN)
    api = client.get("/api/v1/hs", {"q": "coffee roasted"})

    assert by_words.status_code == 200
    assert "<html" not in html_of(by_words)  # a fragment
    for code in [c["code"] for c in api.json()]:
        assert code in html_of(by_words)
    assert "090121" in html_of(by_code)
    assert "090122" in html_of(by_code)
    assert 'hx-get="/seller/hs/pick/?code=090121"' in html_of(by_code)
    picked = client.get("/seller/hs/pick/", {"code": "090121"}, **EN)
    assert 'value="090121"' in html_of(picked)
    assert "Coffee, roasted, not decaffeinated" in html_of(picked)


def test_the_what_buyers_pay_table_shows_landed_price_for_every_market():
    w = world()
    client = staff_of(w.variant.seller)

    page = html_of(client.get(f"/seller/products/{w.variant.product.pk}/", **EN))

    rates = market_rates_today()
    markets = market_list()
    assert len(markets) == 3
    available = 0
    for market in markets:
        price = landed_price(variant=w.variant, market=market, rates=rates)
        row = re.search(rf'<tr data-market="{market.country}">(.*?)</tr>', page, re.S)
        assert row, market.country
        cells = row.group(1)
        if price.available:
            for amount in (price.goods, price.shipping, price.import_charges, price.landed_total):
                assert amount is not None
                assert amount.format("en") in cells, (market.country, amount)
            expected = "At checkout" if price.collected == "at_checkout" else "On delivery"
            assert expected in cells
            available += 1
        else:
            assert "Not available" in cells
            for reason in price.reasons:
                assert reason in cells
    assert available == 2  # CN and SG; not MY
    assert "sold in its own country" in page  # the Malaysian seller, in Malaysia


# -- Shopify import -------------------------------------------------------------------------------
HEADER = (
    "Handle,Title,Body (HTML),Variant SKU,Variant Price,Variant Grams,Variant Inventory Qty,"
    "HS Code\n"
)


def upload(client: Client, text: str, **fields):
    file = io.BytesIO(text.encode())
    file.name = "products_export.csv"
    return client.post("/seller/import/", {"file": file, **fields}, **EN)


def run_queued_import(response) -> str:
    """The worker's part: run the queued import task, then read the job's page."""
    from ehub.catalog.models import CatalogImport

    assert response.status_code == 302, html_of(response)
    job = CatalogImport.objects.get()
    assert response.headers["Location"] == f"/seller/import/{job.pk}/"
    return job


def test_a_shopify_csv_is_imported_in_the_background_with_its_progress():
    from ehub.catalog.imports import catalog_import_run

    world()
    seller = SellerFactory()
    client = staff_of(seller)
    csv = HEADER + "kaya-jam,Kaya jam,<p>Coconut jam</p>,KAYA-1,12.00,300,5,200799\n"

    job = run_queued_import(upload(client, csv))
    queued = html_of(client.get(f"/seller/import/{job.pk}/", **EN))
    assert 'hx-trigger="every 1s"' in queued  # the page polls while the import waits or runs
    assert '<progress id="import-progress" max="1" value="0">' in queued
    assert not Product.objects.filter(seller=seller).exists()

    catalog_import_run(import_id=job.pk)
    catalog_import_run(import_id=job.pk)  # a task run twice imports once

    page = html_of(client.get(f"/seller/import/{job.pk}/progress/", **EN))
    assert "Import finished" in page
    assert '<progress id="import-progress" max="1" value="1">' in page
    assert "hx-trigger" not in page  # done: no more polling
    assert Product.objects.filter(seller=seller, handle="kaya-jam").count() == 1


def test_the_import_lists_every_row_error_and_imports_nothing():
    from ehub.catalog.imports import catalog_import_run

    world()
    seller = SellerFactory()
    client = staff_of(seller)
    csv = (
        HEADER
        + "kaya-jam,Kaya jam,,KAYA-1,12.00,300,5,200799\n"
        + "bad-weight,Bad weight,,BAD-1,12.00,,5,200799\n"
    )

    job = run_queued_import(upload(client, csv))
    catalog_import_run(import_id=job.pk)
    response = client.get(f"/seller/import/{job.pk}/", **EN)

    assert response.status_code == 422
    page = html_of(response)
    assert "Import finished with errors" in page
    assert re.search(r'<td class="num">3</td><td>Variant Grams</td><td>bad-weight</td>', page)
    assert not Product.objects.filter(seller=seller).exists()


def test_a_file_that_is_not_a_shopify_csv_is_a_form_error_at_upload():
    from ehub.catalog.models import CatalogImport

    seller = SellerFactory()
    response = upload(staff_of(seller), "name,price\nfoo,1\n")
    assert response.status_code == 422
    assert "Handle" in html_of(response)
    assert not CatalogImport.objects.exists()


def test_another_sellers_import_is_a_404():
    world()
    seller = SellerFactory()
    job = run_queued_import(upload(staff_of(seller), HEADER + "a,A,,A-1,1.00,100,1,200799\n"))
    assert staff_of(SellerFactory()).get(f"/seller/import/{job.pk}/").status_code == 404


# -- parcels to ship ------------------------------------------------------------------------------
def test_a_paid_parcel_is_listed_with_its_documents_and_handed_over():
    s = shipment()
    client = staff_of(s.seller)

    page = html_of(client.get("/seller/orders/", **EN))

    assert s.code in page
    for kind in ("label", "commercial_invoice", "packing_list"):
        assert f"/api/v1/seller/parcels/{s.code}/documents/{kind}.pdf" in page
    assert "Awaiting handover" in page
    response = client.post(f"/seller/orders/{s.code}/handover/", **EN)
    assert response.status_code == 302
    assert Parcel.objects.get(pk=s.parcel.pk).status == "handed_over"
    assert "Handed over" in html_of(client.get("/seller/orders/", **EN))


def test_handing_over_twice_shows_the_refusal_with_a_409():
    s = shipment()
    client = staff_of(s.seller)
    client.post(f"/seller/orders/{s.code}/handover/")

    again = client.post(f"/seller/orders/{s.code}/handover/", **EN)

    assert again.status_code == 409
    assert "cannot go from handed_over to handed_over" in html_of(again)


def test_another_sellers_parcel_cannot_be_handed_over():
    s = shipment()
    response = staff_of(SellerFactory()).post(f"/seller/orders/{s.code}/handover/", **EN)
    assert response.status_code == 404
    assert Parcel.objects.get(pk=s.parcel.pk).status == "awaiting_handover"


def test_the_label_link_serves_the_parcels_pdf():
    s = shipment()
    response = staff_of(s.seller).get(f"/api/v1/seller/parcels/{s.code}/documents/label.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


# -- money ----------------------------------------------------------------------------------------
def test_payouts_and_the_statement_per_currency():
    from tests.test_orders_receipt import delivered_order

    order = delivered_order()
    order_confirm_receipt(order=order, buyer=order.buyer)
    payouts_run()
    seller = order.parcels.get().seller
    client = staff_of(seller)

    response = client.get("/seller/money/", **EN)

    page = html_of(response)
    assert response.status_code == 200
    assert "Released to you" in page
    assert "Payout" in page
    assert "PO-" in page
    assert 'id="statement"' in page
    assert client.get("/seller/money/", {"currency": "nope"}, **EN).status_code == 422


def test_pages_carry_no_inline_script_or_style():
    w = world()
    client = staff_of(w.variant.seller)
    for path in ("/seller/", "/seller/products/", f"/seller/products/{w.variant.product.pk}/"):
        page = html_of(client.get(path, **EN))
        assert "<script>" not in page
        assert " style=" not in page


@pytest.mark.parametrize("language", ["zh-hans", "ms"])
def test_the_seller_centre_renders_in_every_page_language(language):
    w = world()
    client = staff_of(w.variant.seller)
    for path in ("/seller/", "/seller/products/", f"/seller/products/{w.variant.product.pk}/"):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, path
        assert response.headers["Content-Language"] == language


def test_posts_without_the_csrf_token_are_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    refused = client.post("/seller/signup/", SIGNUP)
    form = client.get("/seller/signup/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html_of(form))
    assert token
    accepted = client.post("/seller/signup/", {**SIGNUP, "csrfmiddlewaretoken": token.group(1)})

    assert refused.status_code == 403
    assert accepted.status_code == 302
