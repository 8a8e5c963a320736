"""Forms of the seller centre and the hub console. They only parse what was typed (types,
lengths, required fields) and build the payload the services take; every business rule (a valid
registration number, an HS code in the nomenclature, a price with the currency's decimals, a
weight within the tolerance) is the service's, and its ``DomainError`` is shown on the form."""

from __future__ import annotations

from typing import Any, cast

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from ehub.catalog.models import Product, ProductStatus, Variant
from ehub.core.errors import DomainError
from ehub.sellers.models import Seller
from ehub.sellers.services import SELLER_FIELDS
from ehub.web import i18n
from ehub.web.errors import error_message

# The product languages edited side by side: (catalog code, form field suffix).
PRODUCT_LANGUAGES = [("en", "en"), ("zh-Hans", "zh_hans"), ("ms", "ms")]

# Currencies a seller is commonly paid in; any ISO 4217 code is accepted by the service.
PAYOUT_CURRENCIES = ["MYR", "SGD", "CNY", "USD", "CAD", "EUR", "GBP", "JPY", "AUD", "NZD"]


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country, named in the page's language, sorted by that name."""
    names = [(c.alpha_2, i18n.country_name(c.alpha_2)) for c in pycountry.countries]
    return [("", "—"), *sorted(names, key=lambda pair: pair[1])]


