"""Import a Shopify product CSV export into a seller's catalog.

The file is the one Shopify's admin exports (Products → Export → "CSV for Excel, Numbers, or other
spreadsheet programs"): one row per variant or image, rows of one product sharing a ``Handle``; the
first row of a handle carries the product fields (Title, Body (HTML), Vendor, Status, ...).

This module only translates Shopify's columns into ehub's product payload. Every catalog rule
(handle format, HS code, prices by the currency's exponent, SKUs, stock) is checked by
``product_input_clean`` and written by ``product_create`` / ``product_replace``; their errors are
reported against the CSV line and column they came from. See ``docs/catalog-import.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from django.db import DataError, IntegrityError, transaction

from ehub.accounts.models import User
from ehub.catalog.errors import CatalogErrorCode
from ehub.catalog.models import Product, ProductStatus
from ehub.catalog.services import (
    ProductInput,
    canonical_language,
    product_as_input,
    product_create,
    product_input_clean,
    product_replace,
)
from ehub.core.errors import DomainError
from ehub.core.events import audit_record
from ehub.core.money import Money
from ehub.customs.nomenclature import hs_code_clean
from ehub.sellers.models import Seller

# The language of Shopify's own Title and Body (HTML) columns.
BASE_LANGUAGE = "en"

HANDLE = "Handle"
TITLE = "Title"
BODY = "Body (HTML)"
VENDOR = "Vendor"
STATUS = "Status"
PUBLISHED = "Published"
OPTION_VALUES = ("Option1 Value", "Option2 Value", "Option3 Value")
SKU = "Variant SKU"
PRICE = "Variant Price"
GRAMS = "Variant Grams"
WEIGHT = "Variant Weight"  # not exported by Shopify; a weight in "Variant Weight Unit"
WEIGHT_UNIT = "Variant Weight Unit"
QUANTITY = "Variant Inventory Qty"
IMAGE_SRC = "Image Src"
IMAGE_POSITION = "Image Position"
# ehub's extension columns.
HS_CODE_COLUMNS = ("HS Code", "Variant HS Code", "Harmonized System Code")
ORIGIN_COLUMNS = ("Country of Origin", "Variant Country of Origin")
CATEGORY = "Category"

# A row is a variant row (not an image-only row) when one of these is filled in.
VARIANT_SIGNALS = (SKU, PRICE, *OPTION_VALUES)
DEFAULT_OPTION = "Default Title"  # Shopify's option value for a product without options
GRAMS_PER_UNIT = {
    "g": Decimal(1),
    "kg": Decimal(1000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}
TRANSLATION_COLUMN = re.compile(r"^(title|body \(html\)) \(([^()]+)\)$", re.IGNORECASE)
VARIANT_FIELD = re.compile(r"^variants\[(\d+)\](?:\.(\w+))?")
VARIANT_FIELD_COLUMNS = {
    "sku": SKU,
    "price": PRICE,
    "weight_grams": GRAMS,
    "stock_quantity": QUANTITY,
    "option": OPTION_VALUES[0],
}

ImportProgress = Callable[[int, int], None]
"""Called after each product with (products done, products in the file)."""


class ImportFileInvalid(DomainError):
    """The file as a whole cannot be read as a Shopify product CSV; nothing was imported."""

    def __init__(self, message: str, detail: Any = None) -> None:
        super().__init__(CatalogErrorCode.IMPORT_FILE_INVALID, message, detail, status=422)


@dataclass
class ShopifyImportResult:
    """What an import did (or, with ``dry_run``, would do). ``errors`` and ``warnings`` hold
    ``{"line", "column", "handle", "message"}`` dicts, sorted by line (the header is line 1)."""

    products: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# -- reading the file ------------------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    values: dict[str, str]  # lower-case column name -> value, stripped

    def get(self, column: str) -> str:
        return self.values.get(column.lower(), "")


@dataclass
class _Group:
    handle: str
    rows: list[_Row] = field(default_factory=list)


class _Columns:
    """The header: lookups are case-insensitive, reports use the file's own spelling."""

    def __init__(self, header: list[str]) -> None:
        self.spelling = {name.lower(): name for name in header if name}
        self.translations: dict[str, dict[str, str]] = {}  # language -> {"title"/"body": name}
        for name in header:
            match = TRANSLATION_COLUMN.match(name)
            if not match:
                continue
            try:
                language = canonical_language(match[2].strip())
            except ValueError as exc:
                raise ImportFileInvalid(
                    f"column {name!r}: {match[2]!r} is not a language code (e.g. zh-Hans, ms)",
                    {"line": 1, "column": name},
                ) from exc
            kind = "title" if match[1].lower() == "title" else "body"
            self.translations.setdefault(language, {})[kind] = name

    def has(self, column: str) -> bool:
        return column.lower() in self.spelling

    def name(self, column: str) -> str:
        return self.spelling.get(column.lower(), column)

    def first_present(self, columns: tuple[str, ...]) -> str | None:
        return next((self.name(c) for c in columns if self.has(c)), None)


