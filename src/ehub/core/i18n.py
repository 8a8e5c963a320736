"""Choosing a language: a visitor's preferences against the languages a market offers.

Browsers send region tags (``zh-CN``, ``en-GB``) while markets offer script tags (``zh-Hans``);
both are expanded with CLDR's likely subtags (zh-CN → zh-Hans-CN, zh-TW → zh-Hant-TW, en → en-Latn)
and compared on language + script, so zh-CN matches zh-Hans and never zh-Hant.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from babel.core import Locale, UnknownLocaleError, get_global


@cache
def language_script(tag: str) -> tuple[str, str] | None:
    """``"zh-CN"`` → ``("zh", "Hans")``; ``"en"`` → ``("en", "Latn")``; None if not a language."""
    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if locale.script:
        return locale.language, locale.script
    likely = get_global("likely_subtags")
    for key in (f"{locale.language}_{locale.territory}", locale.language):
        expanded = likely.get(key)
        if expanded:
            parts = expanded.split("_")
            if len(parts) >= 2 and len(parts[1]) == 4:
                return locale.language, parts[1]
    return locale.language, ""


def parse_accept_language(header: str) -> list[str]:
    """Language tags from an Accept-Language header, best first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def best_language(candidates: Iterable[str | None], offered: list[str]) -> str | None:
    """The first offered language (as the market spells it) matching a candidate, in order."""
    offered_keys = [(language_script(code), code) for code in offered]
    for candidate in candidates:
        if not candidate:
            continue
        wanted = language_script(candidate)
        if wanted is None:
            continue
        for key, code in offered_keys:
            if key == wanted:
                return code
    return None
