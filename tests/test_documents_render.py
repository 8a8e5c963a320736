"""The trade documents of real orders: their data, and their PDFs read back with pdftotext.

Orders are placed through checkout (``world()``, ``cn_quote()``, ``my_quote()``); every figure
asserted in a PDF is taken from the data or the order, and the data's totals are checked against
the order's own stored figures.
"""

from __future__ import annotations

import re
import shutil
import socket
from dataclasses import dataclass
from typing import Any

import pytest

from ehub.catalog.models import ProductTranslation
from ehub.core.money import Money
from ehub.documents import code128, rendering
from ehub.documents.domain import DocumentKind
from ehub.documents.errors import DocumentsErrorCode
from ehub.documents.services import document_data, document_html, document_render
from ehub.documents.tests.helpers import pdf_fonts, pdf_text, poppler
from ehub.orders.models import OrderParcel
from ehub.orders.services import order_place
from ehub.orders.tests.helpers import cn_quote, my_quote, variant, world
from ehub.sellers.tests.factories import SellerFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils"),
]

KINDS = [k.value for k in DocumentKind]


@dataclass
class Placed:
    parcel: OrderParcel
    jam_line: Any
    coffee_line: Any


def retitle(v: Any, titles: dict[str, str]) -> None:
    ProductTranslation.objects.filter(product=v.product).delete()
    for language, title in titles.items():
        ProductTranslation.objects.create(product=v.product, language=language, title=title)


def malaysian_seller_with_two_products(w: Any) -> tuple[Any, Any]:
    """Blueberry jam with a Chinese title and Ipoh white coffee with a Malay one, one seller."""
    seller = w.variant.product.seller
    seller.address_line1 = "12 Jalan Sultan Idris Shah"
    seller.address_line2 = "Taman Perindustrian Ringan"
    seller.postal_code = "30000"
    seller.city = "Ipoh"
    seller.contact_phone = "+60 5-255 0100"
    seller.save()
    jam = w.variant
    retitle(jam, {"en": "Blueberry jam", "zh-Hans": "蓝莓果酱"})
    coffee = variant(seller=seller, price_minor=1890, weight_grams=250, hs_code="210111")
    retitle(coffee, {"en": "Ipoh white coffee", "ms": "Kopi putih Ipoh"})
    return jam, coffee


def place(market: str = "CN") -> Placed:
    w = world()
    jam, coffee = malaysian_seller_with_two_products(w)
    if market == "CN":
        quote = cn_quote(w.buyer, [(jam, 2), (coffee, 3)])
    else:
        quote = my_quote(w.buyer, [(jam, 2), (coffee, 3)], market=market)
    order = order_place(buyer=w.buyer, quote_id=quote.public_id)
    parcel = order.parcels.get()
    lines = {line.variant_id: line for line in parcel.lines.all()}
    return Placed(parcel=parcel, jam_line=lines[jam.pk], coffee_line=lines[coffee.pk])


@pytest.fixture
def cn() -> Placed:
    return place("CN")


def minor(money: dict[str, str]) -> int:
    return Money(money["amount"], money["currency"]).to_minor_units()


# -- commercial invoice --------------------------------------------------------------------------
def test_the_commercial_invoice_data_adds_up_to_what_the_buyer_paid(cn):
    parcel = cn.parcel
    data = document_data(kind="commercial_invoice", parcel=parcel)

    assert data["invoice_number"] == f"INV-{parcel.order_id:07d}-01"
    assert data["parcel_code"] == parcel.code
    assert data["currency"] == "CNY"
    assert data["reason_for_export"] == "sale of goods"
    assert data["incoterm"] == "DDP"  # CN cross-border: taxes withheld at checkout
    assert [line["hs_code"] for line in data["lines"]] == ["090121", "210111"]
    assert [line["quantity"] for line in data["lines"]] == [2, 3]
    assert data["lines"][0]["description"] == "Blueberry jam"
    assert data["lines"][0]["original_title"] == "蓝莓果酱"
    assert data["lines"][1]["original_title"] == "Kopi putih Ipoh"
    assert [minor(line["unit_value"]) for line in data["lines"]] == [
        cn.jam_line.unit_price_minor,
        cn.coffee_line.unit_price_minor,
    ]
    for line in data["lines"]:
        assert minor(line["total_value"]) == minor(line["unit_value"]) * line["quantity"]
    assert sum(minor(line["total_value"]) for line in data["lines"]) == minor(data["subtotal"])
    assert minor(data["subtotal"]) == parcel.goods_minor
    assert minor(data["shipping"]) == parcel.shipping_minor
    assert minor(data["taxes_collected"]) == parcel.tax_minor > 0
    assert minor(data["import_charges_collected"]) == parcel.import_charges_at_checkout_minor
    assert minor(data["total"]) == parcel.payable_minor
    assert data["registration"]["number"]  # the platform's CN registration, collected at checkout
    assert data["consignee"]["name"] == parcel.order.recipient_name


