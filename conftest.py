"""Fixtures shared by every test; domain factories live in each `tests/factories.py`."""

from __future__ import annotations

import os

import pytest
from django.test import Client

os.environ.setdefault("EHUB_ENV", "test")

# Fixtures for browser tests (Chromium via Playwright) and for flushing ledger rows on SQLite.
pytest_plugins = ["ehub.web.tests.browser", "ehub.ledger.tests.flush"]


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def seller_staff(db):
    from ehub.sellers.tests.factories import SellerStaffFactory

    return SellerStaffFactory()


@pytest.fixture
def seller_client(seller_staff) -> Client:
    """A client signed in as the owner of a verified Malaysian seller."""
    client = Client()
    client.force_login(seller_staff)
    return client


@pytest.fixture
def on_postgres(db) -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
