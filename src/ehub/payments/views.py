"""The sandbox's hosted payment page: what a provider's checkout page is, served by ehub.

Plain Django: a template, a form with a CSRF token, no scripts. The view parses the card number,
calls one service and renders its answer; a refused card is shown on the page (4xx), never a 500.
"""

from __future__ import annotations

import uuid

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ehub.core.errors import DomainError
from ehub.payments.domain import TEST_CARDS
from ehub.payments.models import Payment, SandboxCharge
from ehub.payments.sandbox import sandbox_card_submit, sandbox_payment_for_page


class CardForm(forms.Form):
    card_number = forms.CharField(
        label="Card number",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "cc-number", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _page(
    request: HttpRequest,
    payment: Payment,
    form: CardForm,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    charge = SandboxCharge.objects.filter(payment=payment).first()
    return render(
        request,
        "payments/sandbox_page.html",
        {
            "payment": payment,
            "amount": payment.amount.format(getattr(request, "LANGUAGE_CODE", "en") or "en"),
            "form": form,
            "error": error,
            "charge": charge,
            "test_cards": [
                (" ".join(n[i : i + 4] for i in range(0, 16, 4)), o) for n, o in TEST_CARDS.items()
            ],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def sandbox_payment_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        payment = sandbox_payment_for_page(public_id=public_id)
    except DomainError as exc:
        raise Http404(exc.message) from None
    if request.method == "GET":
        return _page(request, payment, CardForm())
    form = CardForm(request.POST)
    if not form.is_valid():
        return _page(request, payment, form, error="enter a card number", status=400)
    try:
        sandbox_card_submit(payment=payment, card_number=form.cleaned_data["card_number"])
    except DomainError as exc:
        return _page(request, payment, form, error=exc.message, status=exc.status)
    # Post/redirect/get: the page then shows the outcome (the callback was delivered on commit).
    return HttpResponseRedirect(request.path, status=303)
