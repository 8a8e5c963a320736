"""The seller centre (/seller/...): onboarding and the business profile, products and their
variants with the "what buyers pay" table, the Shopify CSV import, parcels to ship and returns,
payouts and the ledger statement, API keys.

Views parse forms and call the services and selectors the API calls (sellers.services,
catalog.services, catalog.shopify, checkout.pricing, customs.nomenclature, logistics.services,
ledger.selectors); a service's ``DomainError`` is shown on the page with its 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ehub.accounts.models import Role, User
from ehub.catalog.imports import catalog_import_enqueue, catalog_import_get
from ehub.catalog.models import Product, Variant
from ehub.catalog.selectors import (
    market_rates_today,
    product_get_for_seller,
    product_list_for_seller,
    translation_for,
    variant_get_for_product,
)
from ehub.catalog.services import (
    product_as_input,
    product_create,
    product_replace,
    product_variant_remove,
    product_variant_save,
)
from ehub.checkout.pricing import LandedPrice, landed_price
from ehub.core.currencies import UnknownCurrency, normalize_currency
from ehub.core.errors import DomainError, NotFound
from ehub.core.money import Money
from ehub.customs.models import HsCode
from ehub.customs.nomenclature import hs_search
from ehub.ledger.domain import EntryKind, OwnerType, Purpose
from ehub.ledger.models import LedgerAccount
from ehub.ledger.selectors import StatementLine, seller_statement
from ehub.logistics.domain import ParcelStatus
from ehub.logistics.models import Parcel
from ehub.logistics.selectors import order_parcels_to_ship, parcel_returns_for_seller
from ehub.logistics.services import parcel_hand_over, parcel_returned
from ehub.markets.models import Market
from ehub.markets.selectors import market_list
from ehub.orders.models import OrderParcel
from ehub.sellers.models import Seller, VerificationStatus
from ehub.sellers.selectors import seller_api_key_list, seller_for_user
from ehub.sellers.services import (
    seller_api_key_create,
    seller_api_key_revoke,
    seller_register,
    seller_update,
)
from ehub.web import i18n
from ehub.web.errors import error_message
from ehub.web.forms import (
    PRODUCT_LANGUAGES,
    ApiKeyForm,
    CatalogImportForm,
    ProductForm,
    SellerProfileForm,
    SellerSignupForm,
    VariantForm,
    domain_error_to_form,
)
from ehub.web.labels import STAFF_PARCEL_STATUS as PARCEL_STATUS_LABELS

# What a seller reads for each status (the values are the services').
VERIFICATION_LABELS: dict[str, Any] = {
    VerificationStatus.PENDING: gettext_lazy("Pending verification"),
    VerificationStatus.VERIFIED: gettext_lazy("Verified"),
    VerificationStatus.REJECTED: gettext_lazy("Rejected"),
}
PRODUCT_STATUS_LABELS: dict[str, Any] = {
    "active": gettext_lazy("Active"),
    "draft": gettext_lazy("Draft"),
    "archived": gettext_lazy("Archived"),
}
ENTRY_KIND_LABELS: dict[str, Any] = {
    EntryKind.PAYMENT_CAPTURED: gettext_lazy("Payment captured"),
    EntryKind.ESCROW_RELEASE: gettext_lazy("Released to you"),
    EntryKind.ESCROW_SPLIT: gettext_lazy("Escrow split"),
    EntryKind.REFUND: gettext_lazy("Refund"),
    EntryKind.CANCELLATION: gettext_lazy("Cancellation"),
    EntryKind.PAYOUT: gettext_lazy("Payout"),
    EntryKind.REVERSAL: gettext_lazy("Reversal"),
}
DOCUMENT_KINDS = [
    ("label", gettext_lazy("Label")),
    ("commercial_invoice", gettext_lazy("Invoice")),
    ("packing_list", gettext_lazy("Packing list")),
]
# Who may sign a business up: buyers, and seller staff whose membership is gone.
MAY_SIGN_UP = {Role.BUYER, Role.SELLER_STAFF}

SellerView = Callable[..., HttpResponse]
# The seller centre's menu entry each page belongs to.
NAV = {
    "product_form": "products",
    "variant_form": "products",
    "variant_remove": "products",
    "import_job": "import",
}


def acting(request: HttpRequest) -> User | None:
    """The signed-in user, for the audit events the services record."""
    return request.user if isinstance(request.user, User) else None


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "web/seller/forbidden.html", {"message": message}, status=403)


def seller_page(view: SellerView) -> SellerView:
    """Signed in (else to the sign-in page) as staff of a seller (else to the sign-up page, or a
    403 page for hub operators and platform admins); the view gets the seller."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        seller = seller_for_user(user=request.user)
        if seller is None:
            if request.user.role in MAY_SIGN_UP:
                return HttpResponseRedirect(reverse("web:seller-signup"))
            return forbidden(request, _("The seller centre is for the staff of a seller."))
        return view(request, seller, *args, **kwargs)

    return wrapper