def test_the_commercial_invoice_pdf_prints_the_figures_and_the_chinese_and_malay_text(cn, tmp_path):
    data = document_data(kind="commercial_invoice", parcel=cn.parcel)
    order = cn.parcel.order
    assert order.city == "上海市"

    pdf = document_render(kind="commercial_invoice", parcel=cn.parcel)
    text = pdf_text(pdf)

    assert pdf.startswith(b"%PDF-")
    for expected in (
        "COMMERCIAL INVOICE",
        data["invoice_number"],
        data["parcel_code"],
        "DDP",
        "sale of goods",
        data["registration"]["number"],
        *(line["hs_code"] for line in data["lines"]),
        *(line["unit_value"]["amount"] for line in data["lines"]),
        *(line["total_value"]["amount"] for line in data["lines"]),
        f"{data['subtotal']['amount']} CNY",
        f"{data['shipping']['amount']} CNY",
        f"{data['taxes_collected']['amount']} CNY",
        f"{data['total']['amount']} CNY",
        "蓝莓果酱",
        "Kopi putih Ipoh",
        order.recipient_name,
        "上海市",
        order.address_line1,
        "12 Jalan Sultan Idris Shah",
        "Taman Perindustrian Ringan",
    ):
        assert expected in text, expected
    assert "\ufffd" not in text
    assert "□" not in text
    fonts = pdf_fonts(pdf, tmp_path)
    assert "Noto-Sans-CJK-SC" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded


# -- packing list --------------------------------------------------------------------------------
def test_the_packing_list_weighs_the_lines(cn):
    data = document_data(kind="packing_list", parcel=cn.parcel)
    jam_weight = cn.jam_line.variant.weight_grams
    coffee_weight = cn.coffee_line.variant.weight_grams

    assert [(line["quantity"], line["net_weight_grams"]) for line in data["lines"]] == [
        (2, 2 * jam_weight),
        (3, 3 * coffee_weight),
    ]
    assert data["parcel_count"] == 1
    assert data["total_quantity"] == 5
    assert data["net_weight_grams"] == 2 * jam_weight + 3 * coffee_weight
    assert data["gross_weight_grams"] == cn.parcel.weight_grams

    text = pdf_text(document_render(kind="packing_list", parcel=cn.parcel))

    assert "PACKING LIST" in text
    assert data["packing_list_number"] in text
    assert f"{data['gross_weight_kg']} kg" in text
    assert f"{data['net_weight_kg']} kg" in text
    for line in data["lines"]:
        assert line["sku"] in text
        assert str(line["net_weight_grams"]) in text
    assert "蓝莓果酱" in text
    assert "张" in text


# -- CN23 ----------------------------------------------------------------------------------------
def test_the_cn23_holds_the_declaration_fields(cn):
    data = document_data(kind="cn23", parcel=cn.parcel)
    parcel = cn.parcel

    assert data["category"] == "sale of goods"
    assert [c["hs_tariff_number"] for c in data["contents"]] == ["090121", "210111"]
    assert [c["country_of_origin"] for c in data["contents"]] == ["MY", "MY"]
    assert minor(data["total_value"]) == parcel.goods_minor
    assert minor(data["postal_charges"]) == parcel.shipping_minor
    assert minor(data["fees"]) == parcel.import_charges_at_checkout_minor
    assert data["total_gross_weight_grams"] == parcel.weight_grams
    assert data["importer_reference"] == data["registration"]["number"]
    assert data["certified_by"] == parcel.seller.legal_name
    assert data["sender_certification"].startswith("I, the undersigned, certify")

    text = pdf_text(document_render(kind="cn23", parcel=parcel))

    for expected in (
        "CN 23",
        "sale of goods",
        f"{data['total_value']['amount']} CNY",
        f"{data['postal_charges']['amount']} CNY",
        f"{data['fees']['amount']} CNY",
        f"{data['total_gross_weight_kg']} kg",
        data["importer_reference"],
        data["date"],
        parcel.seller.legal_name,
        "蓝莓果酱",
        "上海市",
        *(c["value"]["amount"] for c in data["contents"]),
        *(c["net_weight_kg"] for c in data["contents"]),
    ):
        assert expected in text, expected


