"""Importing a Shopify product CSV export: ``catalog_import_shopify``, ``ehub catalog import``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehub.catalog.models import Product, ProductMedia, ProductTranslation, Variant
from ehub.catalog.shopify import ShopifyImportResult, catalog_import_shopify, html_to_text
from ehub.catalog.tests.factories import CategoryFactory
from ehub.core.errors import DomainError
from ehub.core.models import AuditEvent
from ehub.customs.models import HsCode
from ehub.sellers.models import VerificationStatus
from ehub.sellers.tests.factories import SellerFactory

DATA = Path(__file__).parent / "data"
EXPORT = DATA / "shopify_export.csv"
BAD_ROWS = DATA / "shopify_bad_rows.csv"
TRANSLATIONS = DATA / "shopify_translations.csv"
CDN = "https://cdn.shopify.com/s/files/1/0612/3456/products/"

BAD_ROWS_ERRORS = [
    {
        "line": 3,
        "column": "Variant SKU",
        "handle": "jasmine-pearls",
        "message": "Variant SKU is empty: ehub needs a SKU for every variant",
    },
    {
        "line": 4,
        "column": "Variant Price",
        "handle": "white-peony",
        "message": "price '12,50' is not a decimal number",
    },
    {
        "line": 5,
        "column": "Variant Grams",
        "handle": "white-peony",
        "message": "Variant Grams is empty: ehub needs each variant's weight for shipping and "
        "customs",
    },
    {
        "line": 6,
        "column": "HS Code",
        "handle": "lapsang",
        "message": "no HS code: ehub needs the 6-digit HS code to sell abroad; fill in the "
        "'HS Code' column or give a default (--hs-code)",
    },
    {
        "line": 7,
        "column": "Handle",
        "handle": "Dragon Well!",
        "message": "handle must be lower-case letters, digits and dashes",
    },
    {
        "line": 8,
        "column": "Variant Price",
        "handle": "da-hong-pao",
        "message": "CNY has 2 decimals; 30.005 has more",
    },
    {
        "line": 9,
        "column": "Status",
        "handle": "pu-erh-cake",
        "message": "status is one of draft, active, archived",
    },
    {"line": 10, "column": "Handle", "handle": "", "message": "Handle is empty"},
    {
        "line": 11,
        "column": "Variant SKU",
        "handle": "tie-guan-yin-gift",
        "message": "SKU TEA-TGY-100 already belongs to another of your products",
    },
]


@pytest.fixture
def kopi_seller(db):
    """A Penang white-coffee roaster, still pending verification (it may prepare its catalog)."""
    return SellerFactory(
        slug="kopi-putih-penang",
        country="MY",
        payout_currency="MYR",
        verification_status=VerificationStatus.PENDING,
    )


@pytest.fixture
def tea_seller(db):
    return SellerFactory(slug="anxi-tea-garden", country="CN", payout_currency="CNY")


@pytest.fixture
def maple_seller(db):
    return SellerFactory(slug="erabliere-du-lac", country="CA", payout_currency="CAD")


def _counts() -> tuple[int, int, int, int]:
    return (
        Product.objects.count(),
        Variant.objects.count(),
        ProductTranslation.objects.count(),
        ProductMedia.objects.count(),
    )


def _edited(path: Path, old: str, new: str) -> io.BytesIO:
    data = path.read_bytes()
    assert old.encode() in data
    return io.BytesIO(data.replace(old.encode(), new.encode()))


# -- a realistic export ----------------------------------------------------------------------------


def test_realistic_export_creates_products_variants_images_and_text(kopi_seller):
    progress: list[tuple[int, int]] = []

    result = catalog_import_shopify(
        seller=kopi_seller,
        path_or_file=EXPORT,
        progress=lambda done, total: progress.append((done, total)),
    )

    assert result == ShopifyImportResult(
        products=3,
        created=3,
        warnings=[
            {
                "line": 12,
                "column": "Variant Inventory Qty",
                "handle": "batik-coffee-sack-tote",
                "message": "inventory -2 (oversold in Shopify) imported as 0",
            }
        ],
    )
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert _counts() == (3, 5, 3, 5)

    coffee = Product.objects.get(seller=kopi_seller, handle="white-coffee-classic")
    assert (coffee.hs_code, coffee.origin_country, coffee.status, coffee.vendor) == (
        "090121",
        "MY",
        "active",
        "Kopi Putih Penang",
    )
    assert coffee.category is None
    english = coffee.translations.get(language="en")
    assert english.title == "Classic Penang White Coffee"
    assert english.description == (
        "Penang white coffee, roasted in palm-oil margarine & sugar.\n\n"
        "- Medium roast\n"
        "- Notes of caramel & nuts\n\n"
        "Brew: 2 tbsp per cup\n"
        "Store in a cool, dry place."
    )
    assert [(m.position, m.url) for m in coffee.media.all()] == [
        (0, CDN + "white-coffee-front.jpg?v=1700000000"),
        (1, CDN + "white-coffee-back.jpg?v=1700000000"),
        (2, CDN + "white-coffee-cup.jpg?v=1700000000"),
    ]
    assert [
        (v.sku, v.option, v.price_minor, v.price_currency, v.weight_grams, v.stock_quantity)
        for v in coffee.variants.all()
    ] == [
        ("KPP-WC-250", {"en": "250 g"}, 1850, "MYR", 250, 40),
        # Variant Grams is grams whatever the display unit ("kg") says.
        ("KPP-WC-1000", {"en": "1 kg"}, 6200, "MYR", 1000, 12),
    ]

    kopi_o = Product.objects.get(seller=kopi_seller, handle="kopi-o-beans")
    assert (kopi_o.hs_code, kopi_o.status) == ("090121", "draft")  # "0901.21" in the file
    assert kopi_o.translations.get().description == "Dark roast for kopi-o.\nStrong & bold."
    # "Default Title" is Shopify's option for a product without options; 500.4 g rounds up.
    assert list(kopi_o.variants.values_list("sku", "option", "weight_grams")) == [
        ("KPP-KO-500", {}, 501)
    ]

    tote = Product.objects.get(seller=kopi_seller, handle="batik-coffee-sack-tote")
    assert (tote.hs_code, tote.origin_country, tote.status) == ("630510", "ID", "archived")
    assert tote.translations.get().description == (
        "Hand-printed\n\nUpcycled jute sack with a Penang batik panel."
    )
    assert list(tote.variants.values_list("sku", "option", "price_minor", "stock_quantity")) == [
        ("KPP-TOTE-IND", {"en": "Indigo"}, 4500, 0),
        ("KPP-TOTE-SOG", {"en": "Sogan Brown"}, 4500, 5),
    ]
    assert list(
        AuditEvent.objects.filter(tag="catalog:import:shopify").values_list("subject_id", "data")
    ) == [
        (
            str(kopi_seller.pk),
            {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0, "errors": 0},
        )
    ]


def test_reimporting_the_same_file_changes_nothing(kopi_seller):
    catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)
    before = {
        p.handle: (p.updated_at, sorted(p.variants.values_list("id", flat=True)))
        for p in Product.objects.all()
    }
    events = AuditEvent.objects.count()

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)

    assert (result.created, result.updated, result.unchanged, result.skipped) == (0, 0, 3, 0)
    assert result.errors == []
    assert _counts() == (3, 5, 3, 5)
    after = {
        p.handle: (p.updated_at, sorted(p.variants.values_list("id", flat=True)))
        for p in Product.objects.all()
    }
    assert after == before
    assert AuditEvent.objects.count() == events


def test_a_changed_price_updates_only_that_product(kopi_seller):
    catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)
    variant_ids = dict(Variant.objects.values_list("sku", "id"))

    result = catalog_import_shopify(
        seller=kopi_seller,
        path_or_file=_edited(EXPORT, ",manual,18.50,", ",manual,19.90,"),
    )

    assert (result.created, result.updated, result.unchanged, result.skipped) == (0, 1, 2, 0)
    assert Variant.objects.get(sku="KPP-WC-250").price_minor == 1990
    assert Variant.objects.get(sku="KPP-WC-1000").price_minor == 6200
    assert dict(Variant.objects.values_list("sku", "id")) == variant_ids  # updated in place
    assert _counts() == (3, 5, 3, 5)
    assert AuditEvent.objects.filter(tag="product:updated").count() == 1


def test_a_variant_dropped_from_the_file_is_removed_and_a_new_one_added(kopi_seller):
    catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)

    result = catalog_import_shopify(
        seller=kopi_seller,
        path_or_file=_edited(EXPORT, "KPP-WC-1000", "KPP-WC-500"),
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    coffee = Product.objects.get(handle="white-coffee-classic")
    assert list(coffee.variants.values_list("sku", flat=True)) == ["KPP-WC-250", "KPP-WC-500"]


def test_dry_run_counts_what_would_happen_and_writes_nothing(kopi_seller):
    result = catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT, dry_run=True)

    assert (result.products, result.created, result.skipped, result.errors) == (3, 3, 0, [])
    assert result.dry_run is True
    assert _counts() == (0, 0, 0, 0)
    assert AuditEvent.objects.count() == 0


def test_a_translation_added_in_ehub_survives_a_reimport_without_that_language(kopi_seller):
    catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)
    coffee = Product.objects.get(handle="white-coffee-classic")
    ProductTranslation.objects.create(product=coffee, language="ms", title="Kopi Putih Klasik")

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)

    assert (result.updated, result.unchanged) == (0, 3)
    assert sorted(coffee.translations.values_list("language", "title")) == [
        ("en", "Classic Penang White Coffee"),
        ("ms", "Kopi Putih Klasik"),
    ]


# -- errors ----------------------------------------------------------------------------------------


def test_a_file_with_bad_rows_imports_nothing_and_reports_every_row(tea_seller):
    result = catalog_import_shopify(seller=tea_seller, path_or_file=BAD_ROWS)

    assert result.errors == BAD_ROWS_ERRORS
    assert (result.products, result.created, result.updated, result.skipped) == (8, 0, 0, 8)
    assert _counts() == (0, 0, 0, 0)
    assert AuditEvent.objects.count() == 0


def test_skip_invalid_imports_the_valid_products_and_reports_the_others(tea_seller):
    result = catalog_import_shopify(seller=tea_seller, path_or_file=BAD_ROWS, skip_invalid=True)

    assert result.errors == BAD_ROWS_ERRORS
    assert (result.products, result.created, result.updated, result.skipped) == (8, 1, 0, 7)
    assert list(Product.objects.values_list("handle", flat=True)) == ["fujian-oolong"]
    assert list(Variant.objects.values_list("sku", "price_minor")) == [("TEA-TGY-100", 4800)]


def test_skip_invalid_dry_run_counts_valid_products_and_writes_nothing(tea_seller):
    result = catalog_import_shopify(
        seller=tea_seller, path_or_file=BAD_ROWS, skip_invalid=True, dry_run=True
    )

    assert (result.created, result.skipped, len(result.errors)) == (1, 7, 9)
    assert _counts() == (0, 0, 0, 0)


def test_a_product_without_hs_code_takes_the_default(tea_seller):
    result = catalog_import_shopify(
        seller=tea_seller, path_or_file=BAD_ROWS, skip_invalid=True, default_hs_code="0902.30"
    )

    assert [e["handle"] for e in result.errors if e["column"] == "HS Code"] == []
    assert Product.objects.get(handle="lapsang").hs_code == "090230"


def test_an_invalid_default_hs_code_is_refused_before_reading(tea_seller):
    with pytest.raises(DomainError) as caught:
        catalog_import_shopify(seller=tea_seller, path_or_file=BAD_ROWS, default_hs_code="0902")

    assert caught.value.code == "invalid_hs_code"
    assert _counts() == (0, 0, 0, 0)


def test_hs_codes_are_checked_against_the_loaded_nomenclature(kopi_seller):
    HsCode.objects.create(code="090121", level=6, description="Coffee; roasted")

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=EXPORT)

    assert result.errors == [
        {
            "line": 12,
            "column": "Variant HS Code",
            "handle": "batik-coffee-sack-tote",
            "message": "HS code 630510 is not a subheading of the HS 2022 nomenclature",
        }
    ]
    assert _counts() == (0, 0, 0, 0)


def test_differing_hs_code_or_origin_within_one_product_are_errors(kopi_seller):
    data = EXPORT.read_bytes()
    assert data.endswith(b",630510,ID\r\n")  # the tote's second variant row, line 13
    edited = data.removesuffix(b",630510,ID\r\n") + b",630590,MY\r\n"

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=io.BytesIO(edited))

    assert result.errors == [
        {
            "line": 13,
            "column": "Variant Country of Origin",
            "handle": "batik-coffee-sack-tote",
            "message": "country of origin MY differs from ID on line 12: ehub keeps one "
            "country of origin per product",
        },
        {
            "line": 13,
            "column": "Variant HS Code",
            "handle": "batik-coffee-sack-tote",
            "message": "HS code 630590 differs from 630510 on line 12: ehub keeps one "
            "HS code per product",
        },
    ]
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (
            b"Name,Price\nTea,3.00\n",
            "no 'Handle' column on line 1 (found 'Name', 'Price'): is this a Shopify product CSV "
            "export?",
        ),
        (
            "Handle,Title\nthe-tea,Caf\u00e9\n".encode("cp1252"),
            "the file is not UTF-8 text (first bad byte on line 2); export it again from "
            "Shopify or save it as CSV UTF-8",
        ),
        (
            b'Handle,Title\nthe-tea,"Unclosed\n',
            "the file is not valid CSV: the row starting on line 2: unexpected end of data",
        ),
        (b"PK\x03\x04\x00\x00binary", "the file is not a CSV text file"),
        (
            "Handle,Title\n".encode("utf-16"),
            "the file is UTF-16 text; export it again from Shopify or save it as CSV UTF-8",
        ),
        (b"Handle,Title\n", "the file holds no product rows"),
        (
            b"Handle,Title (klingon-xx)\n",
            "column 'Title (klingon-xx)': 'klingon-xx' is not a language code (e.g. zh-Hans, ms)",
        ),
    ],
)
def test_a_file_that_is_not_a_shopify_csv_is_refused(kopi_seller, content, message):
    with pytest.raises(DomainError) as caught:
        catalog_import_shopify(seller=kopi_seller, path_or_file=io.BytesIO(content))

    assert (caught.value.code, caught.value.message) == ("import_file_invalid", message)
    assert _counts() == (0, 0, 0, 0)


def test_semicolon_separated_files_from_spreadsheets_are_read(kopi_seller):
    content = (
        "Handle;Title;Variant SKU;Variant Price;Variant Grams;HS Code\n"
        "kaya-jam;Kaya Jam;KAYA-300;12.50;300;200799\n"
    )

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=io.StringIO(content))

    assert (result.created, result.errors) == (1, [])
    assert Variant.objects.get(sku="KAYA-300").price_minor == 1250


def test_variant_weight_in_a_unit_and_published_without_status(kopi_seller):
    content = (
        "Handle,Title,Published,Option1 Value,Variant SKU,Variant Price,Variant Weight,"
        "Variant Weight Unit,Variant Grams,HS Code\n"
        "kaya-jam,Kaya Jam,FALSE,1 lb jar,KAYA-1LB,18.00,1,lb,,200799\n"
        "kaya-jam,,,2 kg tub,KAYA-2KG,52.00,2,KG,,200799\n"
        "kaya-jam,,,300 g jar,KAYA-300,9.00,,,300,200799\n"
    )

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=io.StringIO(content))

    assert (result.created, result.errors) == (1, [])
    product = Product.objects.get(handle="kaya-jam")
    assert product.status == "draft"
    assert list(product.variants.values_list("sku", "weight_grams")) == [
        ("KAYA-1LB", 454),  # 453.59237 g, rounded up
        ("KAYA-2KG", 2000),
        ("KAYA-300", 300),
    ]


def test_bad_weight_unit_image_position_and_quantity_are_row_errors(kopi_seller):
    content = (
        "Handle,Title,Variant SKU,Variant Price,Variant Weight,Variant Weight Unit,"
        "Variant Inventory Qty,Image Src,Image Position,HS Code\n"
        "kaya-jam,Kaya Jam,KAYA-1,18.00,1,stone,3,https://cdn.example.com/a.jpg,1,200799\n"
        "kaya-jam,,KAYA-2,18.00,250,g,lots,,,200799\n"
        "kaya-jam,,,,,,,https://cdn.example.com/b.jpg,second,\n"
        "kaya-jam,,KAYA-3,18.00,0,g,3,,,200799\n"
        "kaya-jam,,KAYA-4,18.00,-5,g,3,,,200799\n"
    )

    result = catalog_import_shopify(seller=kopi_seller, path_or_file=io.StringIO(content))

    assert result.errors == [
        {
            "line": 2,
            "column": "Variant Weight Unit",
            "handle": "kaya-jam",
            "message": "weight unit 'stone' is not g, kg, lb or oz",
        },
        {
            "line": 3,
            "column": "Variant Inventory Qty",
            "handle": "kaya-jam",
            "message": "Variant Inventory Qty must be a whole number, not 'lots'",
        },
        {
            "line": 4,
            "column": "Image Position",
            "handle": "kaya-jam",
            "message": "'second' is not a number",
        },
        {
            "line": 5,
            "column": "Variant Weight",
            "handle": "kaya-jam",
            "message": "weight is 0 (Shopify exports 0 when no weight was set): ehub needs each "
            "variant's weight for shipping and customs",
        },
        {
            "line": 6,
            "column": "Variant Weight",
            "handle": "kaya-jam",
            "message": "Variant Weight must be at least 1",
        },
    ]
    assert _counts() == (0, 0, 0, 0)


def test_numbers_too_large_for_the_database_are_a_row_error(kopi_seller):
    content = (
        "Handle,Title,Variant SKU,Variant Price,Variant Grams,Variant Inventory Qty,HS Code\n"
        "kaya-jam,Kaya Jam,KAYA-1,18.00,250,99999999999999999999,200799\n"
        "kaya-pandan,Kaya Pandan,KAYA-P,18.00,250,3,200799\n"
    )

    result = catalog_import_shopify(
        seller=kopi_seller, path_or_file=io.StringIO(content), skip_invalid=True
    )

    assert result.errors == [
        {
            "line": 2,
            "column": "Variant Inventory Qty",
            "handle": "kaya-jam",
            "message": "Variant Inventory Qty must be at most 100,000,000",
        }
    ]
    assert (result.created, result.skipped) == (1, 1)
    assert list(Product.objects.values_list("handle", flat=True)) == ["kaya-pandan"]


# -- translations and ehub extension columns -------------------------------------------------------


def test_translation_category_and_origin_columns(maple_seller):
    CategoryFactory(slug="pantry")

    result = catalog_import_shopify(seller=maple_seller, path_or_file=TRANSLATIONS)

    assert (result.created, result.errors) == (2, [])
    syrup = Product.objects.get(handle="maple-syrup-amber")
    assert (syrup.category.slug, syrup.origin_country, syrup.hs_code, syrup.vendor) == (
        "pantry",
        "CA",
        "170220",
        "Érablière du Lac",
    )
    assert list(syrup.translations.values_list("language", "title", "description")) == [
        ("en", "Amber Maple Syrup", "Grade A amber & rich."),
        ("ms", "Sirap Maple Amber", "Gred A amber dan kaya rasa."),
        ("zh-Hans", "琥珀枫糖浆", "A级琥珀色，味道浓郁。"),
    ]
    candy = Product.objects.get(handle="maple-sugar-candy")
    assert list(candy.translations.values_list("language", "title", "description")) == [
        ("en", "Maple Sugar Candy", "Pure maple sugar leaves."),
        ("zh-Hans", "枫糖糖果", ""),
    ]
    assert Variant.objects.get(sku="MAPLE-CANDY-90").price_minor == 950


def test_an_unknown_category_is_reported_on_its_row(maple_seller):
    result = catalog_import_shopify(seller=maple_seller, path_or_file=TRANSLATIONS)

    assert result.errors == [
        {
            "line": 2,
            "column": "Category",
            "handle": "maple-syrup-amber",
            "message": "no category 'pantry'",
        },
        {
            "line": 3,
            "column": "Category",
            "handle": "maple-sugar-candy",
            "message": "no category 'pantry'",
        },
    ]
    assert _counts() == (0, 0, 0, 0)


# -- Body (HTML) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>  <p>Three</p>", "One\n\nTwo\n\nThree"),
        ("a<br>b<br><br>c", "a\nb\n\nc"),
        ("<p>Tea &amp; cakes&nbsp;&mdash; 5&#37;</p>", "Tea & cakes — 5%"),
        ("<ul>\n  <li>Loose</li>\n  <li>Bagged</li>\n</ul>", "- Loose\n- Bagged"),
        ("<p>Hi<script>alert(1)</script><style>p {}</style></p>", "Hi"),
        ("Plain text\r\nkeeps its lines &amp; entities", "Plain text\nkeeps its lines & entities"),
        ("", ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


# -- the command -----------------------------------------------------------------------------------


def test_command_imports_with_progress_bar_and_summary(kopi_seller):
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command(
        "catalog",
        "import",
        "--seller",
        "kopi-putih-penang",
        str(EXPORT),
        stdout=stdout,
        stderr=stderr,
    )

    assert stdout.getvalue() == (
        "3 products in shopify_export.csv: 3 created, 0 updated, 0 unchanged, 0 skipped\n"
    )
    assert "3/3" in stderr.getvalue()  # the tqdm bar
    assert f"{EXPORT}:12: warning: column 'Variant Inventory Qty', product " in stderr.getvalue()
    assert Product.objects.count() == 3


def test_command_accepts_the_seller_id_and_dry_run(kopi_seller):
    stdout = io.StringIO()

    call_command(
        "catalog",
        "import",
        "--seller",
        str(kopi_seller.pk),
        "--dry-run",
        str(EXPORT),
        stdout=stdout,
        stderr=io.StringIO(),
    )

    assert stdout.getvalue().startswith("dry run, nothing written: 3 products in")
    assert Product.objects.count() == 0


def test_command_reports_row_errors_and_exits_2(tea_seller):
    stdout, stderr = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "catalog",
            "import",
            "--seller",
            "anxi-tea-garden",
            str(BAD_ROWS),
            stdout=stdout,
            stderr=stderr,
        )

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        "9 errors: nothing was imported (use --skip-invalid to import the valid products)"
    )
    assert stdout.getvalue() == (
        "8 products in shopify_bad_rows.csv: 0 created, 0 updated, 0 unchanged, 8 skipped\n"
    )
    assert (
        f"{BAD_ROWS}:3: error: column 'Variant SKU', product jasmine-pearls: Variant SKU is "
        "empty: ehub needs a SKU for every variant\n"
    ) in stderr.getvalue()
    assert f"{BAD_ROWS}:10: error: column 'Handle': Handle is empty\n" in stderr.getvalue()
    assert Product.objects.count() == 0


def test_command_skip_invalid_writes_valid_products_and_still_exits_2(tea_seller):
    with pytest.raises(CommandError) as caught:
        call_command(
            "catalog",
            "import",
            "--seller",
            "anxi-tea-garden",
            "--skip-invalid",
            "--hs-code",
            "090230",
            str(BAD_ROWS),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert (caught.value.returncode, str(caught.value)) == (2, "8 errors: 6 product(s) skipped")
    assert sorted(Product.objects.values_list("handle", flat=True)) == ["fujian-oolong", "lapsang"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seller", "nobody", str(EXPORT)], "no seller with id or slug 'nobody'"),
        (["--seller", "999999", str(EXPORT)], "no seller with id or slug '999999'"),
        (
            ["--seller", "kopi-putih-penang", "/nonexistent/export.csv"],
            "no such file: /nonexistent/export.csv",
        ),
        (
            ["--seller", "kopi-putih-penang", "--hs-code", "12", str(EXPORT)],
            f"{EXPORT}: HS code '12' must be 6 digits (an HS subheading, e.g. 090121)",
        ),
    ],
)
def test_command_bad_input_exits_2_without_traceback(kopi_seller, arguments, message):
    with pytest.raises(CommandError) as caught:
        call_command("catalog", "import", *arguments, stdout=io.StringIO(), stderr=io.StringIO())

    assert (caught.value.returncode, str(caught.value)) == (2, message)
    assert Product.objects.count() == 0


def test_command_bad_csv_exits_2(kopi_seller, tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(b"Name,Price\nTea,3.00\n")

    with pytest.raises(CommandError) as caught:
        call_command(
            "catalog",
            "import",
            "--seller",
            "kopi-putih-penang",
            str(path),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )

    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{path}: no 'Handle' column on line 1 (found 'Name', 'Price'): is this a Shopify "
        "product CSV export?"
    )
