"""Every user-facing string of the web pages is translated into Simplified Chinese and Malay:
the messages extracted from the templates and the web app's Python must all have a (non-fuzzy)
translation in src/ehub/locale/<lang>/LC_MESSAGES/django.po, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from ehub.web.catalogs import CATALOG_LANGUAGES, load_catalog, messages, untranslated

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_the_templates_have_messages_to_translate():
    found = {m.msgid for m in messages()}
    assert "Featured sellers" in found
    assert "What buyers pay" in found
    assert "Inbound scan" in found


@pytest.mark.parametrize("language", sorted(CATALOG_LANGUAGES))
def test_every_page_string_is_translated(language):
    assert untranslated(language) == [], "run `ehub i18n extract` and translate"


@pytest.mark.parametrize("language", sorted(CATALOG_LANGUAGES))
def test_translations_keep_every_placeholder(language):
    broken = []
    for message in load_catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if text and set(PLACEHOLDER.findall(text)) - wanted - set(PLACEHOLDER.findall(ids[0])):
                broken.append((ids[0], text))
            if text and not set(PLACEHOLDER.findall(ids[0])) <= set(PLACEHOLDER.findall(text)) | {
                "n"
            }:
                broken.append((ids[0], text))
    assert broken == []


def test_the_pages_render_in_chinese_and_malay(client, db):
    from ehub.markets.tests.factories import MarketFactory

    MarketFactory(country="MY", currency="MYR", languages=["ms", "en", "zh-Hans"])
    chinese = client.get("/my/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    malay = client.get("/my/", HTTP_ACCEPT_LANGUAGE="ms").content.decode()
    assert "搜索商品" in chinese or "搜索" in chinese
    assert 'lang="zh-hans"' in chinese
    assert 'lang="ms"' in malay
    english_footer = "buy from small businesses across borders"
    assert english_footer in client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english_footer not in malay
    assert english_footer not in chinese


BRACE_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("language", sorted(CATALOG_LANGUAGES))
def test_message_templates_keep_their_named_placeholders(language):
    """Domain message templates (``{name}``, ehub.core.messages) keep exactly their placeholders."""
    broken = []
    for message in load_catalog(language):
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        wanted = sorted(set(BRACE_PLACEHOLDER.findall(message.id)))
        if wanted and sorted(set(BRACE_PLACEHOLDER.findall(message.string))) != wanted:
            broken.append((message.id, message.string))
    assert broken == []