def domain_error_to_form(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has that field,
    else on the form as a whole."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    name = str(detail.get("field") or "")
    field = FIELD_ALIASES.get(name, name.split(".")[-1] if name.startswith("variants[") else name)
    if field in form.fields:
        form.add_error(field, error_message(exc))
    else:
        form.add_error(None, error_message(exc))


# Service field names (``variants[0].price``, ``translations.en.title``) → form fields.
FIELD_ALIASES = {
    f"translations.{code}.title": f"title_{suffix}" for code, suffix in PRODUCT_LANGUAGES
}


class SellerSignupForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    display_name = forms.CharField(
        label=_("Display name (shown to buyers)"), max_length=200, required=False
    )
    country = forms.ChoiceField(label=_("Country"), choices=())
    region = forms.CharField(
        label=_("Region code (ISO 3166-2, e.g. MY-07)"), max_length=6, required=False
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    address_line1 = forms.CharField(label=_("Street address"), max_length=200, required=False)
    address_line2 = forms.CharField(
        label=_("Street address, line 2"), max_length=200, required=False
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    registration_number = forms.CharField(label=_("Business registration number"), max_length=60)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    payout_currency = forms.ChoiceField(
        label=_("Payout currency (your prices are in it too)"),
        choices=[(c, c) for c in PAYOUT_CURRENCIES],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()

    def details(self) -> dict[str, Any]:
        """The seller details for ``sellers.services.seller_register`` (empty ones left out)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class SellerProfileForm(SellerSignupForm):
    """The business details of a signed-up seller, with its description in each page language.
    Every field is sent to ``sellers.services.seller_update``, which keeps what did not change
    and refuses what may not (a verified seller's country or registration number)."""

    display_name = forms.CharField(label=_("Display name (shown to buyers)"), max_length=200)
    description_en = forms.CharField(
        label=_("About the business"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_zh_hans = forms.CharField(
        label=_("About the business"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_ms = forms.CharField(
        label=_("About the business"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A currency the seller already has stays choosable (else the page would switch it).
        current = str(self.initial.get("payout_currency") or "")
        currencies = cast(forms.ChoiceField, self.fields["payout_currency"])
        if current and current not in PAYOUT_CURRENCIES:
            currencies.choices = [(current, current), *[(c, c) for c in PAYOUT_CURRENCIES]]

    @classmethod
    def initial_for(cls, seller: Seller) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(seller, name) for name in SELLER_DETAIL_FIELDS}
        for code, suffix in PRODUCT_LANGUAGES:
            initial[f"description_{suffix}"] = (seller.description or {}).get(code, "")
        return initial

    def details_for(self, seller: Seller) -> dict[str, Any]:
        """Every detail for ``seller_update``: the three languages' descriptions replaced
        (empty ones dropped), the others kept."""
        details = {name: self.cleaned_data[name] for name in SELLER_DETAIL_FIELDS}
        edited = {code for code, _suffix in PRODUCT_LANGUAGES}
        description = {k: v for k, v in (seller.description or {}).items() if k not in edited}
        for code, suffix in PRODUCT_LANGUAGES:
            text = self.cleaned_data[f"description_{suffix}"].strip()
            if text:
                description[code] = text
        return {**details, "description": description}


# The seller fields the sign-up and profile forms share (as ``seller_update`` names them); the
# description is edited per language, apart.
SELLER_DETAIL_FIELDS = [name for name in SELLER_FIELDS if name != "description"]


class VariantForm(forms.Form):
    """One variant of a product: SKU, option name per language, price, weight, size, stock."""

    sku = forms.CharField(label=_("SKU"), max_length=64)
    option_en = forms.CharField(
        label=_("Option (e.g. size or colour)"), max_length=200, required=False
    )
    option_zh_hans = forms.CharField(
        label=_("Option (e.g. size or colour)"), max_length=200, required=False
    )
    option_ms = forms.CharField(
        label=_("Option (e.g. size or colour)"), max_length=200, required=False
    )
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=18, decimal_places=4)
    weight_grams = forms.IntegerField(label=_("Weight (grams)"), min_value=1)
    stock_quantity = forms.IntegerField(label=_("Stock"), min_value=0, initial=0)
    length_mm = forms.IntegerField(label=_("Length (mm)"), min_value=1, required=False)
    width_mm = forms.IntegerField(label=_("Width (mm)"), min_value=1, required=False)
    height_mm = forms.IntegerField(label=_("Height (mm)"), min_value=1, required=False)

    @classmethod
    def initial_for(cls, variant: Variant) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "sku": variant.sku,
            "price": variant.price.amount,
            "weight_grams": variant.weight_grams,
            "stock_quantity": variant.stock_quantity,
            "length_mm": variant.length_mm,
            "width_mm": variant.width_mm,
            "height_mm": variant.height_mm,
        }
        for code, suffix in PRODUCT_LANGUAGES:
            initial[f"option_{suffix}"] = (variant.option or {}).get(code, "")
        return initial

    def option_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(code, self[f"option_{suffix}"]) for code, suffix in PRODUCT_LANGUAGES]

    def payload(self, current: Variant | None = None) -> dict[str, Any]:
        """The variant for ``catalog.services.product_variant_save``: the three languages'
        option names replaced (empty ones dropped), other languages kept."""
        edited = {code for code, _suffix in PRODUCT_LANGUAGES}
        option = {
            k: v for k, v in ((current.option or {}) if current else {}).items() if k not in edited
        }
        for code, suffix in PRODUCT_LANGUAGES:
            if self.cleaned_data[f"option_{suffix}"].strip():
                option[code] = self.cleaned_data[f"option_{suffix}"].strip()
        return {
            "sku": self.cleaned_data["sku"].strip(),
            "option": option,
            "price": str(self.cleaned_data["price"]),
            "weight_grams": self.cleaned_data["weight_grams"],
            "stock_quantity": self.cleaned_data["stock_quantity"],
            **{d: self.cleaned_data[d] for d in ("length_mm", "width_mm", "height_mm")},
        }


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name (e.g. the system that will use it)"), max_length=100, required=False
    )


class ProductForm(forms.Form):
    """One product with its first variant; the titles and descriptions of every language side
    by side."""

    handle = forms.CharField(
        label=_("Handle (the product's address: lower-case letters, digits, dashes)"),
        max_length=120,
    )
    hs_code = forms.CharField(label=_("HS code (6 digits)"), max_length=12)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ProductStatus.ACTIVE, _("Active: buyers see it")),
            (ProductStatus.DRAFT, _("Draft: hidden from buyers")),
            (ProductStatus.ARCHIVED, _("Archived")),
        ],
    )
    sku = forms.CharField(label=_("SKU"), max_length=64)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=18, decimal_places=4)
    weight_grams = forms.IntegerField(label=_("Weight (grams)"), min_value=1)
    stock_quantity = forms.IntegerField(label=_("Stock"), min_value=0, initial=0)
    title_en = forms.CharField(label=_("Title"), max_length=255, required=False)
    description_en = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    title_zh_hans = forms.CharField(label=_("Title"), max_length=255, required=False)
    description_zh_hans = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    title_ms = forms.CharField(label=_("Title"), max_length=255, required=False)
    description_ms = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"title_{suffix}") for _code, suffix in PRODUCT_LANGUAGES):
            raise forms.ValidationError(_("Give the product a title in at least one language."))
        return cleaned

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        variant = next(iter(product.variants.all()), None)
        texts = {t.language: t for t in product.translations.all()}
        initial: dict[str, Any] = {
            "handle": product.handle,
            "hs_code": product.hs_code,
            "status": product.status,
        }
        if variant is not None:
            initial.update(
                sku=variant.sku,
                price=variant.price.amount,
                weight_grams=variant.weight_grams,
                stock_quantity=variant.stock_quantity,
            )
        for code, suffix in PRODUCT_LANGUAGES:
            if code in texts:
                initial[f"title_{suffix}"] = texts[code].title
                initial[f"description_{suffix}"] = texts[code].description
        return initial

    def translations(self) -> dict[str, dict[str, str]]:
        return {
            code: {
                "title": self.cleaned_data[f"title_{suffix}"],
                "description": self.cleaned_data[f"description_{suffix}"],
            }
            for code, suffix in PRODUCT_LANGUAGES
            if self.cleaned_data.get(f"title_{suffix}")
        }

    def variant(self) -> dict[str, Any]:
        return {
            "sku": self.cleaned_data["sku"],
            "price": str(self.cleaned_data["price"]),
            "weight_grams": self.cleaned_data["weight_grams"],
            "stock_quantity": self.cleaned_data["stock_quantity"],
        }

    def payload(self) -> dict[str, Any]:
        """A new product, for ``catalog.services.product_create``."""
        return {
            "handle": self.cleaned_data["handle"],
            "hs_code": self.cleaned_data["hs_code"],
            "status": self.cleaned_data["status"],
            "translations": self.translations(),
            "variants": [self.variant()],
        }

    def merged_into(self, current: dict[str, Any]) -> dict[str, Any]:
        """``current`` (``catalog.services.product_as_input``) with this form's fields: the three
        languages replaced (other languages kept), the first variant replaced (others kept)."""
        others = {
            code: text
            for code, text in current["translations"].items()
            if code not in {c for c, _s in PRODUCT_LANGUAGES}
        }
        variants = list(current["variants"])
        variants[:1] = [{**(variants[0] if variants else {}), **self.variant()}]
        return {
            **current,
            "handle": self.cleaned_data["handle"],
            "hs_code": self.cleaned_data["hs_code"],
            "status": self.cleaned_data["status"],
            "translations": {**others, **self.translations()},
            "variants": variants,
        }


