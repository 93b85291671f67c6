"""Shaped, wrapped and reordered lines of text, drawn glyph by glyph.

A paragraph is resolved into bidi levels, cut into words and each word into runs
of one level; every run is shaped by harfbuzz in its own direction (which joins
Arabic letters and mirrors brackets), lines are filled in logical order, and only
then each line is put in display order. So the first words of a paragraph are on
its first line, Latin names and numbers inside Arabic read left to right, and the
joined forms come from the font's own rules (Kurdish letters included).

Widths are in thousandths of an em until a font size turns them into points.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from dataclasses import dataclass

import uharfbuzz

from documents import bidi
from documents.fonts import ShapingFont, font

#: Directions a paragraph can be given; "auto" follows its first strong character.
RTL, LTR, AUTO = "rtl", "ltr", "auto"


@dataclass(frozen=True, slots=True)
class Glyphs:
    """One shaped run in display order."""

    #: The characters shaped, in logical order.
    text: str
    rtl: bool
    #: One character per glyph: what the font subset encodes.
    chars: str
    #: What each glyph stands for when text is extracted (empty: nothing more).
    texts: tuple[str, ...]
    #: Horizontal shift before each glyph and after the last, beyond the glyph's width.
    shifts: tuple[float, ...]
    #: Vertical offset of each glyph, or None when all sit on the baseline.
    rises: tuple[float, ...] | None
    width: float


@dataclass(frozen=True, slots=True)
class Segment:
    """Glyphs of one direction within a line, ready for a TJ operator."""

    chars: str
    #: TJ numbers to put before glyphs: (glyph index, number as text).
    kerns: tuple[tuple[int, str], ...]
    #: Vertical offset of each glyph, or None when all sit on the baseline.
    rises: tuple[float, ...] | None
    #: The segment's text for readers, in display order, as a PDF hex string body.
    actual_text: str
    #: Code point drawn -> the characters it stands for, for the ToUnicode map.
    glyph_texts: dict[int, str]


@dataclass(frozen=True, slots=True)
class Line:
    """A line ready to draw: segments left to right, its width in points."""

    font_name: str
    size: float
    segments: tuple[Segment, ...]
    width: float
    rtl: bool
    #: The line's characters in logical order.
    text: str


@functools.lru_cache(maxsize=65536)
def shape(font_name: str, text: str, rtl: bool) -> Glyphs:
    """`text` (one level, no line break) shaped in one direction."""
    shaping_font = font(font_name)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    uharfbuzz.shape(shaping_font.hb_font, buffer, {})
    return _glyphs(shaping_font, text, rtl, buffer.glyph_infos, buffer.glyph_positions)


def _glyphs(shaping_font: ShapingFont, text: str, rtl: bool, infos, positions) -> Glyphs:
    scale = shaping_font.units_to_thousandths
    widths = shaping_font.face.charWidths
    cluster_starts = sorted({info.cluster for info in infos})
    cluster_end = dict(zip(cluster_starts, [*cluster_starts[1:], len(text)], strict=True))
    seen_clusters: set[int] = set()
    chars, texts, shifts, rises = [], [], [], []
    previous_end = 0.0  # where the pen stands after the last glyph, relative to its origin
    pen = 0.0
    for info, position in zip(infos, positions, strict=True):
        char = shaping_font.glyph_char(info.codepoint)
        x_offset = position.x_offset * scale
        shifts.append(pen + x_offset - previous_end)
        previous_end = pen + x_offset + widths[ord(char)]
        pen += position.x_advance * scale
        rises.append(position.y_offset * scale)
        chars.append(char)
        cluster = info.cluster
        if cluster in seen_clusters:
            texts.append("")
        else:
            seen_clusters.add(cluster)
            texts.append(text[cluster : cluster_end[cluster]])
    shifts.append(pen - previous_end)
    return Glyphs(
        text=text,
        rtl=rtl,
        chars="".join(chars),
        texts=tuple(texts),
        shifts=tuple(shifts),
        rises=tuple(rises) if any(rises) else None,
        width=pen,
    )


def _runs(font_name: str, word: str, levels: list[int]) -> list[tuple[int, Glyphs]]:
    """A word cut where its level changes, each part shaped in its direction."""
    runs = []
    start = 0
    for end in range(1, len(word) + 1):
        if end == len(word) or levels[end] != levels[start]:
            level = levels[start]
            runs.append((level, shape(font_name, word[start:end], level % 2 == 1)))
            start = end
    return runs


def _width(runs: list[tuple[int, Glyphs]]) -> float:
    return sum(glyphs.width for _, glyphs in runs)


@functools.lru_cache(maxsize=8192)
def wrap(text: str, font_name: str, size: float, width: float, direction: str) -> tuple[Line, ...]:
    """`text` broken into lines of at most `width` points; a newline forces a break.

    Lines are filled in logical order, then each is put in display order, so the
    first words of the text are on the first line in either direction.
    """
    rtl = bidi.is_rtl(text) if direction == AUTO else direction == RTL
    lines: list[Line] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(" ".join(paragraph.split()), font_name, size, width, rtl))
    return tuple(lines)


def _wrap_paragraph(text: str, font_name: str, size: float, width: float, rtl: bool):
    levels = bidi.embedding_levels(text, rtl)
    limit = width * 1000 / size
    lines = []
    current: list[tuple[int, Glyphs]] = []  # the line being filled, in logical order
    current_width = 0.0
    line_start = 0
    start = 0
    for word in text.split(" ") if text else []:
        word_levels = levels[start : start + len(word)]
        runs = _runs(font_name, word, word_levels)
        word_width = _width(runs)
        if current:
            space_level = levels[start - 1]
            space = shape(font_name, " ", space_level % 2 == 1)
            if current_width + space.width + word_width <= limit:
                current += [(space_level, space), *runs]
                current_width += space.width + word_width
                start += len(word) + 1
                continue
            lines.append(_line(current, font_name, size, rtl, text[line_start : start - 1]))
        line_start = start
        if word_width > limit:
            pieces = _cut(font_name, word, word_levels, limit)
            for begin, end, piece in pieces[:-1]:
                lines.append(_line(piece, font_name, size, rtl, word[begin:end]))
            begin, _, runs = pieces[-1]
            line_start = start + begin
            word_width = _width(runs)
        current, current_width = list(runs), word_width
        start += len(word) + 1
    if current or not lines:
        lines.append(_line(current, font_name, size, rtl, text[line_start:]))
    return lines


def _cut(font_name: str, word: str, levels: list[int], limit: float):
    """A word wider than a line (a long file name) cut between characters:
    (begin, end, runs) for each piece."""
    pieces = []
    begin = 0
    while begin < len(word):
        end = begin + 1
        while end < len(word) and (
            _width(_runs(font_name, word[begin : end + 1], levels[begin : end + 1])) <= limit
        ):
            end += 1
        pieces.append((begin, end, _runs(font_name, word[begin:end], levels[begin:end])))
        begin = end
    return pieces


def _line(items: list[tuple[int, Glyphs]], font_name: str, size: float, rtl: bool, text: str):
    order = bidi.visual_order([level for level, _ in items])
    runs = [items[index][1] for index in order]
    segments = []
    carried = 0.0  # the shift left over after the previous run's last glyph
    for segment_rtl, group in itertools.groupby(runs, key=lambda run: run.rtl):
        group = list(group)
        shifts: list[float] = []
        rises: list[float] = []
        for run in group:
            shifts += [carried + run.shifts[0], *run.shifts[1:-1]]
            carried = run.shifts[-1]
            rises += run.rises or [0.0] * len(run.chars)
        chars = "".join(run.chars for run in group)
        glyph_texts: dict[int, str] = {}
        for run in group:
            for char, glyph_text in zip(run.chars, run.texts, strict=True):
                if glyph_text:
                    glyph_texts.setdefault(ord(char), glyph_text)
        # Readers take the text from ActualText: contextual glyphs do not map one to
        # one onto characters. It is given in display order, as drawn glyphs would be.
        actual = "".join(_reversed(run.text) if segment_rtl else run.text for run in group)
        segments.append(
            Segment(
                chars=chars,
                kerns=tuple(
                    (index, f"{-shift:.0f}")
                    for index, shift in enumerate(shifts)
                    if abs(shift) >= 0.5
                ),
                rises=tuple(rises) if any(rises) else None,
                actual_text="FEFF" + actual.encode("utf-16-be").hex(),
                glyph_texts=glyph_texts,
            )
        )
    return Line(font_name, size, tuple(segments), _width(items) * size / 1000, rtl, text)


def _reversed(text: str) -> str:
    """`text` in display order for a right-to-left run: characters reversed, each
    combining mark kept after its base letter."""
    clusters: list[str] = []
    for char in text:
        if clusters and unicodedata.combining(char):
            clusters[-1] += char
        else:
            clusters.append(char)
    return "".join(reversed(clusters))


def draw_line(canvas, line: Line, x: float, y: float) -> None:
    """Draw `line` with its left end at `x` and its baseline at `y`."""
    if not line.segments:
        return
    shaping_font = font(line.font_name)
    doc = canvas._doc
    known = shaping_font.extracted_text(doc)
    size = f"{line.size:g}"
    ops = [f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm"]
    current_subset = None
    for segment in line.segments:
        known.update(segment.glyph_texts)
        ops.append(f"/Span <</ActualText <{segment.actual_text}>>> BDC")
        start = 0
        for subset, codes in shaping_font.splitString(segment.chars, doc):
            if subset != current_subset:
                ops.append(f"{shaping_font.getSubsetInternalName(subset, doc)} {size} Tf")
                current_subset = subset
            if segment.rises is None:
                ops.append(_tj(codes, segment.kerns, start))
            else:
                ops += _raised_tj(codes, segment, start, line.size)
            start += len(codes)
        ops.append("EMC")
    ops.append("ET")
    canvas.addLiteral("\n".join(ops))


def _tj(codes: bytes, kerns: tuple[tuple[int, str], ...], start: int) -> str:
    """A TJ operator for glyph codes `codes`, the glyphs from `start` of a segment."""
    parts = []
    previous = 0
    end = start + len(codes)
    for index, number in kerns:
        if start <= index < end:
            if index > start + previous:
                parts.append(f"<{codes[previous : index - start].hex()}>")
            parts.append(number)
            previous = index - start
    parts.append(f"<{codes[previous:].hex()}>")
    return f"[{' '.join(parts)}] TJ"


def _raised_tj(codes: bytes, segment: Segment, start: int, size: float) -> list[str]:
    """TJ operators glyph by glyph with a text rise: marks placed above or below."""
    kerns = dict(segment.kerns)
    ops = []
    for offset, code in enumerate(codes):
        index = start + offset
        number = kerns.get(index)
        rise = segment.rises[index] * size / 1000
        ops.append(f"{rise:.2f} Ts [{number or ''} <{code:02x}>] TJ")
    ops.append("0 Ts")
    return ops
