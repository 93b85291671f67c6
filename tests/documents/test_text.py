"""Bidi levels, shaping and line breaking of the text engine, and joined letters on a page."""

from __future__ import annotations

import pytest
from reportlab.pdfgen.canvas import Canvas

from documents import bidi
from documents.fonts import REGULAR, font
from documents.text import LTR, RTL, draw_line, shape, wrap
from tests.documents.pdf import rasterise


def _display(text: str, rtl: bool) -> str:
    """One line in display order, left to right."""
    levels = bidi.embedding_levels(text, rtl)
    return "".join(text[i] for i in bidi.visual_order(levels))


@pytest.mark.parametrize(
    ("logical", "rtl", "display"),
    [
        ("abc", False, "abc"),
        ("ابت", True, "تبا"),
        ("ابت Ahmed Ali ثج", True, "جث Ahmed Ali تبا"),
        ("رقم 345/6 هنا", True, "انه 345/6 مقر"),
        ("في ١٢/٣/٢٠٢٦", True, "١٢/٣/٢٠٢٦ يف"),
        ("claim محمد علي done", False, "claim يلع دمحم done"),
        # After Arabic letters digits are Arabic numbers, and % is then neutral (W2, W5).
        ("ب 25% ت", True, "ت %25 ب"),
        ("total 25% ok", False, "total 25% ok"),
    ],
)
def test_lines_are_put_in_display_order(logical, rtl, display):
    assert _display(logical, rtl) == display


def test_arabic_paragraph_is_wrapped_in_reading_order():
    words = [f"كلمة{index}" for index in range(40)]

    lines = wrap(" ".join(words), REGULAR, 11, 150, RTL)

    assert len(lines) > 2
    assert lines[0].text.split()[0] == words[0]
    assert lines[-1].text.split()[-1] == words[-1]
    assert " ".join(line.text for line in lines) == " ".join(words)
    assert all(line.width <= 150 for line in lines)


def test_a_word_wider_than_the_line_is_cut():
    name = "scan_" + "x" * 120 + ".pdf"

    lines = wrap(name, REGULAR, 9.5, 100, LTR)

    assert len(lines) > 1
    assert "".join(line.text for line in lines) == name
    assert all(line.width <= 100 for line in lines)


@pytest.mark.parametrize("word", ["ڵێک", "بێت", "محمد", "هێڵکە", "بە"])
def test_joined_letters_are_not_drawn_in_their_isolated_form(word):
    """Every letter of these words joins a neighbour, so none may use the font's own
    glyph for the character, which is its isolated form."""
    glyphs = shape(REGULAR, word, True)

    isolated = [char for char in glyphs.chars if char in word]

    assert not isolated, f"isolated glyphs {isolated} in {word}"


def _dark_components(directory, draw) -> int:
    """Render something on a small page and count the separate shapes of ink."""
    pdf = directory / "word.pdf"
    canvas = Canvas(str(pdf), pagesize=(160, 60))
    draw(canvas)
    canvas.save()
    (image,) = rasterise(pdf, dpi=144)
    width, height = image.size
    pixels = image.load()
    dark = {(x, y) for x in range(width) for y in range(height) if pixels[x, y] < 128}
    components = 0
    while dark:
        components += 1
        stack = [dark.pop()]
        while stack:
            x, y = stack.pop()
            for neighbour in [(x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]:
                if neighbour in dark:
                    dark.remove(neighbour)
                    stack.append(neighbour)
    return components


def test_a_joined_arabic_word_is_one_connected_shape_on_the_page(tmp_path):
    # محمد has no dots: joined it is one stroke, unjoined four separate letters.
    (line,) = wrap("محمد", REGULAR, 36, 150, RTL)
    font(REGULAR)

    shaped = _dark_components(tmp_path, lambda canvas: draw_line(canvas, line, 20, 20))
    unshaped = _dark_components(
        tmp_path, lambda canvas: (canvas.setFont(REGULAR, 36), canvas.drawString(20, 20, "محمد"))
    )

    assert shaped == 1
    assert unshaped == 4
