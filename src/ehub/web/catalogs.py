"""Translation catalogs without GNU gettext: messages are extracted from the templates (Django's
own ``templatize``, as ``makemessages`` does) and from Python modules with Babel, merged into
``src/ehub/locale/<lang>/LC_MESSAGES/django.po``, and compiled to ``.mo`` with Babel.

``ehub i18n extract`` updates the catalogs; ``ehub i18n compile`` writes the ``.mo`` files (run by
``make install``); ``ehub i18n check`` (and tests/test_web_i18n.py) fails on any message without
a translation.
"""

from __future__ import annotations

import io
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/ehub
LOCALE_DIR = PACKAGE_DIR / "locale"
# The page languages besides English, as Django names their catalog folders.
CATALOG_LANGUAGES = {"zh-hans": "zh_Hans", "ms": "ms"}
# Where user-facing strings live: the web app's templates and Python (views, forms).
TEMPLATE_DIRS = [PACKAGE_DIR / "web" / "templates"]
PYTHON_DIRS = [PACKAGE_DIR / "web"]
# Domain modules whose sentences reach the pages as ``ehub.core.messages.message(...)`` values
# (templates with ``{name}`` placeholders): the landed-cost explanation, the reasons a product
# cannot be sold.
MESSAGE_MODULES = [
    PACKAGE_DIR / "customs" / "domain.py",
    PACKAGE_DIR / "checkout" / "pricing.py",
    PACKAGE_DIR / "checkout" / "domain.py",
]
# The rule files' user-facing texts (shown in the explanation and as refusal reasons).
RULE_FILES_DIR = PACKAGE_DIR / "customs" / "rules"
KEYWORDS = {
    "gettext": None,
    "gettext_lazy": None,
    "_": None,
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
}


@dataclass(frozen=True)
class Message:
    msgid: str | tuple[str, str]
    context: str | None
    location: tuple[str, int]


def _extract(
    source: str, filename: str, keywords: Iterable[str] = KEYWORDS.keys()
) -> Iterator[Message]:
    for lineno, funcname, messages, _comments in extract_python(
        io.BytesIO(source.encode("utf-8")), list(keywords), [], {"encoding": "utf-8"}
    ):
        spec = KEYWORDS.get(funcname)
        context = None
        if funcname.startswith("pgettext"):
            context, text = messages[0], messages[1]
            yield Message(text, context, (filename, lineno))
        elif isinstance(messages, tuple) and spec == (1, 2) and all(messages[:2]):
            yield Message((messages[0], messages[1]), None, (filename, lineno))
        else:
            text = messages if isinstance(messages, str) else (messages or (None,))[0]
            if text and (funcname != "message" or translatable(text)):
                yield Message(text, context, (filename, lineno))


ONLY_PLACEHOLDER = re.compile(r"\{\w+\}")


def translatable(template: str) -> bool:
    """Whether a message template has anything to translate: not a bare placeholder such as
    ``"{note}"`` (punctuation counts: ``"{regime}."`` ends with a full stop, ``。`` in Chinese)."""
    return ONLY_PLACEHOLDER.fullmatch(template) is None


def rule_file_texts(path: Path) -> Iterator[str]:
    """The user-facing texts of one rule file: notes, regime names, notes and refusals,
    surcharge labels, fee names, restriction reasons (docs/landed-cost.md §3)."""
    data = tomllib.loads(path.read_text("utf-8"))
    yield from data.get("notes", [])
    for regime in data.get("regimes", []):
        yield regime["name"]
        yield from regime.get("notes", [])
        if regime.get("refuse"):
            yield regime["refuse"]
        for extra in regime.get("extra_duties", []):
            if "label" in extra:  # a stated unknown has a reason for the API, not a label
                yield extra["label"]
        for fee in regime.get("fees", []):
            yield fee["name"]
    for restriction in data.get("restricted", []):
        yield restriction["reason"]


def _rule_file_messages(path: Path) -> Iterator[Message]:
    name = str(path.relative_to(PACKAGE_DIR))
    lines = path.read_text("utf-8").splitlines()
    for text in rule_file_texts(path):
        if not text:
            continue
        lineno = next((i for i, line in enumerate(lines, 1) if text in line), 1)
        yield Message(text, None, (name, lineno))


def messages() -> list[Message]:
    """Every translatable message in the templates, Python sources and rule files, in file order."""
    found: list[Message] = []
    for root in TEMPLATE_DIRS:
        for path in sorted(root.rglob("*.html")):
            name = str(path.relative_to(PACKAGE_DIR))
            found += _extract(templatize(path.read_text("utf-8"), origin=name), name)
    for root in PYTHON_DIRS:
        for path in sorted(root.rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            name = str(path.relative_to(PACKAGE_DIR))
            found += _extract(path.read_text("utf-8"), name)
    for path in MESSAGE_MODULES:
        name = str(path.relative_to(PACKAGE_DIR))
        found += _extract(path.read_text("utf-8"), name, ["message"])
    for path in sorted(RULE_FILES_DIR.glob("*.toml")):
        found += _rule_file_messages(path)
    return found


def po_path(language: str) -> Path:
    return LOCALE_DIR / CATALOG_LANGUAGES[language] / "LC_MESSAGES" / "django.po"


def load_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=CATALOG_LANGUAGES[language], domain="django")
    with path.open("rb") as handle:
        return read_po(handle, locale=CATALOG_LANGUAGES[language], domain="django")


def extract() -> dict[str, tuple[int, int]]:
    """Merge the current messages into every catalog, keeping translations; messages no longer
    used are dropped. Returns {language: (messages, untranslated)}."""
    found = messages()
    summary = {}
    for language in CATALOG_LANGUAGES:
        old = load_catalog(language)
        new = Catalog(
            locale=CATALOG_LANGUAGES[language],
            domain="django",
            project="ehub",
            version="1",
            copyright_holder="the ehub contributors",
            creation_date=old.creation_date,
            revision_date=old.revision_date,
            fuzzy=False,
        )
        for message in found:
            new.add(message.msgid, locations=[message.location], context=message.context)
        for message in new:
            if not message.id:
                continue
            previous = old.get(message.id, context=message.context)
            if previous is not None and previous.string:
                message.string = previous.string
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, new, width=100, sort_output=False, omit_header=False)
        summary[language] = (len(new) - 1 if "" in new else len(new), len(untranslated(language)))
    return summary


def untranslated(language: str) -> list[str]:
    """Messages used in the sources that the catalog does not translate (or marks fuzzy)."""
    catalog = load_catalog(language)
    missing = []
    seen: set[tuple[object, str | None]] = set()
    for message in messages():
        if (message.msgid, message.context) in seen:
            continue
        seen.add((message.msgid, message.context))
        entry = catalog.get(message.msgid, context=message.context)
        strings = entry.string if entry is not None else None
        ok = all(strings) if isinstance(strings, tuple) else bool(strings)
        if entry is None or not ok or entry.fuzzy:
            text = message.msgid if isinstance(message.msgid, str) else message.msgid[0]
            missing.append(f"{message.location[0]}:{message.location[1]}: {text}")
    return missing


def compile_all() -> list[Path]:
    """Write every catalog's ``.mo`` next to its ``.po``."""
    written = []
    for language in CATALOG_LANGUAGES:
        path = po_path(language)
        if not path.exists():
            continue
        catalog = load_catalog(language)
        target = path.with_suffix(".mo")
        with target.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(target)
    return written


def languages_configured() -> bool:
    return {code for code, _ in settings.LANGUAGES} >= set(CATALOG_LANGUAGES)
