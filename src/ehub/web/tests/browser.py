"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium; never `playwright
install`), against pytest-django's live server. Screenshots of each key page go to
``test-output/screenshots/<test name>/``.

Playwright's sync API runs an event loop in the test's thread, so Django's async-safety check
is relaxed for these tests (the ORM is only used to seed data and to assert, between steps).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("EHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
OUTPUT = Path(__file__).resolve().parents[4] / "test-output" / "screenshots"


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail(
            f"browser tests need Debian's Chromium at {CHROMIUM} (make system-deps installs "
            "chromium; or set EHUB_CHROMIUM)",
            pytrace=False,
        )


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Chromium for one test. Playwright's sync API runs an event loop in this thread while it
    lives, and Django refuses ORM calls from a thread with a running loop; so the browser lives
    only as long as the test (stopped before the database is flushed), and the test's own ORM
    calls are allowed by ``browser_page``."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Shots:
    """Numbered screenshots for one test."""

    def __init__(self, name: str) -> None:
        self.folder = OUTPUT / re.sub(r"[^\w.-]+", "_", name)
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        self.count = 0

    def __call__(self, page: Any, label: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def browser_page(chromium: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose pages resolve relative URLs on the live
    server; Chinese is the browser's language. Django's async-safety check is relaxed for this
    test only (Playwright's loop runs in the test's thread)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    context = chromium.new_context(base_url=live_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" else None,
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()
