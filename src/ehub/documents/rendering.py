"""Django template → HTML → PDF with WeasyPrint, offline and deterministic.

- Fonts are named by family ("Noto Sans CJK SC", from Debian's fonts-noto-cjk, which also covers
  Latin and Malay); nothing is downloaded.
- The URL fetcher refuses every URL but ``data:`` and files inside this app's templates folder:
  a template that points at the network fails loudly instead of fetching.
- The same data renders to the same bytes (WeasyPrint writes no clock time; the document date
  is set from the data).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

# WeasyPrint reports each rendering step at INFO; a document service has nothing to say about it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

TEMPLATES_DIR = (Path(__file__).resolve().parent / "templates" / "documents").resolve()


class OfflineFetchRefused(Exception):
    """A document tried to load something from outside (network or a foreign file)."""


def _fetcher_class() -> type:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class OfflineUrlFetcher(URLFetcher):
        """Only ``data:`` URLs and files under the documents templates folder."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url_allowed(url):
                raise FatalURLFetchingError(f"documents never fetch {url[:80]!r}")
            return super().fetch(url, headers)

    return OfflineUrlFetcher


def url_allowed(url: str) -> bool:
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return True
    if scheme == "file":
        from urllib.parse import unquote, urlsplit

        path = Path(unquote(urlsplit(url).path)).resolve()
        return path.is_relative_to(TEMPLATES_DIR)
    return False


def html_render(*, template: str, context: dict[str, Any]) -> str:
    return render_to_string(f"documents/{template}", context)


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    fetcher = _fetcher_class()(allowed_protocols={"data", "file"}, timeout=1)
    document = HTML(string=html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_render(*, template: str, context: dict[str, Any]) -> bytes:
    return pdf_from_html(html_render(template=template, context=context))
