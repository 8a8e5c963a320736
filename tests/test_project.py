"""The project's own promises: migrations complete, settings from the environment, the `ehub`
console script from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parents[1]
EHUB = Path(sys.executable).with_name("ehub")


def run_ehub(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment.update(env or {})
    return subprocess.run(  # noqa: S603 - our own console script
        [str(EHUB), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or REPO,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db
def test_no_missing_migrations():
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"missing migrations:\n{output.getvalue()} (exit {exc.code})")


def test_production_refuses_the_development_secret_key(tmp_path):
    result = run_ehub("check", env={"EHUB_ENV": "production", "SECRET_KEY": ""}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("ehub: configuration error: SECRET_KEY must be set")
    assert "Traceback" not in result.stderr


def test_production_accepts_a_real_secret_key(tmp_path):
    result = run_ehub(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        env={
            "EHUB_ENV": "production",
            "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-value-0123456789",
            "ALLOWED_HOSTS": "shop.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr


def test_unknown_environment_name_is_refused(tmp_path):
    result = run_ehub("check", env={"EHUB_ENV": "staging"}, cwd=tmp_path)

    assert result.returncode == 2
    assert "EHUB_ENV must be development, test or production" in result.stderr


def test_ehub_script_uses_the_same_database_from_any_directory(tmp_path):
    database = tmp_path / "ehub.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{database}"}

    migrated = run_ehub("migrate", "--no-input", env=env, cwd=tmp_path)
    elsewhere = run_ehub("showmigrations", "markets", env=env, cwd=Path("/"))

    assert migrated.returncode == 0, migrated.stderr
    assert "[X] 0001_initial" in elsewhere.stdout


def test_default_database_lives_under_var_in_the_checkout():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ehub.settings'; "
            "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        ],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EHUB_HOME")},
        cwd="/",
        check=True,
    )

    assert result.stdout.strip() == str(REPO / "var" / "ehub.sqlite3")


def test_sqlite_connections_use_wal_mode(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}"}
    result = run_ehub(
        "shell", "-c",
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        env=env,
    )  # fmt: skip

    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


def test_bad_numeric_setting_is_a_readable_error(tmp_path):
    result = run_ehub("check", env={"EHUB_FX_MAX_AGE_DAYS": "a week"}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "ehub: configuration error: EHUB_FX_MAX_AGE_DAYS must be a whole number, not 'a week'"
    )


def test_bad_database_url_is_a_readable_error(tmp_path):
    result = run_ehub("check", env={"DATABASE_URL": "mysqlx://nowhere"}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("ehub: configuration error: DATABASE_URL 'mysqlx://nowhere'")
    assert "Traceback" not in result.stderr


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_redis_url_switches_the_cache_to_redis(tmp_path):
    result = run_ehub(
        "shell", "-c",
        "from django.core.cache import caches; import uuid; k = 'ehub-test-' + uuid.uuid4().hex; "
        "c = caches['default']; c.set(k, 'kept', 30); print(type(c).__name__, c.get(k)); "
        "c.delete(k)",
        env={"REDIS_URL": "redis://127.0.0.1:6379/15"},
        cwd=tmp_path,
    )  # fmt: skip

    assert result.stdout.strip().splitlines()[-1] == "RedisCache kept", result.stderr


def test_a_malformed_rule_file_stops_start_up_naming_file_key_and_reason(tmp_path):
    import shutil

    import ehub.customs

    rules = tmp_path / "rules"
    shutil.copytree(Path(ehub.customs.__file__).parent / "rules", rules)
    finland = rules / "FI.toml"
    finland.write_text(finland.read_text(encoding="utf-8").replace("0.255", "25.5"), "utf-8")

    result = run_ehub("check", env={"EHUB_CUSTOMS_RULES_DIR": str(rules)}, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.startswith("ehub: configuration error: trade rule file FI.toml: params.")
    assert "looks like a percentage" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_commission_rate_outside_zero_to_one_is_refused(tmp_path):
    result = run_ehub("check", env={"EHUB_DEFAULT_COMMISSION_RATE": "5"}, cwd=tmp_path)

    assert result.returncode == 2
    assert "EHUB_DEFAULT_COMMISSION_RATE must be a fraction between 0 and 1" in result.stderr


def test_the_default_commission_rate_comes_from_settings(db, settings):
    from decimal import Decimal

    from ehub.ledger.selectors import commission_rate_for

    settings.EHUB_DEFAULT_COMMISSION_RATE = "0.07"

    assert commission_rate_for(seller_id=999, category_id=None) == Decimal("0.07")
