"""Buyer pages: sign-in and sign-up, cart, checkout, orders. Each view parses a form, calls the
service the API calls, and renders; a domain error is shown on the page with its 4xx status."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ehub.accounts.services import buyer_sign_up
from ehub.catalog.models import Variant
from ehub.catalog.selectors import translation_for
from ehub.checkout.selectors import cart_priced, quote_get_for_buyer
from ehub.checkout.services import cart_line_add, cart_line_remove, cart_line_set, quote_create
from ehub.core.errors import DomainError, NotFound
from ehub.orders.selectors import order_get_for_buyer, order_list_for_buyer
from ehub.orders.services import (
    order_cancel,
    order_confirm_receipt,
    order_payment_start,
    order_place_idempotent,
)
from ehub.web import i18n
from ehub.web.buyer_forms import (
    AddressForm,
    AddToCartForm,
    CartLineForm,
    SignInForm,
    SignUpForm,
)
from ehub.web.errors import error_message
from ehub.web.selectors import variant_titles
from ehub.web.views import shop_for


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# -- accounts -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = authenticate(
                request,
                email=form.cleaned_data["email"].lower(),
                password=form.cleaned_data["password"],
            )
            if user is not None:
                login(request, user)
                return HttpResponseRedirect(_next_url(request))
            form.add_error(None, _("That email and password do not match an account."))
        status = 400
    return render(
        request, "web/signin.html", {"form": form, "next": _next_url(request)}, status=status
    )


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = buyer_sign_up(
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"],
                    preferred_language=i18n.content_language(),
                )
            except DomainError as exc:
                field = exc.detail.get("field") if isinstance(exc.detail, dict) else None
                form.add_error(field if field in form.fields else None, error_message(exc))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return HttpResponseRedirect(_next_url(request))
        status = 400
    return render(
        request, "web/signup.html", {"form": form, "next": _next_url(request)}, status=status
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")


# -- cart ---------------------------------------------------------------------------------------
def _cart_context(request: HttpRequest, market_code: str, **extra: Any) -> dict[str, Any]:
    shop = shop_for(request, market_code)
    cart = cart_priced(buyer=request.user, market_country=shop.market.country)
    variants = Variant.objects.filter(pk__in=[line.variant_id for line in cart.lines])
    titles = {}
    for v in variants.select_related("product").prefetch_related("product__translations"):
        text = translation_for(v.product, i18n.content_language())
        titles[v.pk] = text.title if text else v.sku
    lines = [
        {"line": line, "title": titles.get(line.variant_id, line.title)} for line in cart.lines
    ]
    return {"shop": shop, "cart": cart, "lines": lines, **extra}


@login_required
@require_GET
def cart_view(request: HttpRequest, market_code: str) -> HttpResponse:
    return render(request, "web/cart.html", _cart_context(request, market_code))


@login_required
@require_POST
def cart_add(request: HttpRequest, market_code: str) -> HttpResponse:
    shop = shop_for(request, market_code)
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a quantity from 1 to 99."))
        return HttpResponseRedirect(_next_url(request, f"/{shop.code}/cart/"))
    try:
        cart_line_add(
            buyer=request.user,
            market_country=shop.market.country,
            variant_id=form.cleaned_data["variant_id"],
            quantity=form.cleaned_data["quantity"],
        )
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(_next_url(request, f"/{shop.code}/cart/"))
    messages.success(request, _("Added to your cart."))
    return HttpResponseRedirect(f"/{shop.code}/cart/")


@login_required
@require_POST
def cart_update(request: HttpRequest, market_code: str) -> HttpResponse:
    shop = shop_for(request, market_code)
    form = CartLineForm(request.POST)
    if form.is_valid():
        variant_id, quantity = form.cleaned_data["variant_id"], form.cleaned_data["quantity"]
        try:
            if quantity == 0:
                cart_line_remove(
                    buyer=request.user, market_country=shop.market.country, variant_id=variant_id
                )
            else:
                cart_line_set(
                    buyer=request.user,
                    market_country=shop.market.country,
                    variant_id=variant_id,
                    quantity=quantity,
                )
        except DomainError as exc:
            messages.error(request, error_message(exc))
    else:
        messages.error(request, _("Choose a quantity from 0 to 99."))
    return HttpResponseRedirect(f"/{shop.code}/cart/")


# -- checkout -----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, market_code: str) -> HttpResponse:
    """The address form; a valid one asks checkout for a quote and shows it for review."""
    shop = shop_for(request, market_code)
    country = shop.market.country
    form = AddressForm(request.POST or None, country=country)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote = quote_create(
                buyer=request.user,
                market_country=country,
                country=country,
                region=data.get("region") or "",
                postal_code=data.get("postal_code") or "",
                recipient_name=data["recipient_name"],
                address_line1=data["address_line1"],
                address_line2=data.get("address_line2") or "",
                city=data["city"],
                phone=data.get("phone") or "",
                buyer_name=data.get("buyer_name") or "",
                resident_id=data.get("resident_id") or "",
            )
        except DomainError as exc:
            form.add_error(None, error_message(exc))
        else:
            return HttpResponseRedirect(f"/{shop.code}/checkout/{quote.public_id}/")
    status = 400 if request.method == "POST" else 200
    context = _cart_context(request, market_code, form=form)
    if not context["lines"]:
        return HttpResponseRedirect(f"/{shop.code}/cart/")
    return render(request, "web/checkout.html", context, status=status)


@login_required
@require_GET
def checkout_review(request: HttpRequest, market_code: str, quote_id: str) -> HttpResponse:
    shop = shop_for(request, market_code)
    try:
        quote = quote_get_for_buyer(buyer=request.user, public_id=quote_id)
    except NotFound:
        raise Http404("no such quote") from None
    titles = variant_titles([line["variant_id"] for p in quote.parcels for line in p["lines"]])
    parcels = [
        {
            **parcel,
            "lines": [
                {**line, "title": titles.get(line["variant_id"], line["title"])}
                for line in parcel["lines"]
            ],
        }
        for parcel in quote.parcels
    ]
    return render(
        request,
        "web/review.html",
        {"shop": shop, "quote": quote, "parcels": parcels, "idempotency_key": uuid.uuid4().hex},
    )


@login_required
@require_POST
def checkout_place(request: HttpRequest, market_code: str, quote_id: str) -> HttpResponse:
    """Place the order (the form's idempotency key makes a double submit one order) and go to
    the payment provider's page."""
    shop = shop_for(request, market_code)
    key = request.POST.get("idempotency_key", "")
    try:
        stored = order_place_idempotent(
            buyer=request.user, idempotency_key=key, payload={"quote_id": str(quote_id)}
        )
        order = order_get_for_buyer(buyer=request.user, order_id=stored.body["id"])
        started = order_payment_start(
            order=order, buyer=request.user, return_url=f"/orders/{order.pk}/"
        )
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(f"/{shop.code}/checkout/{quote_id}/")
    return HttpResponseRedirect(started.payment.redirect_url)


# -- orders -------------------------------------------------------------------------------------


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = order_list_for_buyer(buyer=request.user).order_by("-placed_at")
    return render(request, "web/orders.html", {"orders": orders})


def _order_context(request: HttpRequest, order_id: int) -> dict[str, Any]:
    try:
        order = order_get_for_buyer(buyer=request.user, order_id=order_id)
    except NotFound:
        raise Http404("no such order") from None
    events: list[Any] = []
    try:
        from ehub.logistics.selectors import tracking_for_buyer
    except ImportError:  # pragma: no cover - logistics not installed
        pass
    else:
        _order, events = tracking_for_buyer(buyer=request.user, order_id=order.pk)
    lines = list(order.lines.all())
    titles = variant_titles([line.variant_id for line in lines])
    for line in lines:
        line.title = titles.get(line.variant_id, line.title)
    return {"order": order, "parcels": order.parcels.all(), "lines": lines, "events": events}


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    return render(request, "web/order.html", _order_context(request, order_id))


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    try:
        order = order_get_for_buyer(buyer=request.user, order_id=order_id)
    except NotFound:
        raise Http404("no such order") from None
    try:
        if action == "receipt":
            order_confirm_receipt(order=order, buyer=request.user)
            messages.success(request, _("Thank you: the sellers are being paid."))
        elif action == "cancel":
            order_cancel(order=order, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Your order is cancelled."))
        elif action == "pay":
            started = order_payment_start(
                order=order, buyer=request.user, return_url=f"/orders/{order.pk}/"
            )
            return HttpResponseRedirect(started.payment.redirect_url)
        else:
            raise Http404("no such action")
    except DomainError as exc:
        context = _order_context(request, order_id)
        context["error"] = error_message(exc)
        return render(request, "web/order.html", context, status=exc.status)
    return HttpResponseRedirect(f"/orders/{order.pk}/")
