"""The letter fonts: Amiri (Arabic and Latin, OFL) from the fontpkg-amiri package.

ReportLab subsets a TrueType font by character, but shaped Arabic is made of glyphs
that no character maps to (initial, medial and final forms, ligatures). Each such
glyph gets a private code point derived from its glyph id, so the same text always
draws with the same codes, whatever the process rendered before. The ToUnicode map
of each subset is then rewritten so a PDF reader extracts the characters a glyph
stands for instead of private code points.
"""

from __future__ import annotations

import functools
import weakref
from importlib.resources import files

import uharfbuzz
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "Qayd-Amiri"
BOLD = "Qayd-Amiri-Bold"

_FONT_FILES = {REGULAR: "Amiri-Regular.ttf", BOLD: "Amiri-Bold.ttf"}

#: Supplementary Private Use Area-A: room for every glyph id of a 16-bit font.
_PRIVATE_BASE = 0xF0000


class ShapingFont(TTFont):
    """A TrueType font drawn from harfbuzz glyph ids rather than from characters."""

    def __init__(self, name: str, path: str):
        super().__init__(name, path, shapable=False)
        face = self.face
        self.hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob(face._ttf_data)))
        self.units_to_thousandths = 1000 / face.unitsPerEm
        self._nominal_char = {
            gid: min(code for code in codes if face.charToGlyph.get(code) == gid)
            for gid, codes in face.glyphToChar.items()
            if any(face.charToGlyph.get(code) == gid for code in codes)
        }
        #: Per document: code point drawn -> the text it stands for, for ToUnicode.
        self._extracted_text: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def glyph_char(self, gid: int) -> str:
        """The character that draws glyph `gid`: its own if the font maps one, else a
        private one registered on first use."""
        code = self._nominal_char.get(gid)
        if code is None:
            code = _PRIVATE_BASE + gid
            face = self.face
            if code not in face.charToGlyph:
                face.charToGlyph[code] = gid
                face.charWidths[code] = face.hmetrics[gid][0] * self.units_to_thousandths
        return chr(code)

    def extracted_text(self, doc) -> dict[int, str]:
        """Code point drawn -> the characters it stands for, filled while drawing `doc`."""
        return self._extracted_text.setdefault(doc, {})

    def addObjects(self, doc):
        state = self.state[doc]
        subsets = [list(subset) for subset in state.subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        known = self._extracted_text.pop(doc, {})
        font_dict = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            pdf_font = font_dict[name]
            stream = doc.idToObject[pdf_font.ToUnicode.name]
            stream.content = _to_unicode_cmap(pdf_font.BaseFont, subset, known)


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(font_name: str, subset: list[int], known: dict[int, str]) -> str:
    entries = []
    for byte, code in enumerate(subset):
        text = known.get(code)
        if text is None:
            # A glyph drawn without a record is a plain character of the font.
            if code >= _PRIVATE_BASE:
                continue
            text = chr(code)
        entries.append(f"<{byte:02X}> <{_utf16_hex(text)}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({font_name}) /Ordering ({font_name})",
            "/Supplement 0 >> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<00> <FF>",
            "endcodespacerange",
            *_bfchar_blocks(entries),
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def _bfchar_blocks(entries: list[str]) -> list[str]:
    # A bfchar block holds at most 100 entries.
    lines = []
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    return lines


@functools.cache
def font(name: str) -> ShapingFont:
    """The registered font `name` (REGULAR or BOLD), loaded once per process."""
    path = files("fontpkg_amiri") / "files" / _FONT_FILES[name]
    loaded = ShapingFont(name, str(path))
    pdfmetrics.registerFont(loaded)
    return loaded
