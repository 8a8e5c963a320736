"""Pure search rules: how text becomes index tokens and a query becomes match expressions.

No ORM here. Both database backends index the **same tokens**, made in Python:

- Latin-script text (English, Malay, ...) is NFKD-folded (accents removed: ``Mānuka`` → ``manuka``),
  case-folded, split on anything that is not a letter or digit, and lightly de-pluralised
  (``blueberries`` → ``blueberry``, ``tarts`` → ``tart``) the same way at index and query time.
- A run of CJK characters gives two kinds of token: the words jieba's ``cut_for_search`` finds
  (``手工小批量蓝莓果酱`` → 手工 批量 小批量 蓝莓 果酱) and every character on its own, in order
  (手 工 小 批 量 蓝 莓 果 酱). A Chinese query word matches either as a jieba word or as the
  *phrase* of its characters, which is an exact substring match on an inverted index — so 2-, 3-
  and 4-character queries match even where jieba cut the title differently than the query.

The SQLite backend feeds the tokens, space-separated, to an FTS5 ``unicode61`` column; the
PostgreSQL backend writes them as a ``tsvector`` literal (lexemes and positions given, no parser
involved) and matches a ``tsquery`` literal. See docs/search.md and ADR 0014.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from pathlib import Path

# Han (with extensions A and compatibility), kana and Hangul: scripts written without spaces.
CJK_RUN = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
)
LATIN_WORD = re.compile(r"[^\W_]+")
MAX_TOKEN_LENGTH = 60  # longer "words" are noise (hashes, URLs squashed by folding)
MAX_TOKENS_PER_FIELD = 4000  # a tsvector holds positions up to 16383; descriptions stay well under
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12

# Dropped from queries (never from the index) so "blueberry and maple jam" finds "Blueberry &
# Maple Jam". Only when something else remains: a query of just "the" still searches for "the".
QUERY_STOPWORDS = frozenset(
    {
        # English
        "a", "an", "and", "the", "of", "with", "for", "in", "on", "or", "to",
        # Malay
        "dan", "yang", "untuk", "dengan", "di", "ke", "atau",
        # Chinese particles
        "的", "和", "与", "及",
    }
)  # fmt: skip
IRREGULAR_PLURALS = {
    "knives": "knife",
    "leaves": "leaf",
    "loaves": "loaf",
    "shelves": "shelf",
    "halves": "half",
    "teeth": "tooth",
    "men": "man",
    "women": "woman",
}


class SearchSort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    NEWEST = "newest"


# -- jieba, once per process ------------------------------------------------------------------
_jieba_lock = threading.Lock()
_jieba_ready = False


def jieba_setup(cache_dir: Path) -> None:
    """Point jieba's dictionary cache at ``cache_dir``, silence its logging, load the dictionary.

    The dictionary ships inside the jieba wheel; the cache is a pickled prefix dictionary jieba
    writes on first use (about 0.5 s to build, 0.1 s to load afterwards)."""
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if _jieba_ready:
            return
        import jieba

        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(cache_dir)
        jieba.initialize()
        _jieba_ready = True


def _jieba_default_dir() -> Path:
    import os
    import tempfile

    configured = os.environ.get("EHUB_SEARCH_CACHE_DIR")
    if configured:
        return Path(configured)
    try:
        from django.conf import settings

        return Path(settings.VAR_DIR) / "cache" / "jieba"
    except Exception:  # settings not configured: a per-user temporary folder
        return Path(tempfile.gettempdir()) / f"ehub-jieba-{os.getuid()}"


def _jieba():  # type: ignore[no-untyped-def]
    if not _jieba_ready:
        jieba_setup(_jieba_default_dir())
    import jieba

    return jieba


# -- folding -----------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Compatibility-normalise, drop accents and case: ``Ｍānuka Ⅱ`` → ``manuka ii``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def singular(word: str) -> str:
    """A light, language-blind de-pluraliser for Latin-script words, applied to the index and to
    queries alike (so it only has to be consistent, not correct)."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes", "xes", "zes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("s"):
        return word[:-1]
    return word


