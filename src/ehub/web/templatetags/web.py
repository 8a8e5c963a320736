"""Template filters for the web pages: money, dates, countries and regions in the page's
language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date, format_datetime
from django import template
from django.utils import timezone

from ehub.checkout.pricing import LandedPrice
from ehub.core.messages import DataText, message
from ehub.core.money import Money
from ehub.web import i18n
from ehub.web.explanations import LocalText, explanation_lines, localize, localize_all

register = template.Library()


@register.filter
def money(value: Money | None) -> str:
    """``Money("1234.5", "CNY")`` → ``¥1,234.50`` (zh-Hans), ``CN¥1,234.50`` (en)."""
    if value is None:
        return "—"
    return value.format(i18n.babel_locale())


@register.filter
def country(code: str) -> str:
    return i18n.country_name(code) if code else ""


@register.filter
def region(code: str) -> str:
    return i18n.region_name(code) if code else ""


@register.filter
def local_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(
            timezone.localtime(value), format="medium", locale=i18n.babel_locale()
        )
    return format_date(value, format="medium", locale=i18n.babel_locale())


@register.filter
def language_name(code: str) -> str:
    return i18n.language_name(code)


@register.filter
def order_status(code: str) -> str:
    from ehub.web.labels import order_status as label

    return label(code)


@register.filter
def parcel_status(code: str) -> str:
    from ehub.web.labels import parcel_status as label

    return label(code)


@register.filter
def minor(amount_minor: int | None, currency: str) -> str:
    """Minor units and a currency, formatted: ``{{ order.total_minor|minor:order.currency }}``."""
    if amount_minor is None:
        return "—"
    return Money.from_minor_units(amount_minor, currency).format(i18n.babel_locale())


@register.filter
def import_status(code: str) -> str:
    from ehub.web.labels import import_status as label

    return label(code)


@register.filter
def explanation(landed: dict[str, Any] | None) -> list[LocalText]:
    """The landed-cost explanation lines in the page's language: ``{% for line in
    price.landed|explanation %}`` (``line.text``; ``line.translated`` False: English)."""
    return explanation_lines(landed) if landed else []


@register.filter
def reasons(price: LandedPrice | None) -> list[LocalText]:
    """Why a product is unavailable, in the page's language (as ``explanation``)."""
    return localize_all(price.reason_messages) if price is not None else []


@register.filter
def rule_text(text: str) -> LocalText:
    """A text that may come from the rule files (a refusal reason stored on a checkout quote), in
    the page's language when the catalogs translate it, else as given (``translated`` False)."""
    return localize(message("{reason}", reason=DataText(str(text))))
