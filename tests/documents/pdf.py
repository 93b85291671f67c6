"""Real PDFs rendered and read back with poppler's tools."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from documents.render import render_letter
from tests.documents.samples import VERIFY_BASE_URL

# Direction marks pdftotext puts around runs of the other direction.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def render(letter, *, training: bool = False) -> bytes:
    return render_letter(letter, training=training, verify_base_url=VERIFY_BASE_URL)


def render_to(directory: Path, letter, *, training: bool = False, name="letter.pdf") -> Path:
    path = directory / name
    path.write_bytes(render(letter, training=training))
    return path


def squeezed(text: str) -> str:
    """`text` without whitespace: pdftotext moves spaces around direction changes."""
    return "".join(text.split())


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def page_texts(pdf: Path) -> list[str]:
    """The text of each page in reading order, direction marks removed."""
    texts = []
    for page in range(1, page_count(pdf) + 1):
        result = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        texts.append(_BIDI_CONTROLS.sub("", result.stdout))
    return texts