def page(
    request: HttpRequest,
    template: str,
    seller: Seller | None,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    base = {
        "nav": NAV.get(name, name),
        "seller": seller,
        "verification": VERIFICATION_LABELS.get(seller.verification_status) if seller else None,
    }
    return render(request, template, {**base, **(context or {})}, status=status)


# -- onboarding -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def seller_signup(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if seller_for_user(user=request.user) is not None:
        return HttpResponseRedirect(reverse("web:seller-home"))
    if request.user.role not in MAY_SIGN_UP:
        return forbidden(request, _("This account cannot sign a business up."))
    form = SellerSignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                seller_register(user=request.user, **form.details())
            except DomainError as exc:
                domain_error_to_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Thank you: your business is signed up."))
                return HttpResponseRedirect(reverse("web:seller-home"))
        else:
            status = 422
    return page(request, "web/seller/signup.html", None, {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@seller_page
def seller_profile(request: HttpRequest, seller: Seller) -> HttpResponse:
    """The business details, as at sign-up, changed through ``seller_update`` (as
    ``PATCH /api/v1/seller``); its refusals are shown on the field they name."""
    form = SellerProfileForm(request.POST or None, initial=SellerProfileForm.initial_for(seller))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                seller_update(seller=seller, actor=acting(request), **form.details_for(seller))
            except DomainError as exc:
                domain_error_to_form(form, exc)
                status = exc.status
                seller.refresh_from_db()  # nothing was saved: show what is stored
            else:
                messages.success(request, _("Your business details are saved."))
                return HttpResponseRedirect(reverse("web:seller-profile"))
        else:
            status = 422
    description_fields = [
        (code, form[f"description_{suffix}"]) for code, suffix in PRODUCT_LANGUAGES
    ]
    return page(
        request,
        "web/seller/profile.html",
        seller,
        {"form": form, "descriptions": description_fields},
        status=status,
    )


@require_GET
@seller_page
def seller_home(request: HttpRequest, seller: Seller) -> HttpResponse:
    total, _products = product_list_for_seller(seller=seller, limit=1)
    return page(
        request,
        "web/seller/home.html",
        seller,
        {
            "product_count": total,
            "to_ship": len(_to_hand_over(parcels_to_ship(seller=seller))),
            "coming_back": sum(1 for r in parcel_returns(seller=seller) if r.awaiting_seller),
        },
    )


# -- products -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProductRow:
    product: Product
    title: str
    status: str
    variant: Variant | None


def _row(product: Product) -> ProductRow:
    text = translation_for(product, i18n.content_language())
    return ProductRow(
        product=product,
        title=text.title if text else product.handle,
        status=str(PRODUCT_STATUS_LABELS.get(product.status, product.status)),
        variant=next(iter(product.variants.all()), None),
    )


PAGE_SIZE = 50


@require_GET
@seller_page
def product_list(request: HttpRequest, seller: Seller) -> HttpResponse:
    try:
        offset = max(0, int(request.GET.get("offset", "0")))
    except ValueError:
        offset = 0
    total, products = product_list_for_seller(seller=seller, limit=PAGE_SIZE, offset=offset)
    return page(
        request,
        "web/seller/products.html",
        seller,
        {
            "rows": [_row(p) for p in products],
            "total": total,
            "previous": offset - PAGE_SIZE if offset > 0 else None,
            "next": offset + PAGE_SIZE if offset + PAGE_SIZE < total else None,
        },
    )


def _product_form_context(form: ProductForm, seller: Seller) -> dict[str, Any]:
    languages = [
        (code, form[f"title_{suffix}"], form[f"description_{suffix}"])
        for code, suffix in PRODUCT_LANGUAGES
    ]
    return {"form": form, "languages": languages, "currency": seller.payout_currency}


@require_http_methods(["GET", "POST"])
@seller_page
def product_new(request: HttpRequest, seller: Seller) -> HttpResponse:
    form = ProductForm(request.POST or None, initial={"status": "active", "stock_quantity": 0})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product = product_create(seller=seller, actor=acting(request), data=form.payload())
            except DomainError as exc:
                domain_error_to_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The product is saved."))
                return HttpResponseRedirect(reverse("web:seller-product", args=[product.pk]))
        else:
            status = 422
    return page(
        request,
        "web/seller/product_form.html",
        seller,
        {**_product_form_context(form, seller), "product": None},
        status=status,
    )


@dataclass(frozen=True)
class BuyerPrice:
    market: Market
    price: LandedPrice


def buyers_pay(*, variant: Variant) -> list[BuyerPrice]:
    """The landed price of ``variant`` in every enabled market (checkout.pricing)."""
    rates = market_rates_today()
    return [
        BuyerPrice(market=m, price=landed_price(variant=variant, market=m, rates=rates))
        for m in market_list()
    ]


@require_http_methods(["GET", "POST"])
@seller_page
def product_edit(request: HttpRequest, seller: Seller, product_id: int) -> HttpResponse:
    product = _product_or_404(request, seller, product_id)
    if isinstance(product, HttpResponse):
        return product
    form = ProductForm(request.POST or None, initial=ProductForm.initial_for(product))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                product_replace(
                    product=product,
                    actor=acting(request),
                    data=form.merged_into(product_as_input(product)),
                )
            except DomainError as exc:
                domain_error_to_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The product is saved."))
                return HttpResponseRedirect(reverse("web:seller-product", args=[product.pk]))
        else:
            status = 422
        product = product_get_for_seller(seller=seller, product_id=product_id)
    variants = list(product.variants.all())
    chosen = _chosen_variant(request, product, variants)
    return page(
        request,
        "web/seller/product_form.html",
        seller,
        {
            **_product_form_context(form, seller),
            "product": product,
            "row": _row(product),
            "variants": variants,
            "chosen": chosen,
            "prices": buyers_pay(variant=chosen) if chosen else [],
        },
        status=status,
    )


def _chosen_variant(
    request: HttpRequest, product: Product, variants: list[Variant]
) -> Variant | None:
    """The variant of ``?variant=<id>`` (the "what buyers pay" table's choice), else the first."""
    try:
        return variant_get_for_product(product=product, variant_id=int(request.GET["variant"]))
    except (KeyError, ValueError, NotFound):
        return variants[0] if variants else None


def _not_found(request: HttpRequest, seller: Seller, exc: DomainError) -> HttpResponse:
    """The seller centre's 404 page, with the service's reason."""
    return page(
        request, "web/seller/not_found.html", seller, {"message": error_message(exc)}, status=404
    )


def _product_or_404(
    request: HttpRequest, seller: Seller, product_id: int
) -> Product | HttpResponse:
    try:
        return product_get_for_seller(seller=seller, product_id=product_id)
    except DomainError as exc:
        return _not_found(request, seller, exc)


def _variant_or_404(
    request: HttpRequest, seller: Seller, product_id: int, variant_id: int
) -> tuple[Product, Variant] | HttpResponse:
    """The seller's product and one of its variants, or the 404 page."""
    product = _product_or_404(request, seller, product_id)
    if isinstance(product, HttpResponse):
        return product
    try:
        return product, variant_get_for_product(product=product, variant_id=variant_id)
    except NotFound as exc:
        return _not_found(request, seller, exc)


def _variant_page(
    request: HttpRequest,
    seller: Seller,
    product: Product,
    variant: Variant | None,
    form: VariantForm,
    status: int = 200,
) -> HttpResponse:
    return page(
        request,
        "web/seller/variant_form.html",
        seller,
        {
            "form": form,
            "product": product,
            "row": _row(product),
            "variant": variant,
            "currency": seller.payout_currency,
            "prices": buyers_pay(variant=variant) if variant else [],
        },
        status=status,
    )


def _variant_submit(
    request: HttpRequest,
    seller: Seller,
    product: Product,
    variant: Variant | None,
    form: VariantForm,
) -> HttpResponse:
    """Show the variant form, or save it (``product_variant_save``: a new variant when
    ``variant`` is None) and go back to the product."""
    if request.method != "POST":
        return _variant_page(request, seller, product, variant, form)
    if not form.is_valid():
        return _variant_page(request, seller, product, variant, form, status=422)
    try:
        product_variant_save(
            product=product,
            actor=acting(request),
            sku=variant.sku if variant else None,
            data=form.payload(current=variant),
        )
    except DomainError as exc:
        domain_error_to_form(form, exc)
        return _variant_page(request, seller, product, variant, form, status=exc.status)
    sku = form.cleaned_data["sku"].strip()
    if variant is None:
        messages.success(request, _("Variant %(sku)s is added.") % {"sku": sku})
    else:
        messages.success(request, _("Variant %(sku)s is saved.") % {"sku": sku})
    return HttpResponseRedirect(reverse("web:seller-product", args=[product.pk]))


@require_http_methods(["GET", "POST"])
@seller_page
def variant_new(request: HttpRequest, seller: Seller, product_id: int) -> HttpResponse:
    """Add a variant to the product (``catalog.services.product_variant_save``)."""
    product = _product_or_404(request, seller, product_id)
    if isinstance(product, HttpResponse):
        return product
    form = VariantForm(request.POST or None, initial={"stock_quantity": 0})
    return _variant_submit(request, seller, product, None, form)


@require_http_methods(["GET", "POST"])
@seller_page
def variant_edit(
    request: HttpRequest, seller: Seller, product_id: int, variant_id: int
) -> HttpResponse:
    """Change one variant (a new SKU renames it) and see what buyers pay for it."""
    found = _variant_or_404(request, seller, product_id, variant_id)
    if isinstance(found, HttpResponse):
        return found
    product, variant = found
    form = VariantForm(request.POST or None, initial=VariantForm.initial_for(variant))
    return _variant_submit(request, seller, product, variant, form)


@require_http_methods(["GET", "POST"])
@seller_page
def variant_remove(
    request: HttpRequest, seller: Seller, product_id: int, variant_id: int
) -> HttpResponse:
    """GET asks to confirm; POST takes the variant off (``product_variant_remove``): the last
    variant, or one that was ordered, stays, with the service's reason."""
    found = _variant_or_404(request, seller, product_id, variant_id)
    if isinstance(found, HttpResponse):
        return found
    product, variant = found
    error, status = "", 200
    if request.method == "POST":
        try:
            product_variant_remove(product=product, actor=acting(request), sku=variant.sku)
        except DomainError as exc:
            error, status = error_message(exc), exc.status
        else:
            messages.success(request, _("Variant %(sku)s is removed.") % {"sku": variant.sku})
            return HttpResponseRedirect(reverse("web:seller-product", args=[product.pk]))
    return page(
        request,
        "web/seller/variant_remove.html",
        seller,
        {
            "product": product,
            "row": _row(product),
            "variant": variant,
            "last": len(product.variants.all()) == 1,
            "error": error,
        },
        status=status,
    )


# -- the HS code picker ---------------------------------------------------------------------------
@require_GET
@seller_page
def hs_picker(request: HttpRequest, seller: Seller) -> HttpResponse:
    """An HTML fragment: the nomenclature search of ``GET /api/v1/hs?q=`` as a list to pick from."""
    query = (request.GET.get("q") or request.GET.get("hs_code") or "").strip()
    codes = hs_search(text=query, limit=10) if len(query) >= 2 else []
    return render(request, "web/seller/partials/hs_results.html", {"codes": codes, "query": query})


@require_GET
@seller_page
def hs_pick(request: HttpRequest, seller: Seller) -> HttpResponse:
    """An HTML fragment: the HS code field with the picked code filled in."""
    code = (request.GET.get("code") or "").strip()
    picked = HsCode.objects.filter(code=code, level=6).first()
    return render(
        request,
        "web/seller/partials/hs_field.html",
        {"value": code, "picked": picked, "field_id": "id_hs_code"},
    )


# -- catalog import -------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@seller_page
def catalog_import(request: HttpRequest, seller: Seller) -> HttpResponse:
    """Upload: the file is checked at once (a form error if it is not a Shopify CSV), then
    imported in the background; the job's page shows a live progress bar and the report."""
    form = CatalogImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = catalog_import_enqueue(
                    seller=seller,
                    upload=upload.read(),
                    filename=upload.name or "products.csv",
                    actor=acting(request),
                    default_hs_code=form.cleaned_data["default_hs_code"] or None,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except DomainError as exc:
                field = "default_hs_code" if "hs_code" in exc.code else "file"
                form.add_error(field, error_message(exc))
                status = exc.status
            else:
                return HttpResponseRedirect(reverse("web:seller-import-job", args=[job.pk]))
        else:
            status = 422
    recent = seller.imports.order_by("-created_at")[:5]
    return page(
        request,
        "web/seller/import.html",
        seller,
        {"form": form, "recent": recent},
        status=status,
    )


def _import_context(seller: Seller, import_id: int) -> dict[str, Any]:
    try:
        job = catalog_import_get(seller=seller, import_id=import_id)
    except NotFound:
        raise Http404("no such import") from None
    return {
        "job": job,
        "result": job.result or None,
        "running": job.status in ("queued", "running"),
    }


@require_GET
@seller_page
def catalog_import_job(request: HttpRequest, seller: Seller, import_id: int) -> HttpResponse:
    context = _import_context(seller, import_id)
    job = context["job"]
    failed = job.status == "failed" or (job.result and not job.result.get("ok"))
    return page(
        request, "web/seller/import_job.html", seller, context, status=422 if failed else 200
    )


@require_GET
@seller_page
def catalog_import_progress(request: HttpRequest, seller: Seller, import_id: int) -> HttpResponse:
    """The progress fragment htmx polls every second while the import runs."""
    return render(
        request, "web/seller/partials/import_progress.html", _import_context(seller, import_id)
    )


# -- parcels to ship ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShipRow:
    parcel: OrderParcel
    code: str
    status: str
    status_label: str
    goods: Money

    @property
    def can_hand_over(self) -> bool:
        return self.status == ParcelStatus.AWAITING_HANDOVER


def parcels_to_ship(*, seller: Seller) -> list[ShipRow]:
    """The seller's paid parcels that were not refunded, newest first, with their journey's
    status (a parcel not yet seen by logistics awaits handover)."""
    rows = []
    for parcel in order_parcels_to_ship(seller=seller):
        journey = getattr(parcel, "logistics", None)
        status = journey.status if journey else ParcelStatus.AWAITING_HANDOVER
        rows.append(
            ShipRow(
                parcel=parcel,
                code=parcel.code,
                status=status,
                status_label=str(PARCEL_STATUS_LABELS.get(status, status)),
                goods=Money.from_minor_units(parcel.goods_minor, parcel.order.currency),
            )
        )
    return rows


def _to_hand_over(rows: list[ShipRow]) -> list[ShipRow]:
    return [r for r in rows if r.can_hand_over]


@dataclass(frozen=True)
class ReturnRow:
    parcel: Parcel
    status_label: str
    goods: Money

    @property
    def awaiting_seller(self) -> bool:
        """Still on its way back: the seller says when it has it, and whether to restock."""
        return self.parcel.status == ParcelStatus.RETURNING


def parcel_returns(*, seller: Seller) -> list[ReturnRow]:
    return [
        ReturnRow(
            parcel=parcel,
            status_label=str(PARCEL_STATUS_LABELS.get(ParcelStatus(parcel.status), parcel.status)),
            goods=Money.from_minor_units(
                parcel.order_parcel.goods_minor, parcel.order_parcel.order.currency
            ),
        )
        for parcel in parcel_returns_for_seller(seller=seller)
    ]


def _orders_page(
    request: HttpRequest, seller: Seller, error: str = "", status: int = 200
) -> HttpResponse:
    return page(
        request,
        "web/seller/orders.html",
        seller,
        {
            "rows": parcels_to_ship(seller=seller),
            "returns": parcel_returns(seller=seller),
            "kinds": DOCUMENT_KINDS,
            "error": error,
        },
        status=status,
    )


@require_GET
@seller_page
def orders_to_ship(request: HttpRequest, seller: Seller) -> HttpResponse:
    return _orders_page(request, seller)


@require_POST
@seller_page
def parcel_handover(request: HttpRequest, seller: Seller, code: str) -> HttpResponse:
    try:
        parcel = parcel_hand_over(seller=seller, code=code, actor=acting(request))
    except DomainError as exc:
        return _orders_page(request, seller, error=error_message(exc), status=exc.status)
    messages.success(
        request, _("Parcel %(code)s is marked as handed over to the hub.") % {"code": parcel.code}
    )
    return HttpResponseRedirect(reverse("web:seller-orders"))


@require_POST
@seller_page
def parcel_back(request: HttpRequest, seller: Seller, code: str) -> HttpResponse:
    """A returning parcel is back with the seller: ``restock=yes`` puts its goods back into
    stock, ``restock=no`` does not (``logistics.services.parcel_returned``)."""
    choice = request.POST.get("restock")
    if choice not in ("yes", "no"):
        return _orders_page(
            request,
            seller,
            error=_("Say whether the goods go back into stock."),
            status=422,
        )
    try:
        parcel = parcel_returned(
            seller=seller, code=code, restock=choice == "yes", actor=acting(request)
        )
    except DomainError as exc:
        return _orders_page(request, seller, error=error_message(exc), status=exc.status)
    if parcel.restocked:
        message = _("Parcel %(code)s is back and its goods are in stock again.")
    else:
        message = _("Parcel %(code)s is back; its goods were not put back into stock.")
    messages.success(request, message % {"code": parcel.code})
    return HttpResponseRedirect(reverse("web:seller-orders") + "#returns")


# -- API keys -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@seller_page
def api_keys(request: HttpRequest, seller: Seller) -> HttpResponse:
    """The seller's keys; a new key is shown on this answer only (never stored in plain)."""
    form = ApiKeyForm(request.POST or None)
    raw_key, created, status = "", None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, raw_key = seller_api_key_create(
                    seller=seller, name=form.cleaned_data["name"], actor=acting(request)
                )
            except DomainError as exc:
                domain_error_to_form(form, exc)
                status = exc.status
            else:
                form, status = ApiKeyForm(), 201
        else:
            status = 422
    response = page(
        request,
        "web/seller/api_keys.html",
        seller,
        {
            "form": form,
            "keys": seller_api_key_list(seller=seller),
            "created": created,
            "raw_key": raw_key,
        },
        status=status,
    )
    if raw_key:
        response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


@require_POST
@seller_page
def api_key_revoke(request: HttpRequest, seller: Seller, key_id: int) -> HttpResponse:
    try:
        key = seller_api_key_revoke(seller=seller, key_id=key_id, actor=acting(request))
    except NotFound as exc:
        return _not_found(request, seller, exc)
    messages.success(
        request,
        _("The key %(name)s (%(prefix)s) is revoked: it no longer works.")
        % {"name": key.name, "prefix": key.prefix},
    )
    return HttpResponseRedirect(reverse("web:seller-api-keys"))


# -- money ----------------------------------------------------------------------------------------
def statement_currencies(*, seller: Seller) -> list[str]:
    """The currencies the seller has a payable in, its payout currency first."""
    found = set(
        LedgerAccount.objects.filter(
            owner_type=OwnerType.SELLER, owner_id=str(seller.pk), purpose=Purpose.SELLER_PAYABLE
        ).values_list("currency", flat=True)
    )
    return [seller.payout_currency, *sorted(found - {seller.payout_currency})]


@dataclass(frozen=True)
class StatementRow:
    line: StatementLine
    kind: str


@require_GET
@seller_page
def money(request: HttpRequest, seller: Seller) -> HttpResponse:
    currencies = statement_currencies(seller=seller)
    error = ""
    status = 200
    try:
        currency = normalize_currency(request.GET.get("currency") or seller.payout_currency)
    except UnknownCurrency as exc:
        currency, error, status = seller.payout_currency, str(exc), 422
    lines = seller_statement(seller=seller, currency=currency)
    payouts = [
        line
        for code in currencies
        for line in seller_statement(seller=seller, currency=code)
        if line.kind == EntryKind.PAYOUT
    ]
    payouts.sort(key=lambda line: line.created_at, reverse=True)
    return page(
        request,
        "web/seller/money.html",
        seller,
        {
            "currencies": currencies,
            "currency": currency,
            "rows": [
                StatementRow(line=line, kind=str(ENTRY_KIND_LABELS.get(line.kind, line.kind)))
                for line in lines
            ],
            "balance": lines[-1].balance if lines else Money.zero(currency),
            "payouts": [(line, -line.amount) for line in payouts],
            "error": error,
        },
        status=status,
    )
