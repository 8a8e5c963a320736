"""Buyer forms: sign-in and sign-up, cart quantities, the shipping address (fields per country)."""

from __future__ import annotations

from typing import Any

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from ehub.checkout.domain import address_format
from ehub.web import i18n


def region_choices(country: str) -> list[tuple[str, str]]:
    subdivisions = [
        s for s in pycountry.subdivisions.get(country_code=country) or [] if not s.parent_code
    ]
    named = [(s.code, i18n.region_name(s.code)) for s in subdivisions]
    return [("", "—"), *sorted(named, key=lambda item: item[1])]


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters."),
    )


class AddToCartForm(forms.Form):
    variant_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=99, initial=1)


class CartLineForm(forms.Form):
    variant_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=99)


class AddressForm(forms.Form):
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=200)
    address_line1 = forms.CharField(label=_("Address"), max_length=200)
    address_line2 = forms.CharField(label=_("Address (line 2)"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100)
    region = forms.ChoiceField(label=_("State or province"), required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    buyer_name = forms.CharField(
        label=_("Name on your resident ID card"), max_length=200, required=False
    )
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        help_text=_(
            "Chinese customs need it for cross-border purchases. "
            "We store it encrypted and show it masked."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country = country
        layout = address_format(country)  # checkout's rule, not the form's
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        if layout.region_required:
            region.choices = region_choices(country)
            region.required = True
        else:
            del self.fields["region"]
        self.fields["postal_code"].required = layout.postal_code_required
        if layout.identity_required:
            self.fields["buyer_name"].required = True
            self.fields["resident_id"].required = True
        else:
            del self.fields["buyer_name"]
            del self.fields["resident_id"]
