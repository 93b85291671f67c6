"""Real PDFs rendered, then checked and read back with libraries installed with the tests.

pikepdf (libqpdf) opens the file, counts its pages, runs qpdf's own check and walks the
content streams; pypdfium2 (PDFium) rasterises pages for pixel checks.

Text is read as screen readers and copy and paste read it: from each marked-content
span's ActualText, which the renderer writes in display order. Each drawn line is put
back in reading order by the implicit rules of the Unicode Bidirectional Algorithm
(UAX #9), written out here independently of `documents.bidi` so that the letters are
checked against the standard, not against the code that produced them.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image

from documents.render import render_letter
from tests.documents.samples import VERIFY_BASE_URL

_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


def render(letter, *, training: bool = False) -> bytes:
    return render_letter(letter, training=training, verify_base_url=VERIFY_BASE_URL)


def render_to(directory: Path, letter, *, training: bool = False, name="letter.pdf") -> Path:
    path = directory / name
    path.write_bytes(render(letter, training=training))
    return path


def squeezed(text: str) -> str:
    """`text` without whitespace: spaces at direction changes fall on either side."""
    return "".join(text.split())


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def syntax_problems(pdf: Path) -> list[str]:
    """What `qpdf --check` reports: warnings and errors in structure and streams."""
    with pikepdf.open(pdf) as document:
        return document.check_pdf_syntax()


@dataclasses.dataclass(frozen=True)
class TextLine:
    """One line as drawn: where it starts on the page and its text in reading order."""

    x: float
    y: float
    text: str


def page_lines(pdf: Path) -> list[list[TextLine]]:
    """The lines of each page in the order they are drawn."""
    with pikepdf.open(pdf) as document:
        return [_read_lines(page.obj, pikepdf.Matrix()) for page in document.pages]


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, one drawn line per line of text."""
    return ["\n".join(line.text for line in lines) for lines in page_lines(pdf)]


def _read_lines(content, ctm: pikepdf.Matrix) -> list[TextLine]:
    lines: list[TextLine] = []
    states: list[pikepdf.Matrix] = []
    spans: list[str | None] = []
    line_matrix = pikepdf.Matrix()
    origin: tuple[float, float] = (0.0, 0.0)
    drawn: list[str] = []
    for operands, operator in pikepdf.parse_content_stream(content):
        op = str(operator)
        if op == "q":
            states.append(ctm)
        elif op == "Q":
            ctm = states.pop()
        elif op == "cm":
            ctm = pikepdf.Matrix(*operands) @ ctm
        elif op == "BT":
            line_matrix, drawn = pikepdf.Matrix(), []
        elif op == "Tm":
            line_matrix = pikepdf.Matrix(*operands)
        elif op == "Td":
            line_matrix = pikepdf.Matrix().translated(*operands) @ line_matrix
        elif op == "ET":
            if drawn:
                display = "".join(drawn)
                lines.append(TextLine(*origin, reading_order(display, _is_rtl(display))))
        elif op == "BDC":
            properties = operands[1]
            actual = None
            if isinstance(properties, pikepdf.Dictionary):
                actual = properties.get("/ActualText")
            spans.append(None if actual is None else str(actual))
        elif op == "BMC":
            spans.append(None)
        elif op == "EMC":
            spans.pop()
        elif op in _TEXT_SHOWING:
            inner = next((i for i in reversed(range(len(spans))) if spans[i] is not None), None)
            assert inner is not None, f"text drawn without ActualText: {operands}"
            if not drawn:
                placed = line_matrix @ ctm
                origin = (round(placed.e, 1), round(placed.f, 1))
            # A span's glyphs may take several operators; its text counts once.
            drawn.append(spans[inner])
            spans[inner] = ""
        elif op == "Do":
            xobject = content.Resources.XObject[operands[0]]
            if xobject.Subtype == pikepdf.Name.Form:
                matrix = pikepdf.Matrix(*xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                lines += _read_lines(xobject, matrix @ ctm)
    return lines


def _is_rtl(display: str) -> bool:
    """Whether a line drawn as `display` reads right to left.

    A line starts at its right end when it reads right to left, at its left end
    otherwise: a line ending on the right with a Latin letter reads left to right, one
    with right-to-left letters at both ends reads right to left, and one with a Latin
    letter on the left and a right-to-left letter on the right goes by its majority.
    """
    strong = [
        "L" if kind == "L" else "R"
        for kind in map(unicodedata.bidirectional, display)
        if kind in ("L", "R", "AL")
    ]
    if not strong or strong[-1] == "L":
        return False
    if strong[0] == "R":
        return True
    return strong.count("R") > strong.count("L")


def reading_order(display: str, rtl: bool) -> str:
    """Characters of one line drawn left to right, put back in the order they are read.

    The implicit rules (W1-W7, N1-N2, I1-I2) resolve levels and rule L2 reverses runs;
    on text without explicit embeddings this reordering undoes itself, so applied to
    the display order it gives the logical order. Mirrored brackets are not swapped:
    ActualText holds the characters, not their mirrored glyphs.
    """
    base = 1 if rtl else 0
    boundary = "R" if rtl else "L"
    # Combining marks follow their letter in the display order too (rule L3), so a
    # letter and its marks move as one.
    clusters: list[str] = []
    for char in display:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    types = [unicodedata.bidirectional(cluster[0]) or "L" for cluster in clusters]
    count = len(types)
    for i in range(count):  # W1
        if types[i] == "NSM":
            types[i] = types[i - 1] if i else boundary
    strong = boundary
    for i in range(count):  # W2, W3
        if types[i] in ("L", "R", "AL"):
            strong = types[i]
        elif types[i] == "EN" and strong == "AL":
            types[i] = "AN"
        if types[i] == "AL":
            types[i] = "R"
    for i in range(1, count - 1):  # W4
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    for i in range(count):  # W5
        if types[i] == "ET":
            end = i
            while end < count and types[end] == "ET":
                end += 1
            if (i and types[i - 1] == "EN") or (end < count and types[end] == "EN"):
                types[i:end] = ["EN"] * (end - i)
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    strong = boundary
    for i in range(count):  # W7
        if types[i] in ("L", "R"):
            strong = types[i]
        elif types[i] == "EN" and strong == "L":
            types[i] = "L"
    direction = ["R" if kind in ("R", "EN", "AN") else kind for kind in types]
    i = 0
    while i < count:  # N1, N2
        if direction[i] in ("L", "R"):
            i += 1
            continue
        end = i
        while end < count and direction[end] not in ("L", "R"):
            end += 1
        before = direction[i - 1] if i else boundary
        after = direction[end] if end < count else boundary
        types[i:end] = [before if before == after else boundary] * (end - i)
        i = end
    levels = []
    for kind in types:  # I1, I2
        if base == 0:
            levels.append({"R": 1, "AN": 2, "EN": 2}.get(kind, 0))
        else:
            levels.append(1 if kind == "R" else 2)
    order = list(range(count))
    for level in range(max(levels, default=0), 0, -1):  # L2
        i = 0
        while i < count:
            if levels[order[i]] >= level:
                end = i
                while end < count and levels[order[end]] >= level:
                    end += 1
                order[i:end] = reversed(order[i:end])
                i = end
            else:
                i += 1
    return "".join(clusters[index] for index in order)


def rasterise(pdf: Path, *, dpi: int = 144) -> list[Image.Image]:
    """Each page as a greyscale image, drawn by PDFium."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in document
        ]
    finally:
        document.close()
