"""Domain messages (``ehub.core.messages``) in the page's language: the landed-cost explanation
lines and the reasons a product cannot be sold.

The template is translated with the page catalogs (gettext); each parameter is formatted for the
page's language: money with Babel (as the ``money`` filter), rates and numbers with Babel,
countries by their local name, rule-file texts through the catalogs. A line whose template or
rule text has no translation is shown in English, whole (``translated`` is then False and the
page marks it ``lang="en"``). English pages show the engine's English as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_currency, format_decimal, format_percent
from django.utils.translation import trans_real

from ehub.core.messages import (
    CountryParam,
    DataText,
    Message,
    Messages,
    MoneyParam,
    NumberParam,
    Param,
    PercentParam,
    message_from_json,
)
from ehub.core.money import Money, quantum
from ehub.web import i18n
from ehub.web.catalogs import CATALOG_LANGUAGES, translatable


@dataclass(frozen=True, slots=True)
class LocalText:
    text: str
    translated: bool  # False: English (the page marks it lang="en")


class _Untranslated(Exception):
    pass


def _lookup(text: str, language: str) -> str:
    """``text`` from the language's catalog; raises when the catalog lacks it."""
    catalog = trans_real.translation(language)
    entries = getattr(catalog, "_catalog", None)
    if entries is not None and text not in entries:
        raise _Untranslated(text)
    translated = catalog.gettext(text)
    if entries is None and translated == text:
        raise _Untranslated(text)
    return translated


def _money(value: MoneyParam, locale: str) -> str:
    if value.amount == value.amount.quantize(quantum(value.currency)):
        return Money(value.amount, value.currency).format(locale)
    # an amount per unit finer than the minor unit (USD 0.019 per kg): every digit kept
    return format_currency(value.amount, value.currency, locale=locale, decimal_quantization=False)


def _param(value: Param, language: str, locale: str) -> str:
    if isinstance(value, MoneyParam):
        return _money(value, locale)
    if isinstance(value, PercentParam):
        return format_percent(value.rate, locale=locale, decimal_quantization=False)
    if isinstance(value, NumberParam):
        return format_decimal(value.value, locale=locale, decimal_quantization=False)
    if isinstance(value, CountryParam):
        return i18n.country_name(value.code, language)
    if isinstance(value, DataText):
        return _lookup(value.text, language)
    if isinstance(value, Message):
        return _message(value, language, locale)
    if isinstance(value, Messages):
        return "".join(_message(item, language, locale) for item in value.items)
    return str(value)


def _message(value: Message, language: str, locale: str) -> str:
    template = _lookup(value.template, language) if translatable(value.template) else value.template
    params = {name: _param(p, language, locale) for name, p in value.params.items()}
    try:
        return template.format_map(params)
    except (KeyError, IndexError, ValueError) as exc:  # a translation with a broken placeholder
        raise _Untranslated(value.template) from exc


def localize(value: Message, language: str | None = None) -> LocalText:
    """``value`` in ``language`` (default: the page's), or in English when a piece of it has no
    translation."""
    code = (language or i18n.active_language()).lower()
    if code not in CATALOG_LANGUAGES:
        return LocalText(str(value), True)
    try:
        return LocalText(_message(value, code, i18n.babel_locale(code)), True)
    except _Untranslated:
        return LocalText(str(value), False)


def localize_all(values: Iterable[Message], language: str | None = None) -> list[LocalText]:
    return [localize(value, language) for value in values]


def explanation_lines(landed: Mapping[str, Any], language: str | None = None) -> list[LocalText]:
    """The landed-cost response's explanation in the page's language (``explanation_messages``;
    a response without them gives its English ``explanation``)."""
    found = landed.get("explanation_messages")
    if not found:
        english = (language or i18n.active_language()).lower() not in CATALOG_LANGUAGES
        return [LocalText(str(line), english) for line in landed.get("explanation", [])]
    return localize_all((message_from_json(item) for item in found), language)
