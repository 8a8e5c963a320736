"""Reading PDFs back in tests with poppler-utils (importable by other domains' tests)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def poppler(tool: str, *args: str, stdin: bytes | None = None) -> bytes:
    """Run a poppler-utils tool (by its full path) and return its output."""
    path = shutil.which(tool)
    assert path, f"{tool} is not installed (Debian poppler-utils)"
    result = subprocess.run([path, *args], input=stdin, capture_output=True, check=True)  # noqa: S603
    return result.stdout


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as ``pdftotext -layout`` lays it out."""
    return poppler("pdftotext", "-layout", "-enc", "UTF-8", "-", "-", stdin=pdf).decode("utf-8")


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return poppler("pdffonts", str(path)).decode()
