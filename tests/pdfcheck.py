"""Checks of composed PDFs with tools pressrun did not write."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf


def assert_valid_pdf(path: Path) -> None:
    """qpdf --check and pikepdf's own checks find nothing wrong."""
    with pikepdf.open(path) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        problems = [str(p) for p in check()]
        assert problems == [], problems
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors" in result.stdout


def page_texts(path: Path, pages) -> dict[int, str]:
    """Text of the given pages as pypdf extracts it."""
    import pypdf

    reader = pypdf.PdfReader(str(path))
    return {page: reader.pages[page].extract_text() for page in pages}


def normalise(text: str) -> str:
    """Whitespace folded: extractors differ in how they join lines."""
    return " ".join(text.split())


def render_page(path: Path, page: int, dpi: int = 100):
    """The page rendered by PDFium, as a PIL image."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return document[page].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