def is_cjk(token: str) -> bool:
    return bool(CJK_RUN.fullmatch(token))


def _latin_tokens(text: str) -> Iterator[str]:
    for word in LATIN_WORD.findall(fold(text)):
        if len(word) <= MAX_TOKEN_LENGTH:
            yield singular(word)


def _split_scripts(text: str) -> Iterator[tuple[bool, str]]:
    """``"Ipoh 白咖啡 3-in-1"`` → (False, "Ipoh "), (True, "白咖啡"), (False, " 3-in-1")."""
    position = 0
    for match in CJK_RUN.finditer(text):
        if match.start() > position:
            yield False, text[position : match.start()]
        yield True, match.group()
        position = match.end()
    if position < len(text):
        yield False, text[position:]


@dataclass(frozen=True)
class FieldTokens:
    """A field's index tokens, in order: words (Latin words, jieba words) then CJK characters."""

    words: tuple[str, ...]
    characters: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return (self.words + self.characters)[:MAX_TOKENS_PER_FIELD]

    def text(self) -> str:
        """Space-separated, for an FTS5 unicode61 column."""
        return " ".join(self.all)


def document_tokens(text: str) -> FieldTokens:
    """Index tokens for one field (a title or a description) in any language."""
    text = unicodedata.normalize("NFKC", text or "")
    words: list[str] = []
    characters: list[str] = []
    for cjk, chunk in _split_scripts(text):
        if not cjk:
            words.extend(_latin_tokens(chunk))
            continue
        characters.extend(chunk)
        for word in _jieba().cut_for_search(chunk):
            if len(word) >= 2 and is_cjk(word):
                words.append(word)
    return FieldTokens(tuple(words), tuple(characters))


def vocabulary(fields: Iterable[FieldTokens]) -> set[str]:
    """Words worth suggesting: Latin words of 2+ letters (not bare numbers) and jieba words."""
    terms: set[str] = set()
    for field in fields:
        for word in field.words:
            if len(word) >= 2 and not word.isdigit():
                terms.add(word)
    return terms


# -- queries -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueryTerm:
    text: str  # a folded Latin word, or a CJK word / character
    cjk: bool
    prefix: bool = False  # Latin only: the last word typed also matches longer words

    @property
    def characters(self) -> tuple[str, ...]:
        return tuple(self.text) if self.cjk else ()


class QueryTooLong(ValueError):
    pass