# -- label ---------------------------------------------------------------------------------------
def test_the_label_prints_code_addresses_country_weight_and_ddp(cn, tmp_path):
    data = document_data(kind="label", parcel=cn.parcel)

    pdf = document_render(kind="label", parcel=cn.parcel)
    text = pdf_text(pdf)

    assert data["incoterm"] == "DDP"
    assert data["destination_country"] == "CN"
    for expected in (
        cn.parcel.code,
        "CN",
        "China",
        f"{data['weight_kg']} kg",
        "DDP",
        cn.parcel.order.recipient_name,
        "上海市",
        "Ipoh",
        cn.parcel.seller.legal_name,
    ):
        assert expected in text, expected
    # the page is 100 × 150 mm (283 × 425 pt)
    info = poppler("pdfinfo", "-", stdin=pdf).decode()
    assert re.search(r"Page size:\s+283.46\d? x 425.19\d? pts", info), info
    assert "Pages:           1" in info


def test_the_label_barcode_is_the_parcel_code_in_the_html_and_scans_from_the_printed_page(
    cn, tmp_path
):
    html = document_html(kind="label", parcel=cn.parcel)
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert code128.decode_modules(code128.modules_from_svg(svg)) == cn.parcel.code

    (tmp_path / "label.pdf").write_bytes(document_render(kind="label", parcel=cn.parcel))
    label = str(tmp_path / "label")
    poppler("pdftoppm", "-r", "300", "-gray", "-singlefile", label + ".pdf", label)

    assert scan_pgm((tmp_path / "label.pgm").read_bytes()) == cn.parcel.code


