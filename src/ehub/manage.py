"""The ``ehub`` console script: Django's management entry point with ehub's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ehub.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        # A configuration mistake is the operator's to fix: say what, without a traceback.
        sys.stderr.write(f"ehub: configuration error: {exc}\n")
        raise SystemExit(2) from None
    from django.db import DatabaseError

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except DatabaseError as exc:
        # Most often a new database that was never migrated: say so, without a traceback.
        sys.stderr.write(
            f"ehub: database error: {exc}\n"
            "If this database is new, create its tables first:"
            " `ehub migrate` (or `make migrate`).\n"
        )
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