def query_terms(text: str) -> tuple[QueryTerm, ...]:
    """Split a buyer's query into terms that must all match (AND).

    Chinese is cut with jieba's precise mode (``蓝莓酱`` → 蓝莓, 酱); the last Latin word of three
    or more letters is a prefix (``choc`` finds chocolate) unless the query ends with a space."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryTooLong(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    text = unicodedata.normalize("NFKC", text)
    terms: list[QueryTerm] = []
    for cjk, chunk in _split_scripts(text):
        if cjk:
            for word in _jieba().cut(chunk):
                if is_cjk(word):
                    terms.append(QueryTerm(word, cjk=True))
        else:
            terms.extend(QueryTerm(word, cjk=False) for word in _latin_tokens(chunk))
    kept = [t for t in terms if t.text not in QUERY_STOPWORDS] or terms
    unique: list[QueryTerm] = []
    for term in kept:
        if term not in unique:
            unique.append(term)
    unique = unique[:MAX_QUERY_TERMS]
    if (
        unique
        and not unique[-1].cjk
        and len(unique[-1].text) >= 3
        and not text.endswith((" ", "\t"))
        and not unique[-1].text.isdigit()
    ):
        unique[-1] = QueryTerm(unique[-1].text, cjk=False, prefix=True)
    return tuple(unique)


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts5_match(terms: Iterable[QueryTerm]) -> str:
    """An FTS5 MATCH expression: every term must match, in any column."""
    parts: list[str] = []
    for term in terms:
        if term.cjk and len(term.text) >= 2:
            phrase = _fts5_string(" ".join(term.characters))
            parts.append(f"({_fts5_string(term.text)} OR {phrase})")
        elif term.prefix:
            parts.append(f"{_fts5_string(term.text)}*")
        else:
            parts.append(_fts5_string(term.text))
    return " AND ".join(parts)


def _tsquery_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_text(terms: Iterable[QueryTerm]) -> str:
    """A PostgreSQL ``tsquery`` literal (cast with ``::tsquery``, no parser, no stemming)."""
    parts: list[str] = []
    for term in terms:
        if term.cjk and len(term.text) >= 2:
            phrase = " <-> ".join(_tsquery_lexeme(c) for c in term.characters)
            parts.append(f"({_tsquery_lexeme(term.text)} | {phrase})")
        elif term.prefix:
            parts.append(f"{_tsquery_lexeme(term.text)}:*")
        else:
            parts.append(_tsquery_lexeme(term.text))
    return " & ".join(parts)


def tsvector_text(title: FieldTokens, body: FieldTokens) -> str:
    """A PostgreSQL ``tsvector`` literal: title tokens weighted A, description tokens D,
    positions in token order (descriptions after titles), so character phrases match."""
    entries: list[str] = []
    position = 0
    for weight, tokens in (("A", title.all), ("", body.all)):
        for token in tokens:
            position = min(position + 1, 16383)
            entries.append(f"{_tsquery_lexeme(token)}:{position}{weight}")
    return " ".join(entries)


# -- prices in the buyer's currency -------------------------------------------------------------
@dataclass(frozen=True)
class MinorBounds:
    """Inclusive bounds on a price in one seller currency's minor units (None: unbounded)."""

    low: int | None
    high: int | None

    def empty(self) -> bool:
        return self.low is not None and self.high is not None and self.low > self.high


def seller_currency_bounds(
    *,
    low: Decimal | None,
    high: Decimal | None,
    rate: Decimal,
    seller_exponent: int,
    market_exponent: int,
) -> MinorBounds:
    """Market-currency bounds (major units) → the seller-currency minor-unit prices whose
    converted, half-up rounded market price lies within them.

    A seller price ``p`` (minor units) shows as ``round_half_up(p · 10^-e_s · rate, e_m)``. That
    is ≥ ``low`` exactly when ``p · 10^-e_s · rate ≥ low − ½·10^-e_m`` and ≤ ``high`` exactly when
    it is ``< high + ½·10^-e_m``; solving for the integer ``p`` gives the bounds below."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    half = Decimal(5).scaleb(-market_exponent - 1)
    scale = Decimal(1).scaleb(seller_exponent)
    quantum = Decimal(1).scaleb(-market_exponent)

    def shown(minor: int) -> Decimal:  # exactly what the hit will display (Money.quantize)
        return (Decimal(minor).scaleb(-seller_exponent) * rate).quantize(
            quantum, rounding=ROUND_HALF_UP
        )

    # A displayed price sits on the market's quantum: RM 10.001 as a floor means RM 10.01.
    if low is not None:
        low = low.quantize(quantum, rounding=ROUND_CEILING)
    if high is not None:
        high = high.quantize(quantum, rounding=ROUND_FLOOR)
    low_minor = None
    if low is not None:
        low_minor = max(0, int(((low - half) / rate * scale).to_integral_value(ROUND_CEILING)))
        # Decimal division rounds at 28 digits: settle the last unit against the display rule.
        for _ in range(3):
            if low_minor > 0 and shown(low_minor - 1) >= low:
                low_minor -= 1
            elif shown(low_minor) < low:
                low_minor += 1
    high_minor = None
    if high is not None:
        limit = (high + half) / rate * scale  # p must be strictly below this
        high_minor = int(limit.to_integral_value(ROUND_CEILING)) - 1
        for _ in range(3):
            if high_minor >= 0 and shown(high_minor) > high:
                high_minor -= 1
            elif shown(high_minor + 1) <= high:
                high_minor += 1
    return MinorBounds(low_minor, high_minor)