def scan_pgm(data: bytes) -> str:
    """A crude scanner: each pixel row of the page, thresholded, its runs turned into modules
    by the symbol's width (11 modules a symbol, 13 for the stop), decoded. Returns what the rows
    that decode say; they must all agree."""
    header, _, rest = data.partition(b"\n")
    assert header == b"P5"
    dims, _, rest = rest.partition(b"\n")
    width, height = (int(n) for n in dims.split())
    _, _, pixels = rest.partition(b"\n")
    read = set()
    for y in range(0, height, 3):
        bits = "".join("1" if p < 128 else "0" for p in pixels[y * width : (y + 1) * width])
        bits = bits.strip("0")
        runs = [len(run) for run in re.findall(r"1+|0+", bits)]
        if len(runs) < 25 or (len(runs) - 7) % 6:
            continue
        unit = len(bits) / (11 * ((len(runs) - 7) // 6) + 13)
        modules = "".join(
            ("1" if i % 2 == 0 else "0") * max(1, round(n / unit)) for i, n in enumerate(runs)
        )
        try:
            read.add(code128.decode_modules(modules))
        except code128.Code128Error:
            continue
    assert len(read) == 1, read
    return read.pop()


# -- DAP, declaration, waybill -------------------------------------------------------------------
def test_charges_paid_at_the_border_make_it_dap_with_nothing_collected(cn):
    OrderParcel.objects.filter(pk=cn.parcel.pk).update(
        collected="at_border", import_charges_at_checkout_minor=0
    )
    parcel = OrderParcel.objects.get(pk=cn.parcel.pk)

    invoice = document_data(kind="commercial_invoice", parcel=parcel)
    label_text = pdf_text(document_render(kind="label", parcel=parcel))

    assert invoice["incoterm"] == "DAP"
    assert invoice["registration"] is None
    assert minor(invoice["taxes_collected"]) == 0
    assert minor(invoice["total"]) == parcel.goods_minor + parcel.shipping_minor
    assert "DAP" in label_text
    assert "DDP" not in label_text


def test_the_customs_declaration_supplies_the_incoterm_registration_and_master_waybill(cn):
    from ehub.customs.clearance import declaration_prepare

    declaration = declaration_prepare(parcel=cn.parcel, waybill="MWB-KUL-000123")

    data = document_data(kind="cn23", parcel=cn.parcel)
    invoice = document_data(kind="commercial_invoice", parcel=cn.parcel)

    assert invoice["incoterm"] == declaration.incoterm
    assert data["importer_reference"] == declaration.content["registration"]["number"]
    label = document_data(kind="label", parcel=cn.parcel)
    assert label["parcel_code"] == cn.parcel.code


def test_the_logistics_waybill_and_measured_weight_go_on_the_label(cn):
    from ehub.logistics.models import Parcel

    Parcel.objects.create(
        order_parcel=cn.parcel,
        code=cn.parcel.code,
        destination_country="CN",
        declared_weight_grams=cn.parcel.weight_grams,
        measured_weight_grams=cn.parcel.weight_grams + 130,
        carrier="sandbox",
        carrier_waybill="SBX0000123456",
    )

    data = document_data(kind="label", parcel=cn.parcel)
    text = pdf_text(document_render(kind="label", parcel=cn.parcel))

    assert data["waybill"] == "SBX0000123456"
    assert data["weight_grams"] == cn.parcel.weight_grams + 130
    assert "SBX0000123456" in text
    assert f"{data['weight_kg']} kg" in text


# -- a Singapore order: English only -------------------------------------------------------------
def test_a_singapore_order_renders_every_document_in_sgd():
    placed = place("SG")

    for kind in KINDS:
        data = document_data(kind=kind, parcel=placed.parcel)
        text = pdf_text(document_render(kind=kind, parcel=placed.parcel))
        assert placed.parcel.code in text
        assert data["kind"] == kind
    invoice = document_data(kind="commercial_invoice", parcel=placed.parcel)
    assert invoice["currency"] == "SGD"
    assert minor(invoice["total"]) == placed.parcel.payable_minor


# -- rendering: offline, deterministic, unknown kinds --------------------------------------------
def test_rendering_never_touches_the_network(cn, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a document tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)

    for kind in KINDS:
        assert document_render(kind=kind, parcel=cn.parcel).startswith(b"%PDF-")


def test_the_fetcher_refuses_anything_but_data_and_our_own_files():
    assert rendering.url_allowed("data:image/png;base64,AAAA")
    assert rendering.url_allowed((rendering.TEMPLATES_DIR / "print.css").as_uri())
    assert not rendering.url_allowed("https://fonts.googleapis.com/css?family=Noto")
    assert not rendering.url_allowed("http://127.0.0.1/x.png")
    assert not rendering.url_allowed("file:///etc/passwd")
    assert not rendering.url_allowed((rendering.TEMPLATES_DIR / ".." / ".." / "api.py").as_uri())


def test_a_template_pointing_at_the_web_fails_instead_of_fetching(monkeypatch):
    from weasyprint.urls import FatalURLFetchingError

    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("network used"))

    with pytest.raises(FatalURLFetchingError):
        rendering.pdf_from_html('<p>x</p><img src="http://example.com/logo.png">')


def test_the_same_parcel_renders_to_the_same_bytes(cn):
    first = document_render(kind="commercial_invoice", parcel=cn.parcel)
    second = document_render(kind="commercial_invoice", parcel=cn.parcel)

    assert first == second
    assert b"CreationDate" not in first or first.count(b"CreationDate") == second.count(
        b"CreationDate"
    )


def test_an_unknown_kind_is_not_found(cn):
    from ehub.core.errors import NotFound

    with pytest.raises(NotFound) as raised:
        document_data(kind="proforma", parcel=cn.parcel)

    assert raised.value.code == DocumentsErrorCode.UNKNOWN_DOCUMENT_KIND
    assert raised.value.detail == {"kinds": KINDS}


# -- an order from two sellers -------------------------------------------------------------------
def test_each_sellers_parcel_has_its_own_documents_numbered_per_parcel():
    w = world()
    batik = SellerFactory(country="MY", payout_currency="MYR")
    other = variant(seller=batik, price_minor=9900, hs_code="621410")
    retitle(other, {"en": "Batik silk scarf", "ms": "Selendang sutera batik"})
    order = order_place(
        buyer=w.buyer, quote_id=cn_quote(w.buyer, [(w.variant, 1), (other, 1)]).public_id
    )
    first, second = order.parcels.order_by("number")

    labels = [document_data(kind="label", parcel=p) for p in (first, second)]
    invoices = [document_data(kind="commercial_invoice", parcel=p) for p in (first, second)]
    text = pdf_text(document_render(kind="commercial_invoice", parcel=second))

    assert [label["parcel"] for label in labels] == ["1/2", "2/2"]
    assert [label["parcel_code"] for label in labels] == [first.code, second.code]
    assert [i["invoice_number"] for i in invoices] == [
        f"INV-{order.pk:07d}-01",
        f"INV-{order.pk:07d}-02",
    ]
    assert [[line["hs_code"] for line in i["lines"]] for i in invoices] == [["090121"], ["621410"]]
    assert [minor(i["total"]) for i in invoices] == [first.payable_minor, second.payable_minor]
    assert invoices[1]["seller"]["name"] == second.seller.legal_name
    assert "Selendang sutera batik" in text
    assert "621410" in text
    assert "090121" not in text


def test_a_long_invoice_runs_onto_more_pages_with_its_header_and_totals():
    w = world()
    seller = w.variant.product.seller
    goods = [(w.variant, 1)] + [
        (variant(seller=seller, price_minor=100 + n, weight_grams=100), 1) for n in range(44)
    ]
    order = order_place(buyer=w.buyer, quote_id=cn_quote(w.buyer, goods).public_id)
    parcel = order.parcels.get()
    data = document_data(kind="commercial_invoice", parcel=parcel)

    text = pdf_text(document_render(kind="commercial_invoice", parcel=parcel))
    pages = [page for page in text.split("\f") if page.strip()]

    assert len(data["lines"]) == 45
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
        assert "HS code" in page  # the table header repeats on every page
    assert f"{data['total']['amount']} CNY" in pages[-1]
    assert sum(minor(line["total_value"]) for line in data["lines"]) == parcel.goods_minor
    for line in data["lines"]:
        assert line["sku"] in text