@dataclass
class _Sheet:
    columns: _Columns
    groups: list[_Group]
    errors: list[dict[str, Any]]


def _read_text(path_or_file: str | Path | IO[Any]) -> str:
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        try:
            data: bytes | str = path.read_bytes()
        except OSError as exc:
            raise ImportFileInvalid(f"cannot read {path}: {exc.strerror or exc}") from exc
    else:
        data = path_or_file.read()
    if isinstance(data, str):
        text = data
    else:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ImportFileInvalid(
                "the file is UTF-16 text; export it again from Shopify or save it as CSV UTF-8"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ImportFileInvalid(
                f"the file is not UTF-8 text (first bad byte on line {line}); export it again "
                "from Shopify or save it as CSV UTF-8",
                {"line": line},
            ) from exc
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ImportFileInvalid("the file is not a CSV text file")
    return text


def _delimiter(first_line: str) -> str:
    """Shopify writes commas; spreadsheets in some locales save semicolons or tabs."""
    for delimiter in (",", ";", "\t"):
        names = [n.strip().strip('"').lower() for n in first_line.split(delimiter)]
        if "handle" in names:
            return delimiter
    return ","


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(physical line where the record starts, fields); a quoted field may span lines."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    previous_end = 0
    try:
        for fields in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if fields and any(f.strip() for f in fields):
                yield start, fields
    except csv.Error as exc:
        raise ImportFileInvalid(
            f"the file is not valid CSV: the row starting on line {previous_end + 1}: {exc}",
            {"line": previous_end + 1},
        ) from exc


def _read_sheet(path_or_file: str | Path | IO[Any]) -> _Sheet:
    records = _records(_read_text(path_or_file))
    try:
        header_line, header = next(records)
    except StopIteration:
        raise ImportFileInvalid("the file is empty") from None
    header = [name.strip() for name in header]
    columns = _Columns(header)
    if not columns.has(HANDLE):
        shown = ", ".join(repr(name) for name in header[:5])
        raise ImportFileInvalid(
            f"no {HANDLE!r} column on line {header_line} (found {shown}): is this a Shopify "
            "product CSV export?",
            {"line": header_line, "column": HANDLE},
        )
    keys = [name.lower() for name in header]
    groups: dict[str, _Group] = {}
    errors: list[dict[str, Any]] = []
    for line, fields in records:
        if len(fields) > len(keys) and any(f.strip() for f in fields[len(keys) :]):
            errors.append(
                _error(line, "", "", f"the row has {len(fields)} fields, the header {len(keys)}")
            )
            continue
        values = {key: value.strip() for key, value in zip(keys, fields, strict=False) if key}
        row = _Row(line=line, values=values)
        handle = row.get(HANDLE).lower()
        if not handle:
            errors.append(_error(line, columns.name(HANDLE), "", "Handle is empty"))
            continue
        groups.setdefault(handle, _Group(handle=handle)).rows.append(row)
    if not groups and not errors:
        raise ImportFileInvalid("the file holds no product rows")
    return _Sheet(columns=columns, groups=list(groups.values()), errors=errors)


# -- Body (HTML) to plain text ---------------------------------------------------------------------


class _HtmlText(HTMLParser):
    """Collects text and line breaks; blocks (p, div, headings, lists) are paragraphs."""

    PARAGRAPH = {"p", "div", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dl"}
    PARAGRAPH |= {f"h{level}" for level in range(1, 7)}
    LINE = {"li", "tr", "dt", "dd"}
    HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.newlines = 0  # line breaks owed before the next text
        self.hidden = 0

    def _break(self, count: int, *, add: bool = False) -> None:
        self.newlines = min(2, self.newlines + count) if add else max(self.newlines, count)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._break(1, add=True)
        elif tag in self.PARAGRAPH:
            self._break(2)
        elif tag in self.LINE:
            self._break(1)
            if tag == "li":
                self.handle_data("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.PARAGRAPH:
            self._break(2)
        elif tag in self.LINE:
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        data = re.sub(r"\s+", " ", data)
        if self.newlines:
            if not data.strip():
                return  # whitespace between blocks
            if self.text:
                self.text = self.text.rstrip(" ") + "\n" * self.newlines
            data = data.lstrip(" ")
            self.newlines = 0
        self.text += data


def html_to_text(body: str) -> str:
    """Shopify's Body (HTML) as plain text: tags stripped, entities unescaped, one blank line
    between paragraphs, ``<br>`` as a line break, list items as ``- item`` lines. A body without
    tags is plain text already: only its entities are unescaped and its line breaks kept."""
    if "<" in body:
        parser = _HtmlText()
        parser.feed(body)
        parser.close()
        text = parser.text
    else:
        text = unescape(body.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# -- one product: Shopify rows to a payload --------------------------------------------------------


def _error(line: int, column: str, handle: str, message: str) -> dict[str, Any]:
    return {"line": line, "column": column, "handle": handle, "message": message}


class _Product:
    """One handle's rows turned into a ``product_input_clean`` payload, remembering which line
    and column each value came from so that errors can point at them."""

    def __init__(
        self,
        group: _Group,
        columns: _Columns,
        *,
        existing: Product | None,
        default_hs_code: str | None,
    ) -> None:
        self.group = group
        self.columns = columns
        self.existing = existing
        self.default_hs_code = default_hs_code
        self.first = group.rows[0]
        self.label = self.first.get(HANDLE)  # the handle as the file spells it, for reports
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.product_level_error = False
        self.sources: dict[str, tuple[int, str]] = {}  # payload field -> (line, column)
        self.variants: list[tuple[int, dict[str, Any]]] = []
        self.weight_columns: dict[int, str] = {}  # line -> Variant Grams or Variant Weight
        self.payload = self._build()

    # reporting
    def error(self, line: int, column: str, message: str, *, product_level: bool = False) -> None:
        self.errors.append(_error(line, self.columns.name(column), self.label, message))
        self.product_level_error = self.product_level_error or product_level

    def where(self, field_name: str) -> tuple[int, str]:
        match = VARIANT_FIELD.match(field_name)
        if match and int(match[1]) < len(self.variants):
            line = self.variants[int(match[1])][0]
            column = VARIANT_FIELD_COLUMNS.get(match[2] or "", SKU)
            if match[2] == "weight_grams":
                column = self.weight_columns.get(line, column)
            return line, self.columns.name(column)
        root = field_name.split(".")[0].split("[")[0]
        if root == "translations":
            language = field_name.split(".")[1] if "." in field_name else BASE_LANGUAGE
            return self.first.line, self._title_column(language)
        if root in self.sources:
            return self.sources[root]
        fallback = {"category": CATEGORY, "status": STATUS, "variants": SKU, "media": IMAGE_SRC}
        return self.first.line, self.columns.name(fallback.get(root, HANDLE))

    def _title_column(self, language: str) -> str:
        if language == BASE_LANGUAGE:
            return self.columns.name(TITLE)
        return self.columns.translations.get(language, {}).get("title", f"Title ({language})")

    # building
    def _build(self) -> dict[str, Any]:
        columns, first = self.columns, self.first
        payload: dict[str, Any] = (
            product_as_input(self.existing)
            if self.existing is not None
            else {"category": None, "media": [], "translations": {}, "status": "", "vendor": ""}
        )
        payload["handle"] = self.group.handle
        self.sources["handle"] = (first.line, columns.name(HANDLE))
        payload["translations"] = self._translations(dict(payload["translations"]))
        if columns.has(VENDOR):
            payload["vendor"] = first.get(VENDOR)
        status = self._status()
        if status is not None:
            payload["status"] = status
        if columns.has(CATEGORY):
            payload["category"] = first.get(CATEGORY) or None
            self.sources["category"] = (first.line, columns.name(CATEGORY))
        self._product_value(payload, "hs_code", HS_CODE_COLUMNS)
        self._product_value(payload, "origin_country", ORIGIN_COLUMNS)
        if columns.has(IMAGE_SRC):
            payload["media"] = self._media()
        for index, row in enumerate(self.group.rows):
            if index == 0 or any(row.get(c) for c in VARIANT_SIGNALS):
                variant = self._variant(row)
                if variant is not None:
                    self.variants.append((row.line, variant))
        payload["variants"] = [variant for _, variant in self.variants]
        return payload

    def _translations(self, translations: dict[str, dict[str, str]]) -> dict[str, Any]:
        columns, first = self.columns, self.first
        languages = {BASE_LANGUAGE: {"title": TITLE, "body": BODY}} | columns.translations
        for language, names in languages.items():
            title_name, body_name = names.get("title"), names.get("body")
            if not (title_name and columns.has(title_name)) and not (
                body_name and columns.has(body_name)
            ):
                continue  # no column for this language: keep what the product already has
            current = translations.get(language, {"title": "", "description": ""})
            title = first.get(title_name) if title_name and columns.has(title_name) else None
            body = (
                html_to_text(first.get(body_name)) if body_name and columns.has(body_name) else None
            )
            if language != BASE_LANGUAGE and not title and not body:
                translations.pop(language, None)
                continue
            translations[language] = {
                "title": current.get("title", "") if title is None else title,
                "description": current.get("description", "") if body is None else body,
            }
        return translations

    def _status(self) -> str | None:
        status = self.first.get(STATUS).lower() if self.columns.has(STATUS) else ""
        if status:
            self.sources["status"] = (self.first.line, self.columns.name(STATUS))
            return status
        published = self.first.get(PUBLISHED).lower() if self.columns.has(PUBLISHED) else ""
        if published:
            self.sources["status"] = (self.first.line, self.columns.name(PUBLISHED))
            return ProductStatus.ACTIVE if published == "true" else ProductStatus.DRAFT
        return None if self.existing is not None else ProductStatus.ACTIVE

    def _product_value(self, payload: dict[str, Any], key: str, names: tuple[str, ...]) -> None:
        """HS code and origin: one per product; rows of a handle may repeat it, not differ."""
        present = [self.columns.name(n) for n in names if self.columns.has(n)]
        found: list[tuple[int, str, str]] = []
        for row in self.group.rows:
            for name in present:
                value = row.get(name)
                if value:
                    found.append((row.line, name, value))
        label = "HS code" if key == "hs_code" else "country of origin"

        def normal(value: str) -> str:
            return re.sub(r"[\s.]", "", value).upper()

        if found:
            line, name, value = found[0]
            for other_line, other_name, other in found[1:]:
                if normal(other) != normal(value):
                    self.error(
                        other_line,
                        other_name,
                        f"{label} {other} differs from {value} on line {line}: "
                        f"ehub keeps one {label} per product",
                        product_level=True,
                    )
                    break
            payload[key] = value
            self.sources[key] = (line, name)
            return
        column = present[0] if present else names[0]
        self.sources[key] = (self.first.line, column)
        if self.existing is not None:
            return  # no value in the file: keep the product's own
        if key == "origin_country":
            payload[key] = None  # the seller's country
        elif self.default_hs_code:
            payload[key] = self.default_hs_code
        else:
            self.error(
                self.first.line,
                column,
                "no HS code: ehub needs the 6-digit HS code to sell abroad; fill in the "
                f"{column!r} column or give a default (--hs-code)",
                product_level=True,
            )

    def _media(self) -> list[str]:
        images: list[tuple[int, int, str]] = []
        for order, row in enumerate(self.group.rows):
            url = row.get(IMAGE_SRC)
            if not url:
                continue
            position_text = row.get(IMAGE_POSITION)
            position = 1_000_000
            if position_text:
                try:
                    position = int(Decimal(position_text))
                except (InvalidOperation, ValueError):
                    self.error(row.line, IMAGE_POSITION, f"{position_text!r} is not a number")
            if "media" not in self.sources:
                self.sources["media"] = (row.line, self.columns.name(IMAGE_SRC))
            images.append((position, order, url))
        urls: list[str] = []
        for _, _, url in sorted(images):
            if url not in urls:
                urls.append(url)
        return urls

    def _variant(self, row: _Row) -> dict[str, Any] | None:
        errors_before = len(self.errors)
        sku = row.get(SKU)
        if not sku:
            self.error(row.line, SKU, "Variant SKU is empty: ehub needs a SKU for every variant")
        price = row.get(PRICE)
        if not price:
            self.error(row.line, PRICE, "Variant Price is empty")
        weight_grams = self._weight_grams(row)
        quantity: str | int = row.get(QUANTITY) or 0
        try:
            number = int(str(quantity))
        except ValueError:
            pass  # product_input_clean names the problem
        else:
            quantity = number
            if number < 0:
                quantity = 0
                self.warnings.append(
                    _error(
                        row.line,
                        self.columns.name(QUANTITY),
                        self.label,
                        f"inventory {number} (oversold in Shopify) imported as 0",
                    )
                )
        if len(self.errors) > errors_before:
            return None
        values = [row.get(c) for c in OPTION_VALUES if row.get(c)]
        option = {} if values in ([], [DEFAULT_OPTION]) else {BASE_LANGUAGE: " / ".join(values)}
        return {
            "sku": sku,
            "price": price,
            "weight_grams": weight_grams,
            "stock_quantity": quantity,
            "option": option,
        }

    def _weight_grams(self, row: _Row) -> int | None:
        if self.columns.has(WEIGHT) and row.get(WEIGHT):
            column, text = WEIGHT, row.get(WEIGHT)
            unit = row.get(WEIGHT_UNIT).lower() or "g"
            if unit not in GRAMS_PER_UNIT:
                self.error(row.line, WEIGHT_UNIT, f"weight unit {unit!r} is not g, kg, lb or oz")
                return None
            factor = GRAMS_PER_UNIT[unit]
        else:
            column, text, factor = GRAMS, row.get(GRAMS), Decimal(1)
        self.weight_columns[row.line] = column
        if not text:
            self.error(
                row.line,
                column,
                f"{self.columns.name(column)} is empty: ehub needs each variant's weight for "
                "shipping and customs",
            )
            return None
        try:
            weight = Decimal(text) * factor
        except InvalidOperation:
            weight = Decimal("NaN")
        if not weight.is_finite():
            self.error(row.line, column, f"weight {text!r} is not a number")
            return None
        if weight == 0:
            self.error(
                row.line,
                column,
                "weight is 0 (Shopify exports 0 when no weight was set): ehub needs each "
                "variant's weight for shipping and customs",
            )
            return None
        # Round up: a parcel is never declared lighter than it is.
        return int(weight.to_integral_value(rounding=ROUND_CEILING))

    # validating with the catalog's own rules
    def clean(self, seller: Seller) -> ProductInput | None:
        """All the product's errors we can find: a bad variant is reported and left out so the
        others are still checked; a product-level error ends the check."""
        if self.product_level_error or (self.errors and not self.variants):
            return None
        while True:
            self.payload["variants"] = [variant for _, variant in self.variants]
            try:
                cleaned = product_input_clean(self.payload, seller=seller)
            except DomainError as exc:
                field_name = _field(exc)
                line, column = self.where(field_name)
                self.errors.append(
                    _error(line, column, self.label, _readable(exc, field_name, column))
                )
                match = VARIANT_FIELD.match(field_name)
                if not match or int(match[1]) >= len(self.variants):
                    return None
                del self.variants[int(match[1])]
                if not self.variants:
                    return None
                continue
            return None if self.errors else cleaned


def _field(exc: DomainError) -> str:
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    return str(detail.get("field") or "")


def _readable(exc: DomainError, field_name: str, column: str) -> str:
    """``variants[2].weight_grams must be at least 1`` → ``Variant Grams must be at least 1``."""
    if field_name.startswith("variants[") and field_name in exc.message:
        return exc.message.replace(field_name, column)
    return exc.message


# -- the import ------------------------------------------------------------------------------------


def _snapshot_of_product(product: Product) -> tuple[Any, ...]:
    return (
        product.hs_code,
        product.origin_country,
        product.category.slug if product.category_id else None,  # type: ignore[union-attr]
        product.status,
        product.vendor,
        sorted((t.language, t.title, t.description) for t in product.translations.all()),
        [m.url for m in product.media.all()],
        [
            (
                v.sku,
                v.option,
                v.price_minor,
                v.price_currency,
                v.weight_grams,
                v.length_mm,
                v.width_mm,
                v.height_mm,
                v.stock_quantity,
            )
            for v in product.variants.all()
        ],
    )


def _snapshot_of_input(cleaned: ProductInput, seller: Seller) -> tuple[Any, ...]:
    currency = seller.payout_currency
    return (
        cleaned.hs_code,
        cleaned.origin_country,
        cleaned.category,
        cleaned.status,
        cleaned.vendor,
        sorted((lang, t["title"], t["description"]) for lang, t in cleaned.translations.items()),
        list(cleaned.media),
        [
            (
                v.sku,
                v.option,
                Money(v.price, currency).to_minor_units(),
                currency,
                v.weight_grams,
                v.length_mm,
                v.width_mm,
                v.height_mm,
                v.stock_quantity,
            )
            for v in cleaned.variants
        ],
    )


class _RollBack(Exception):
    """Leaves the import's transaction without committing (dry run, or all-or-nothing failed)."""


def _import_one(
    product: _Product, *, seller: Seller, actor: User | None
) -> tuple[str, list[dict[str, Any]]]:
    cleaned = product.clean(seller)
    if cleaned is None:
        return "skipped", product.errors
    existing = product.existing
    try:
        with transaction.atomic():
            if existing is None:
                product_create(seller=seller, actor=actor, data=product.payload)
                return "created", []
            if _snapshot_of_product(existing) == _snapshot_of_input(cleaned, seller):
                return "unchanged", []
            product_replace(product=existing, actor=actor, data=product.payload)
            return "updated", []
    except DomainError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {}
        line, column = product.where(_field(exc))
        sku = detail.get("sku")
        for variant_line, variant in product.variants:
            if sku and variant["sku"] == sku:
                line, column = variant_line, product.columns.name(SKU)
        return "skipped", [_error(line, column, product.label, exc.message)]
    except (DataError, OverflowError):  # PostgreSQL / SQLite
        message = "a number is out of range for the database (weight, stock or price too large)"
        return "skipped", [_error(product.first.line, "", product.label, message)]
    except IntegrityError:
        message = "the product changed while it was being imported; run the import again"
        return "skipped", [_error(product.first.line, "", product.label, message)]


def shopify_file_products(path_or_file: str | Path | IO[Any]) -> int:
    """How many products a Shopify CSV holds, reading it without importing anything: a file that
    cannot be read as one raises ``ImportFileInvalid`` (checked when it is uploaded, before the
    import runs in the background)."""
    return len(_read_sheet(path_or_file).groups)


def catalog_import_shopify(
    *,
    seller: Seller,
    path_or_file: str | Path | IO[Any],
    actor: User | None = None,
    default_hs_code: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ShopifyImportResult:
    """Import a Shopify product CSV export for ``seller``; idempotent by handle and SKU.

    By default all-or-nothing: any error and nothing is written (``skipped`` is then every
    product). With ``skip_invalid`` each valid product is written in its own transaction and
    products with an error are skipped. ``dry_run`` runs the same checks, writes nothing and
    counts what would happen. A file that cannot be read as a Shopify product CSV raises
    ``ImportFileInvalid``; an invalid ``default_hs_code`` raises the HS code's ``DomainError``.
    """
    hs_default = hs_code_clean(default_hs_code) if default_hs_code else None
    sheet = _read_sheet(path_or_file)
    result = ShopifyImportResult(products=len(sheet.groups), dry_run=dry_run)
    result.errors.extend(sheet.errors)
    one_transaction = dry_run or not skip_invalid
    try:
        with transaction.atomic() if one_transaction else nullcontext():
            for done, group in enumerate(sheet.groups, start=1):
                existing = (
                    Product.objects.filter(seller=seller, handle=group.handle)
                    .select_related("category")
                    .prefetch_related("translations", "media", "variants")
                    .first()
                )
                product = _Product(
                    group, sheet.columns, existing=existing, default_hs_code=hs_default
                )
                outcome, errors = _import_one(product, seller=seller, actor=actor)
                setattr(result, outcome, getattr(result, outcome) + 1)
                result.errors.extend(errors)
                result.warnings.extend(product.warnings)
                if progress is not None:
                    progress(done, len(sheet.groups))
            if not skip_invalid and result.errors:
                result.created = result.updated = result.unchanged = 0
                result.skipped = result.products
                raise _RollBack
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    result.errors.sort(key=lambda e: (e["line"], e["column"]))
    result.warnings.sort(key=lambda e: (e["line"], e["column"]))
    if not dry_run and (result.created or result.updated):
        audit_record(
            tag="catalog:import:shopify",
            subject=seller,
            actor=actor,
            data={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "errors": len(result.errors),
            },
        )
    return result
