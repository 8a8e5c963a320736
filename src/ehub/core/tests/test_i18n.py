from __future__ import annotations

import pytest

from ehub.core.i18n import best_language, parse_accept_language

MALAYSIA = ["ms", "en", "zh-Hans"]


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (["zh-CN"], "zh-Hans"),
        (["zh-SG"], "zh-Hans"),
        (["zh-hans"], "zh-Hans"),
        (["zh_Hans_MY"], "zh-Hans"),
        (["zh-TW"], None),  # Traditional Chinese is not Simplified
        (["en-GB"], "en"),
        (["ms-MY"], "ms"),
        (["fr", "en"], "en"),
        ([None, "", "ms"], "ms"),
        (["not a language!"], None),
    ],
)
def test_best_language_matches_language_and_script(candidates, expected):
    assert best_language(candidates, MALAYSIA) == expected


def test_accept_language_is_ordered_by_quality_then_position():
    header = "fr-CA;q=0.4, zh-CN, en;q=0.8, de;q=0, *;q=0.1, ms;q=x"

    assert parse_accept_language(header) == ["zh-CN", "en", "fr-CA"]


def test_empty_accept_language_gives_nothing():
    assert parse_accept_language("") == []
