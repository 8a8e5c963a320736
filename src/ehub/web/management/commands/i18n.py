"""``ehub i18n extract|compile|check``: the page translations (ehub.web.catalogs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ehub.web.catalogs import CATALOG_LANGUAGES, compile_all, extract, untranslated


class Command(BaseCommand):
    help = "Update the translation catalogs from the sources, compile them, or check them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "extract":
            for language, (total, missing) in extract().items():
                self.stdout.write(f"{language}: {total} messages, {missing} untranslated")
        elif options["action"] == "compile":
            for path in compile_all():
                self.stdout.write(f"compiled {path}")
        else:
            problems = {lang: untranslated(lang) for lang in CATALOG_LANGUAGES}
            for language, missing in problems.items():
                for line in missing:
                    self.stderr.write(f"{language}: untranslated: {line}")
            if any(problems.values()):
                raise CommandError("some page strings have no translation (ehub i18n extract)")
            self.stdout.write("every page string is translated")
