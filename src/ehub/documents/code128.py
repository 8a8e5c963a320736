"""Code 128 barcodes (ISO/IEC 15417), code sets B and C, drawn as inline SVG.

Pure functions, no Django. The parcel code ``EHP000004201`` is encoded as Start B ``E H P``, then
Code C for the digit pairs (one odd leading digit stays in B), the modulo-103 check symbol and
the stop pattern. ``decode_modules`` reads a bar pattern back (the tests decode what we draw).

Each symbol is six elements (bar, space, bar, space, bar, space) of 1–4 modules, eleven modules in
all; the stop symbol has a seventh element, the 2-module termination bar.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

# Element widths of symbol values 0..106 (103 = Start A, 104 = Start B, 105 = Start C,
# 106 = Stop with its termination bar), as in the symbology's encodation table.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)  # fmt: skip

START_A, START_B, START_C = 103, 104, 105
CODE_C = 99  # in code set B: switch to C
CODE_B = 100  # in code set C: switch to B
STOP = 106
QUIET_ZONE_MODULES = 10


class Code128Error(ValueError):
    """The text cannot be encoded (or a bar pattern is not a valid Code 128 symbol)."""


def _digits_at(text: str, start: int) -> int:
    """How many ASCII digits run from ``start``."""
    end = start
    while end < len(text) and text[end] in "0123456789":
        end += 1
    return end - start


def symbol_values(text: str) -> list[int]:
    """The symbol values for ``text``: start, data (with code-set switches), check symbol, stop.

    Code set C packs digit pairs; it is used for a run of at least 4 digits at the start or end
    of the text (or the whole text, if it is 2+ digits and even) and at least 6 in the middle.
    Everything else is code set B (printable ASCII 32–126).
    """
    if not text:
        raise Code128Error("nothing to encode")
    for char in text:
        if not 32 <= ord(char) <= 126:
            raise Code128Error(f"{char!r} is not printable ASCII (code set B)")

    def worth_c(position: int) -> bool:
        run = _digits_at(text, position)
        at_edge = position == 0 or position + run == len(text)
        if position == 0 and run == len(text):
            return (run >= 2 and run % 2 == 0) or run >= 4
        return run >= (4 if at_edge else 6)

    values: list[int] = []
    position = 0
    code_set = "C" if worth_c(0) else "B"
    values.append(START_C if code_set == "C" else START_B)
    while position < len(text):
        if code_set == "C":
            if _digits_at(text, position) >= 2:
                values.append(int(text[position : position + 2]))
                position += 2
                continue
            values.append(CODE_B)
            code_set = "B"
        run = _digits_at(text, position)
        if worth_c(position) and run % 2 == 0:
            values.append(CODE_C)
            code_set = "C"
            continue
        values.append(ord(text[position]) - 32)
        position += 1
        # an odd run worth C: its first digit went in B, the even rest goes in C
        if run and run % 2 == 1 and worth_c(position - 1) and _digits_at(text, position) >= 2:
            values.append(CODE_C)
            code_set = "C"
    values.append(checksum(values))
    values.append(STOP)
    return values


def checksum(values: Sequence[int]) -> int:
    """The modulo-103 check symbol of a start symbol followed by data symbols: the start value
    plus each data value times its position (1, 2, ...), modulo 103."""
    return (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103


def modules(values: Sequence[int]) -> str:
    """The symbol as a string of modules, ``1`` a bar module and ``0`` a space module."""
    out = []
    for value in values:
        for index, width in enumerate(PATTERNS[value]):
            out.append(("1" if index % 2 == 0 else "0") * int(width))
    return "".join(out)


def encode(text: str) -> str:
    """``text`` as Code 128 modules (no quiet zones)."""
    return modules(symbol_values(text))


_BY_PATTERN = {pattern: value for value, pattern in enumerate(PATTERNS[:STOP])}


def _widths(bits: str) -> list[int]:
    widths, run = [], 1
    for previous, current in itertools.pairwise(bits):
        if current == previous:
            run += 1
        else:
            widths.append(run)
            run = 1
    widths.append(run)
    return widths


def decode_modules(bits: str) -> str:
    """Read a bar pattern (``1``/``0`` modules, quiet zones allowed) back to its text, checking
    the start, the check symbol and the stop pattern. Code sets B and C (and A for upper-case)."""
    bits = bits.strip("0")
    widths = _widths(bits)
    if len(widths) < 6 * 3 + 1 or (len(widths) - 1) % 6:
        raise Code128Error("not a Code 128 symbol: wrong number of bars and spaces")
    if "".join(map(str, widths[-7:])) != PATTERNS[STOP]:
        raise Code128Error("no stop pattern")
    values = []
    for index in range(0, len(widths) - 7, 6):
        pattern = "".join(map(str, widths[index : index + 6]))
        if pattern not in _BY_PATTERN:
            raise Code128Error(f"unknown symbol {pattern} at element {index}")
        values.append(_BY_PATTERN[pattern])
    if values[0] not in (START_A, START_B, START_C):
        raise Code128Error("no start symbol")
    *data, check = values
    if checksum(data) != check:
        raise Code128Error(f"check symbol {check} does not match {checksum(data)}")
    code_set = {START_A: "A", START_B: "B", START_C: "C"}[data[0]]
    text = []
    for value in data[1:]:
        if code_set == "C":
            if value < 100:
                text.append(f"{value:02d}")
            elif value in (100, 101):
                code_set = "B" if value == 100 else "A"
            else:
                raise Code128Error(f"unsupported function symbol {value}")
        elif value == CODE_C:
            code_set = "C"
        elif (code_set, value) in (("A", 100), ("B", 101)):
            code_set = "B" if code_set == "A" else "A"
        elif value < 96:
            text.append(chr(value + 32) if code_set == "B" or value < 64 else chr(value - 64))
        else:
            raise Code128Error(f"unsupported function symbol {value}")
    return "".join(text)


@dataclass(frozen=True)
class Bar:
    x: int  # in modules, from the left edge including the quiet zone
    width: int


def bars(bits: str) -> list[Bar]:
    """The dark bars of a module string, positioned after the left quiet zone."""
    found: list[Bar] = []
    x = QUIET_ZONE_MODULES
    for width in _widths(bits):
        if bits[x - QUIET_ZONE_MODULES] == "1":
            found.append(Bar(x=x, width=width))
        x += width
    return found


def svg(text: str, *, height_modules: int = 60, title: str | None = None) -> str:
    """``text`` as a standalone SVG barcode (viewBox in modules, quiet zones included); scale it
    with CSS width/height. Bars are ``<rect>`` elements with integer x and width."""
    bits = encode(text)
    total = len(bits) + 2 * QUIET_ZONE_MODULES
    rects = "".join(
        f'<rect x="{bar.x}" y="0" width="{bar.width}" height="{height_modules}"/>'
        for bar in bars(bits)
    )
    label = quoteattr(title or text)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total} {height_modules}" '
        f'preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label={label} '
        f'class="code128"><rect x="0" y="0" width="{total}" height="{height_modules}" '
        f'fill="#fff"/><g fill="#000">{rects}</g></svg>'
    )


def modules_from_svg(markup: str) -> str:
    """The module string drawn by ``svg()`` (for tests: decode what was drawn)."""
    import re

    view = re.search(r'viewBox="0 0 (\d+) \d+"', markup)
    if view is None:
        raise Code128Error("not one of our barcodes")
    cells = ["0"] * int(view.group(1))
    group = markup.split('<g fill="#000">', 1)[-1]
    for x, width in re.findall(r'<rect x="(\d+)" y="0" width="(\d+)"', group):
        for index in range(int(x), int(x) + int(width)):
            cells[index] = "1"
    return "".join(cells)
