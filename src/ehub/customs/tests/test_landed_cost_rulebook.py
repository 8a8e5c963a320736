"""Rule files: all real files load with sources; a malformed file names file, key and reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ehub.customs.domain import LandedCostInputError
from ehub.customs.rulebook import RULES_DIR, RuleFileError, get_rulebook, load_rulebook

EU_27 = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
OTHERS = {
    "CN", "US", "GB", "CA", "AU", "NZ", "SG", "MY", "JP", "KR", "TH", "ID", "VN", "PH", "IN", "SA",
    "BR", "MX", "CH", "NO",
}  # fmt: skip


def test_all_real_files_load_and_cover_every_destination():
    book = load_rulebook()
    assert set(book.countries()) == EU_27 | OTHERS


def test_every_rate_threshold_and_regime_has_a_source_and_a_start_date():
    book = load_rulebook()
    for destination in book.destinations.values():
        for regime in destination.regimes:
            assert regime.source.startswith("http"), regime.id
            assert isinstance(regime.validity.effective_from, dt.date)
        for param in destination.params.values():
            for version in param.versions:
                assert version.rule.source.startswith("http"), param.name
        for table in destination.tables.values():
            for table_version in table.versions:
                assert set(table_version.sources) == set(table_version.rates)
                assert all(s.startswith("http") for s in table_version.sources.values())
        for restriction in destination.restrictions:
            assert restriction.rule.source.startswith("http")


def test_get_rulebook_is_cached():
    assert get_rulebook() is get_rulebook()


def test_rules_for_a_date_before_all_rules_is_a_clear_error():
    book = load_rulebook()
    with pytest.raises(LandedCostInputError) as caught:
        book.for_destination("FI", dt.date(2020, 1, 1))
    assert caught.value.code == "no_rules_for_date"
    assert "2021-07-01" in caught.value.message


def test_rules_in_force_follow_the_date():
    book = load_rulebook()
    before = book.for_destination("FI", dt.date(2024, 8, 31)).params["vat_standard"].value
    after = book.for_destination("FI", dt.date(2024, 9, 1)).params["vat_standard"].value
    assert (str(before), str(after)) == ("0.24", "0.255")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    for name in ("EU.toml", "FI.toml", "GB.toml", "US.toml", "AU.toml"):
        shutil.copy(RULES_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "key", "reason"),
    [
        pytest.param(
            "FI.toml",
            'value = "0.255"',
            "value = 0.255",
            "params.vat_standard.versions[1].value",
            "not a float",
            id="float rate",
        ),
        pytest.param(
            "FI.toml",
            'value = "0.255"',
            'value = "25.5"',
            "params.vat_standard.versions[1].value",
            "looks like a percentage",
            id="percentage",
        ),
        pytest.param(
            "FI.toml",
            'effective_from = "2024-09-01"',
            'effective_from = "2024-09-31"',
            "params.vat_standard.versions[1].effective_from",
            "not a YYYY-MM-DD date",
            id="bad date",
        ),
        pytest.param(
            "FI.toml",
            'effective_to = "2024-08-31", ',
            "",
            "params.vat_standard.versions",
            "versions overlap",
            id="overlap",
        ),
        pytest.param(
            "FI.toml",
            'source = "https://newcraft.dev/vat-rates-eu-countries" },\n]',
            'source = "newcraft" },\n]',
            "params.vat_standard.versions[1].source",
            "http(s) URL",
            id="bad source",
        ),
        pytest.param(
            "GB.toml",
            'collected = "at_checkout"',
            'collected = "later"',
            "regimes[0].collected",
            "must be one of",
            id="bad collected",
        ),
        pytest.param(
            "GB.toml",
            'rate = "vat_standard", base = ["goods"',
            'rate = "vat_std", base = ["goods"',
            "regimes[GB/regime/low-value-at-sale].taxes.rate",
            "unknown parameter 'vat_std'",
            id="unknown parameter",
        ),
        pytest.param(
            "GB.toml",
            'when = [ { value = "goods", at_most',
            'when = [ { value = "weight", at_most',
            "regimes[0].when[0].value",
            "must be one of",
            id="bad basis",
        ),
        pytest.param(
            "GB.toml",
            'country = "GB"',
            'country = "GB"\ncolour = "red"',
            "colour",
            "unknown key",
            id="unknown key",
        ),
        pytest.param(
            "EU.toml",
            'rates = { "620610" = "0.12" }',
            'rates = { "62061" = "0.12" }',
            "tables.mfn.versions[0].rates.62061",
            "2/4/6 digits",
            id="bad hs prefix",
        ),
        pytest.param(
            "US.toml",
            '{ unknown = "the effective IEEPA rate',
            '{ param = "section_122", unknown = "the effective IEEPA rate',
            "regimes[3].extra_duties[1].unknown",
            "cannot be combined with param, table or label",
            id="extra duty both a rate and a stated unknown",
        ),
        pytest.param(
            "US.toml",
            'origin_in = ["CN", "HK"], effective_from = "2025-02-04", ',
            'origin_in = ["CN", "HK"], ',
            "regimes[5].extra_duties[5].effective_from",
            "required with effective_to",
            id="dated extra duty without its start",
        ),
        pytest.param(
            "AU.toml",
            'when = [ { value = "customs_value", below = "ipc_high_value" } ]',
            'when = [ { origin_any_in = ["CN"] } ]',
            "regimes[1].fees[0].when",
            "value tests only",
            id="fee with a non-value test",
        ),
        pytest.param(
            "GB.toml",
            'id = "GB/regime/low-value-b2b"',
            'id = "GB/regime/low-value-at-sale"',
            "regimes[GB/regime/low-value-at-sale]",
            "used by two records valid on",
            id="one regime id for two rules in force together",
        ),
        pytest.param(
            "GB.toml",
            "[rounding]",
            "[rounding\n",
            "(syntax)",
            "",
            id="toml syntax",
        ),
    ],
)
def test_malformed_file_names_file_key_and_reason(
    rules_copy: Path, file: str, old: str, new: str, key: str, reason: str
) -> None:
    _edit(rules_copy / file, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    error = caught.value
    assert error.file == file
    assert error.key == key
    assert reason in error.reason
    assert str(error).startswith(f"{file}: {key}: ")


def test_file_name_must_match_country(rules_copy: Path) -> None:
    (rules_copy / "GB.toml").rename(rules_copy / "UK.toml")
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    assert caught.value.file == "UK.toml"
    assert "GB must live in GB.toml" in caught.value.reason