class CatalogImportForm(forms.Form):
    file = forms.FileField(label=_("Shopify product CSV export"))
    default_hs_code = forms.CharField(
        label=_("HS code for products whose rows give none (optional)"),
        max_length=12,
        required=False,
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid products and skip the ones with errors"), required=False
    )
    dry_run = forms.BooleanField(label=_("Check only: import nothing"), required=False)


# -- hub console ----------------------------------------------------------------------------------
class ScanForm(forms.Form):
    code = forms.CharField(label=_("Parcel code"), max_length=40)


class WeighForm(forms.Form):
    weight_grams = forms.IntegerField(label=_("Measured weight (grams)"), min_value=1)
    hub = forms.CharField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Why the weight is accepted"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class HoldResolveForm(forms.Form):
    documents = forms.CharField(
        label=_("Documents supplied (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def document_list(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["documents"].splitlines() if line.strip()
        ]


class ManifestCreateForm(forms.Form):
    hub = forms.ChoiceField(label=_("Origin hub"), choices=())
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=())

    def __init__(self, *args: Any, hubs: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["hub"]).choices = hubs
        cast(forms.ChoiceField, self.fields["destination_country"]).choices = country_choices()


class ManifestAddForm(forms.Form):
    codes = forms.CharField(
        label=_("Parcel codes (scan or type, one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def code_list(self, ticked: list[str]) -> list[str]:
        typed = [c.strip() for c in self.cleaned_data.get("codes", "").split() if c.strip()]
        return list(dict.fromkeys([*typed, *ticked]))
