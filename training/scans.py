"""Sample scans for scenario evidence, drawn by the project: never real documents.

Each scan is a small card with the document's name in Arabic and English, the claim's
scenario reference and the first claimant, marked as a training sample. A PDF is the
same card on one A5 page. The same input gives the same bytes (no dates, no random ids),
so seeding a scenario twice stores the same files once.
"""

from __future__ import annotations

import io
from functools import cache
from importlib.resources import files

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from claims.files import CheckedUpload, check_upload
from commission.bilingual import Bilingual

CARD_SIZE = (640, 400)
PAPER = (250, 246, 232)
INK = (40, 40, 60)
MARK = (170, 30, 30)
SAMPLE_MARK = Bilingual("TRAINING SAMPLE — NOT A REAL DOCUMENT", "نموذج تدريبي — ليس مستنداً حقيقياً")


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = files("fontpkg_amiri") / "files" / "Amiri-Regular.ttf"
    # Raqm joins the Arabic letters and lays them right to left.
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _right_aligned(draw: ImageDraw.ImageDraw, y: int, text: str, size: int, fill) -> None:
    font = _font(size)
    width = draw.textlength(text, font=font, direction="rtl")
    draw.text((CARD_SIZE[0] - 30 - width, y), text, font=font, fill=fill, direction="rtl")


def draw_card(label: Bilingual, reference: str, name: str) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, CARD_SIZE[0] - 10, CARD_SIZE[1] - 10), outline=INK, width=3)
    _right_aligned(draw, 30, label.ar, 44, INK)
    draw.text((30, 110), label.en, font=_font(34), fill=INK)
    if name:
        _right_aligned(draw, 170, name, 30, INK)
    draw.text((30, 240), reference, font=_font(24), fill=INK)
    _right_aligned(draw, 290, SAMPLE_MARK.ar, 24, MARK)
    draw.text((30, 340), SAMPLE_MARK.en, font=_font(20), fill=MARK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def card_pdf(png: bytes) -> bytes:
    """One landscape A5 page showing the card, as a scanner would deliver it."""
    buffer = io.BytesIO()
    # invariant: no creation date or random document id, so the bytes repeat.
    canvas = Canvas(buffer, pagesize=landscape(A5), invariant=1)
    width, height = landscape(A5)
    margin = 30
    canvas.drawImage(
        ImageReader(io.BytesIO(png)),
        margin,
        margin,
        width - 2 * margin,
        height - 2 * margin,
        preserveAspectRatio=True,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sample_scan(
    label: Bilingual, reference: str, name: str, *, file_format: str, filename: str
) -> CheckedUpload:
    """The scan as an upload, checked like any other (our own bytes, so any size)."""
    png = draw_card(label, reference, name)
    data = card_pdf(png) if file_format == "pdf" else png
    return check_upload(data, f"{filename}.{file_format}", max_bytes=len(data))
