"""Code 128: the symbol table, check symbols and bar patterns against published encodings, and
round trips through our own decoder (text → bars → text, and the SVG we draw → text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehub.documents import code128
from ehub.documents.code128 import Code128Error


def bits_of(value: int) -> str:
    return code128.modules([value])


# -- published encodings -------------------------------------------------------------------------
def test_the_worked_example_hi345678_bit_for_bit():
    # barcodeisland.com / crifan.com "Code 128 Symbology": Start A, H, I, Code C, 34, 56, 78,
    # check symbol 67, stop and termination bar, each given as its module string.
    values = [103, 40, 41, 99, 34, 56, 78]

    assert code128.checksum(values) == 67
    assert code128.modules([*values, 67, 106]) == (
        "11010000100"  # Start A
        "11000101000"  # H
        "11000100010"  # I
        "10111011110"  # Code C
        "10001011000"  # 34
        "11100010110"  # 56
        "11000010100"  # 78
        "10000101100"  # check 67
        "1100011101011"  # stop + termination bar
    )


def test_the_wikipedia_check_digit_example_pjj123c():
    # Wikipedia "Code 128", check digit calculation: Start A + PJJ123C, sum 878, remainder 54.
    assert code128.checksum([103, 48, 42, 42, 17, 18, 19, 35]) == 54


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # barcoderesource.com "Calculation of Code128 Check Character": abcdef in B → 97,
        # 345678 in C → 73.
        ("abcdef", [104, 65, 66, 67, 68, 69, 70, 97, 106]),
        ("345678", [105, 34, 56, 78, 73, 106]),
    ],
)
def test_published_check_characters(text, values):
    assert code128.symbol_values(text) == values


def test_the_three_start_symbols_and_a_data_character_match_the_specification():
    assert bits_of(103) == "11010000100"
    assert bits_of(104) == "11010010000"
    assert bits_of(105) == "11010011100"
    assert bits_of(16) == "10011101100"  # "0" in code set B (Wikipedia's example)


def test_every_symbol_is_three_bars_and_three_spaces_of_eleven_modules_and_unique():
    assert len(code128.PATTERNS) == 107
    for pattern in code128.PATTERNS[:106]:
        widths = [int(w) for w in pattern]
        assert len(widths) == 6
        assert sum(widths) == 11
        assert all(1 <= w <= 4 for w in widths)
        assert sum(widths[0::2]) % 2 == 0  # bar modules even: the symbology's parity rule
    assert len(set(code128.PATTERNS)) == 107
    assert sum(int(w) for w in code128.PATTERNS[106]) == 13


# -- our parcel codes ----------------------------------------------------------------------------
def test_a_parcel_code_is_letters_in_b_then_digit_pairs_in_c():
    values = code128.symbol_values("EHP000004201")

    # Start B, E H P, the odd ninth digit "0" in B, Code C, 00 00 42 01, check, stop
    assert values[:-2] == [104, 37, 40, 48, 16, 99, 0, 0, 42, 1]
    assert values[-2] == code128.checksum(values[:-2])
    assert values[-1] == 106
    assert code128.decode_modules(code128.encode("EHP000004201")) == "EHP000004201"


def test_the_svg_we_draw_decodes_back_to_the_parcel_code():
    markup = code128.svg("EHP000004201")

    bits = code128.modules_from_svg(markup)

    assert bits.startswith("0" * code128.QUIET_ZONE_MODULES)
    assert bits.endswith("0" * code128.QUIET_ZONE_MODULES)
    assert code128.decode_modules(bits) == "EHP000004201"
    assert 'aria-label="EHP000004201"' in markup
    assert "http" not in markup.replace("http://www.w3.org/2000/svg", "")


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1))
def test_any_printable_ascii_round_trips(text):
    assert code128.decode_modules(code128.encode(text)) == text


@given(st.from_regex(r"[A-Z]{0,3}[0-9]{1,14}[A-Z]{0,2}", fullmatch=True))
def test_digit_runs_round_trip_and_c_is_never_longer_than_b(text):
    values = code128.symbol_values(text)

    assert code128.decode_modules(code128.modules(values)) == text
    assert len(values) <= len(text) + 3  # start, check, stop: C only ever saves symbols


# -- refusals ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "张伟", "tab\there", "é"])
def test_text_outside_code_set_b_is_refused(text):
    with pytest.raises(Code128Error):
        code128.encode(text)


def test_a_wrong_check_symbol_is_detected():
    values = code128.symbol_values("EHP000004201")
    values[-2] = (values[-2] + 1) % 103

    with pytest.raises(Code128Error, match="check symbol"):
        code128.decode_modules(code128.modules(values))


def test_a_damaged_bar_is_detected():
    bits = code128.encode("EHP000004201")
    damaged = bits[:30] + ("0" if bits[30] == "1" else "1") + bits[31:]

    with pytest.raises(Code128Error):
        code128.decode_modules(damaged)
