"""Fail fast, with one clear line, when the PostgreSQL server in EHUB_TEST_POSTGRES_URL is not
reachable. Connects to the server's maintenance database: the test run creates its own
``test_<name>`` database, so ``<name>`` itself need not exist."""

from __future__ import annotations

import os
import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict


def main() -> int:
    url = os.environ.get("EHUB_TEST_POSTGRES_URL", "")
    if not url:
        print("EHUB_TEST_POSTGRES_URL is not set", file=sys.stderr)
        return 1
    try:
        params = conninfo_to_dict(url)
        params["dbname"] = "postgres"
        psycopg.connect(**params, connect_timeout=5).close()
    except (psycopg.Error, ValueError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"make test: cannot connect to PostgreSQL at {url}: {first_line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
