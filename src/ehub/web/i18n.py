"""Language and place names for the web pages, per the active language (Babel, pycountry)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry
from babel import Locale
from django.conf import settings
from django.utils import translation

from ehub.core.i18n import best_language

# The languages the web pages are translated into (Django codes) and their Babel locales.
UI_LANGUAGES = [code for code, _ in settings.LANGUAGES]
BABEL_LOCALE = {"en": "en", "zh-hans": "zh_Hans_CN", "ms": "ms_MY"}
# pycountry's gettext catalogs for subdivision names.
PYCOUNTRY_LANGUAGE = {"zh-hans": "zh_CN", "ms": "ms"}


def active_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).lower()


def babel_locale(language: str | None = None) -> str:
    return BABEL_LOCALE.get((language or active_language()).lower(), "en")


def ui_languages_for(market_languages: list[str]) -> list[str]:
    """The page languages a market offers: its languages the pages are translated into, in the
    market's order, English always last if not already there."""
    offered = []
    for code in market_languages:
        match = best_language([code], UI_LANGUAGES)
        if match and match not in offered:
            offered.append(match)
    if "en" not in offered:
        offered.append("en")
    return offered


def language_name(code: str) -> str:
    """A language's own name (简体中文, Bahasa Melayu, English)."""
    return dict(settings.LANGUAGES).get(code.lower(), code)


@cache
def _country_names(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def country_name(code: str, language: str | None = None) -> str:
    names = _country_names(babel_locale(language))
    return names.get(code.upper()) or code.upper()


@cache
def _subdivision_catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-2",
        pycountry.LOCALES_DIR,
        languages=[PYCOUNTRY_LANGUAGE.get(language, language)],
        fallback=True,
    )


def region_name(code: str, language: str | None = None) -> str:
    """``US-MI`` → Michigan / 密歇根州; unknown codes as given."""
    subdivision = pycountry.subdivisions.get(code=code.upper())
    if subdivision is None:
        return code
    return _subdivision_catalog((language or active_language()).lower()).gettext(subdivision.name)


def content_language(language: str | None = None) -> str:
    """The catalog's spelling of a page language (``zh-hans`` → ``zh-Hans``)."""
    code = (language or active_language()).lower()
    return {"zh-hans": "zh-Hans"}.get(code, code)
