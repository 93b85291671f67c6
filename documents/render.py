"""Letters as PDF: A4, English on the left and Arabic on the right, one frame for all kinds.

Every page carries the same furniture, drawn by `_draw_page` and nowhere else: the
commission and office in both languages, the claim number(s), date and reference,
"page x of y", the verification code with a QR code of the verify URL, and for a
training letter the diagonal watermark. A draft (a decision letter read before the
decision is approved) carries its own diagonal mark and no verification code. The body
is a list of rows laid out on pages first, so the page count is known before the first
page is drawn.

The output depends on the inputs only: ReportLab's invariant mode fixes the
document id and dates, and nothing else varies.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from adjudication.labels import APPEAL_OUTCOMES, OUTCOMES
from claims.labels import CLAIM_BASES, EVIDENCE_KINDS, PARTY_ROLES, PROPERTY_TYPES, REMEDIES
from commission.bilingual import Bilingual
from documents import bidi
from documents.fonts import BOLD, REGULAR
from documents.labels import (
    DRAFT_MARK,
    FIELDS,
    FOOTER,
    HEADINGS,
    LETTER_TITLES,
    SENTENCES,
    TO_BE_IDENTIFIED,
    WATERMARK,
    arabic_digits,
    format_date,
    format_datetime,
    format_money,
)
from documents.letters import (
    AppealOutcomeContent,
    DecisionLetterContent,
    DocumentRequestContent,
    HearingNoticeContent,
    LetterContent,
    ReceiptContent,
    RegistryExtractRequestContent,
    RespondentNoticeContent,
    Signatory,
)
from documents.qr import draw_qr, qr_modules
from documents.text import AUTO, LTR, RTL, Line, draw_line, wrap
from documents.verification import verification_code, verify_url

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 48
LEFT, RIGHT = MARGIN, PAGE_WIDTH - MARGIN
CONTENT_WIDTH = RIGHT - LEFT
GUTTER = 20
COLUMN = (CONTENT_WIDTH - GUTTER) / 2
LABEL_WIDTH = 88
BODY_BOTTOM = 104

EN_SIZE = 9.5
AR_SIZE = 11
LEADING = 15.5

INK = Color(0.11, 0.12, 0.14)
MUTED = Color(0.38, 0.40, 0.44)
ACCENT = Color(0.09, 0.27, 0.33)
RULE = Color(0.72, 0.74, 0.77)
SHADE = Color(0.93, 0.94, 0.95)
WATERMARK_INK = Color(0.75, 0.1, 0.1)

#: Printed instead of a verification code on a draft; `/verify` reads it as no code.
DRAFT_CODE = "DRAFT"


@dataclass(frozen=True, slots=True)
class _Row:
    """A slice of the body that is never split across pages."""

    height: float
    draw: Callable[[Canvas, float], None]  # called with the row's top edge
    #: Moves to the next page with the row after it (headings).
    keep_with_next: bool = False
    #: Dropped at the top of a page.
    is_space: bool = False


@dataclass(frozen=True, slots=True)
class _Frame:
    """What every page of one letter repeats."""

    letter: LetterContent
    reference_rows: list[_Row]
    code: str
    url: str
    training: bool
    draft: bool


def render_letter(
    letter: LetterContent, *, training: bool, verify_base_url: str, draft: bool = False
) -> bytes:
    """The letter as PDF bytes. `training` has no default: a training letter is
    watermarked on every page and its verification code says so. A `draft` is marked
    on every page and prints `DRAFT_CODE` where the code goes: no code `/verify` accepts
    is ever given to a letter that was not issued."""
    code = DRAFT_CODE if draft else verification_code(letter, training=training)
    rows = _BODIES[type(letter)](letter)
    reference_rows = _reference_strip(letter)
    body_top = _HEADER_BOTTOM - sum(row.height for row in reference_rows) - 14
    pages = _paginate(rows, body_top)
    frame = _Frame(letter, reference_rows, code, verify_url(verify_base_url, code), training, draft)

    _use_binary_streams()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    _draw_document(canvas, frame, pages)
    return buffer.getvalue()


@functools.cache
def _use_binary_streams() -> None:
    """Streams compressed without ReportLab's default ASCII85 layer: a quarter smaller,
    and its pure-Python encoder would cost more than drawing the letter. Set once for
    the process (not per render) so concurrent renders always see the same setting."""
    rl_config.useA85 = 0


def _draw_document(canvas: Canvas, frame: _Frame, pages: list[list[tuple[_Row, float]]]):
    letter = frame.letter
    title = LETTER_TITLES[letter.kind]
    canvas.setTitle(f"{title.en} — {', '.join(letter.claim_numbers)}")
    canvas.setAuthor(letter.commission.en)
    canvas.setSubject(frame.code)
    canvas.setCreator("Qayd")
    # Drawn once, shown on every page.
    canvas.beginForm("qr")
    draw_qr(canvas, qr_modules(frame.url), LEFT, 24, 58)
    canvas.endForm()
    for number, placed in enumerate(pages, start=1):
        _draw_page(canvas, frame, placed, number, len(pages))
        canvas.showPage()
    canvas.save()


def _paginate(rows: list[_Row], body_top: float) -> list[list[tuple[_Row, float]]]:
    pages: list[list[tuple[_Row, float]]] = [[]]
    y = body_top
    index = 0
    while index < len(rows):
        end = index
        while rows[end].keep_with_next and end + 1 < len(rows):
            end += 1
        group = rows[index : end + 1]
        if pages[-1] and y - sum(row.height for row in group) < BODY_BOTTOM:
            pages.append([])
            y = body_top
        for row in group:
            if row.is_space and not pages[-1]:
                continue
            pages[-1].append((row, y))
            y -= row.height
        index = end + 1
    return pages


# Text helpers -----------------------------------------------------------------------


def _lines(text: str, width: float, direction: str, *, bold=False, size=None) -> tuple[Line, ...]:
    if size is None:
        rtl = direction == RTL or (direction == AUTO and bidi.is_rtl(text))
        size = AR_SIZE if rtl else EN_SIZE
    return wrap(text, BOLD if bold else REGULAR, size, width, direction)


def _place(
    canvas: Canvas,
    lines: Iterable[Line],
    left: float,
    right: float,
    top: float,
    align: str = AUTO,
    leading: float = LEADING,
) -> None:
    """Draw lines from `top` down, each aligned in [left, right]; AUTO aligns a line
    to the side its direction starts from."""
    for index, line in enumerate(lines):
        baseline = top - index * leading - leading / 2 - line.size / 3
        side = ("right" if line.rtl else "left") if align == AUTO else align
        if side == "left":
            x = left
        elif side == "right":
            x = right - line.width
        else:
            x = (left + right - line.width) / 2
        draw_line(canvas, line, x, baseline)


def _rule(canvas: Canvas, y: float, width: float = 0.5, color: Color = RULE) -> None:
    canvas.setStrokeColor(color)
    canvas.setLineWidth(width)
    canvas.line(LEFT, y, RIGHT, y)


# Rows -------------------------------------------------------------------------------


def _space(height: float) -> _Row:
    return _Row(height, lambda canvas, top: None, is_space=True)


def _title(title: Bilingual) -> list[_Row]:
    arabic = _lines(title.ar, CONTENT_WIDTH, RTL, bold=True, size=18)
    english = _lines(title.en.upper(), CONTENT_WIDTH, LTR, bold=True, size=12.5)

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(ACCENT)
        _place(canvas, arabic, LEFT, RIGHT, top, "center", leading=26)
        _place(canvas, english, LEFT, RIGHT, top - 24, "center", leading=18)
        canvas.setFillColor(INK)

    return [_Row(48, draw), _space(4)]


def _heading(heading: Bilingual) -> list[_Row]:
    english = _lines(heading.en, COLUMN, LTR, bold=True, size=EN_SIZE)
    arabic = _lines(heading.ar, COLUMN, RTL, bold=True, size=AR_SIZE)

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(SHADE)
        canvas.rect(LEFT, top - 21, CONTENT_WIDTH, 17, stroke=0, fill=1)
        canvas.setFillColor(ACCENT)
        canvas.rect(LEFT, top - 21, 2.5, 17, stroke=0, fill=1)
        canvas.rect(RIGHT - 2.5, top - 21, 2.5, 17, stroke=0, fill=1)
        _place(canvas, english, LEFT + 8, RIGHT, top - 4.5, "left", leading=17)
        _place(canvas, arabic, LEFT, RIGHT - 8, top - 4.5, "right", leading=17)
        canvas.setFillColor(INK)

    return [_space(8), _Row(26, draw, keep_with_next=True)]


def _paragraph(text: Bilingual) -> list[_Row]:
    """English and Arabic side by side, a row per line so it can cross a page."""
    english = _lines(text.en, COLUMN, LTR)
    arabic = _lines(text.ar, COLUMN, RTL)
    rows = []
    for index in range(max(len(english), len(arabic))):
        pair = (english[index : index + 1], arabic[index : index + 1])

        def draw(canvas: Canvas, top: float, pair=pair) -> None:
            _place(canvas, pair[0], LEFT, LEFT + COLUMN, top, "left")
            _place(canvas, pair[1], RIGHT - COLUMN, RIGHT, top, "right")

        rows.append(_Row(LEADING, draw))
    return [*rows, _space(5)]


def _field(label: Bilingual, value: str | Bilingual, *, bold: bool = False) -> _Row:
    """Label in English | value | label in Arabic. A value entered once (a name, in
    either script) spans the middle and sits beside the label of its own language."""
    middle = RIGHT - LEFT - 2 * LABEL_WIDTH
    english_label = _lines(label.en, LABEL_WIDTH - 6, LTR, size=8.5)
    arabic_label = _lines(label.ar, LABEL_WIDTH - 6, RTL, size=10)
    if isinstance(value, Bilingual):
        half = (middle - GUTTER) / 2
        english = _lines(value.en, half, LTR, bold=bold)
        arabic = _lines(value.ar, half, RTL, bold=bold)
        height = max(len(english), len(arabic), 1) * LEADING

        def draw_value(canvas: Canvas, top: float) -> None:
            _place(canvas, english, LEFT + LABEL_WIDTH, RIGHT, top, "left")
            _place(canvas, arabic, LEFT, RIGHT - LABEL_WIDTH, top, "right")

    else:
        single = _lines(value, middle, AUTO, bold=bold)
        height = max(len(single), 1) * LEADING

        def draw_value(canvas: Canvas, top: float) -> None:
            _place(canvas, single, LEFT + LABEL_WIDTH, RIGHT - LABEL_WIDTH, top)

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(MUTED)
        _place(canvas, english_label, LEFT, RIGHT, top, "left")
        _place(canvas, arabic_label, LEFT, RIGHT, top, "right")
        canvas.setFillColor(INK)
        draw_value(canvas, top)
        canvas.setStrokeColor(SHADE)
        canvas.setLineWidth(0.6)
        canvas.line(LEFT, top - height - 1.5, RIGHT, top - height - 1.5)

    return _Row(height + 3, draw)


def _free_text(text: str, *, bullet: bool = False) -> list[_Row]:
    """Text written by staff in either language: each paragraph runs across the page
    in its own direction."""
    rows = []
    for paragraph in [part for part in text.split("\n\n") if part.strip()]:
        paragraph = f"• {paragraph.strip()}" if bullet else paragraph.strip()
        for line in _lines(paragraph, CONTENT_WIDTH, AUTO):

            def draw(canvas: Canvas, top: float, line=line) -> None:
                _place(canvas, [line], LEFT, RIGHT, top)

            rows.append(_Row(LEADING, draw))
        rows.append(_space(5))
    return rows


def _signer_name(name: Bilingual, width: float) -> tuple[list, list]:
    """The signer's name lines: Latin script on the left and Arabic on the right, each in
    half the width; one name across the whole width when the two are the same text (an
    account whose Arabic name is not yet recorded) or only one is given."""
    if name.ar and name.en and name.ar != name.en:
        return (
            _lines(name.en, width / 2, LTR, bold=True),
            _lines(name.ar, width / 2, RTL, bold=True),
        )
    return _lines(name.en or name.ar, width, AUTO, bold=True), []


def _signatures(blocks: list[tuple[Bilingual, Signatory]]) -> list[_Row]:
    width = (CONTENT_WIDTH - GUTTER * (len(blocks) - 1)) / len(blocks)
    prepared = []
    for index, (label, signatory) in enumerate(blocks):
        left = LEFT + index * (width + GUTTER)
        prepared.append(
            (
                left,
                _lines(label.en, width / 2, LTR, bold=True, size=8.5),
                _lines(label.ar, width / 2, RTL, bold=True, size=10),
                *_signer_name(signatory.name, width),
                _lines(signatory.title.en, width / 2, LTR, size=8.5),
                _lines(signatory.title.ar, width / 2, RTL, size=10),
            )
        )

    # A long name wraps in its half of the block: the titles go below its last line.
    name_lines = max(max(len(block[3]), len(block[4])) for block in prepared)

    def draw(canvas: Canvas, top: float) -> None:
        title_top = top - 54 - name_lines * LEADING
        for left, label_en, label_ar, name_en, name_ar, title_en, title_ar in prepared:
            right = left + width
            canvas.setFillColor(MUTED)
            _place(canvas, label_en, left, right, top, "left")
            _place(canvas, label_ar, left, right, top, "right")
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.6)
            canvas.line(left, top - 52, right, top - 52)
            canvas.setFillColor(INK)
            if name_ar:
                _place(canvas, name_en, left, right, top - 54, "left")
                _place(canvas, name_ar, left, right, top - 54, "right")
            else:
                _place(canvas, name_en, left, right, top - 54, "center")
            canvas.setFillColor(MUTED)
            _place(canvas, title_en, left, right, title_top, "left")
            _place(canvas, title_ar, left, right, title_top, "right")
            canvas.setFillColor(INK)

    return [_space(14), _Row(56 + (name_lines + 1) * LEADING, draw)]


def _evidence_table(letter: ReceiptContent) -> list[_Row]:
    number_width, hash_width = 22, 86
    kind_width = 150
    file_left = LEFT + number_width + kind_width
    file_width = CONTENT_WIDTH - number_width - kind_width - hash_width - 8
    header = [
        (LEFT + number_width, _lines(FIELDS["kind"].en, kind_width, LTR, bold=True, size=8.5)),
        (file_left, _lines(FIELDS["file"].en, file_width, LTR, bold=True, size=8.5)),
        (RIGHT - hash_width, _lines(FIELDS["sha256"].en, hash_width, LTR, bold=True, size=8.5)),
    ]

    def draw_header(canvas: Canvas, top: float) -> None:
        canvas.setFillColor(MUTED)
        for left, lines in header:
            _place(canvas, lines, left, RIGHT, top, "left")
        canvas.setFillColor(INK)

    rows = [_Row(LEADING, draw_header, keep_with_next=True)]
    for number, item in enumerate(letter.evidence, start=1):
        kind = EVIDENCE_KINDS[item.kind]
        cells = [
            (LEFT, _lines(f"{number}.", number_width, LTR)),
            (LEFT + number_width, _lines(f"{kind.en} · {kind.ar}", kind_width, LTR)),
            (file_left, _lines(item.filename, file_width, LTR)),
            (RIGHT - hash_width, _lines(item.sha256_prefix, hash_width, LTR)),
        ]
        height = max(len(lines) for _, lines in cells) * LEADING

        def draw(canvas: Canvas, top: float, cells=cells, height=height) -> None:
            for left, lines in cells:
                _place(canvas, lines, left, RIGHT, top, "left")
            canvas.setStrokeColor(SHADE)
            canvas.setLineWidth(0.6)
            canvas.line(LEFT, top - height - 1.5, RIGHT, top - height - 1.5)

        rows.append(_Row(height + 3, draw))
    return rows


# Sections shared by the kinds -------------------------------------------------------


def _parties(letter: LetterContent) -> list[_Row]:
    rows = _heading(HEADINGS["parties"])
    for party in letter.parties:
        rows.append(_field(PARTY_ROLES[party.role], party.name, bold=True))
    return rows


def _property(letter: LetterContent) -> list[_Row]:
    parcel = letter.parcel
    return [
        *_heading(HEADINGS["property"]),
        _field(FIELDS["governorate"], parcel.governorate),
        _field(
            FIELDS["muqataa"],
            f"{parcel.muqataa_no} {parcel.muqataa_name}".strip() or TO_BE_IDENTIFIED,
        ),
        _field(FIELDS["parcel_no"], parcel.parcel_no or TO_BE_IDENTIFIED, bold=True),
        _field(FIELDS["property_type"], PROPERTY_TYPES[parcel.property_type]),
        _field(FIELDS["address"], parcel.address),
    ]


def _claim_summary(letter: ReceiptContent | RespondentNoticeContent) -> list[_Row]:
    return [
        *_heading(HEADINGS["claim"]),
        _field(FIELDS["filed_on"], format_date(letter.filed_on)),
        _field(FIELDS["claim_basis"], CLAIM_BASES[letter.claim_basis]),
        _field(FIELDS["remedy"], REMEDIES[letter.remedy]),
    ]


def _fill(sentence: Bilingual, **values: Bilingual | str) -> Bilingual:
    def side(value: Bilingual | str, language: str) -> str:
        return getattr(value, language) if isinstance(value, Bilingual) else value

    return Bilingual(
        sentence.en.format(**{key: side(value, "en") for key, value in values.items()}),
        sentence.ar.format(**{key: side(value, "ar") for key, value in values.items()}),
    )


# The kinds --------------------------------------------------------------------------


def _receipt(letter: ReceiptContent) -> list[_Row]:
    opening = _fill(
        SENTENCES["receipt"], claim=letter.claim_numbers[0], filed=format_date(letter.filed_on)
    )
    return [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(opening),
        *_parties(letter),
        *_property(letter),
        *_claim_summary(letter),
        *_heading(HEADINGS["evidence"]),
        *_evidence_table(letter),
        *_heading(HEADINGS["next_steps"]),
        *_free_text(letter.next_steps),
        *_signatures([(FIELDS["registered_by"], letter.registered_by)]),
    ]


def _respondent_notice(letter: RespondentNoticeContent) -> list[_Row]:
    notice = _fill(
        SENTENCES["respondent_notice"],
        filed=format_date(letter.filed_on),
        office=letter.office.name,
        deadline=format_date(letter.answer_deadline),
    )
    return [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(notice),
        *_parties(letter),
        *_property(letter),
        *_claim_summary(letter),
        *_signatures([(FIELDS["signed_by"], letter.signed_by)]),
    ]


def _registry_extract_request(letter: RegistryExtractRequestContent) -> list[_Row]:
    request = _fill(
        SENTENCES["registry_extract_request"],
        governorate=letter.parcel.governorate,
        office=letter.office.name,
    )
    rows = [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(request),
        *_property(letter),
    ]
    if letter.description:
        rows += [*_heading(HEADINGS["description"]), *_free_text(letter.description)]
    if letter.note:
        rows += [*_heading(HEADINGS["search_note"]), *_free_text(letter.note)]
    return [
        *rows,
        *_parties(letter),
        *_signatures([(FIELDS["signed_by"], letter.signed_by)]),
    ]


def _document_request(letter: DocumentRequestContent) -> list[_Row]:
    request = _fill(
        SENTENCES["document_request"],
        office=letter.office.name,
        deadline=format_date(letter.deadline),
    )
    return [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(request),
        *_heading(HEADINGS["documents"]),
        *_free_text("\n\n".join(letter.documents), bullet=True),
        *_parties(letter),
        *_property(letter),
        *_signatures([(FIELDS["signed_by"], letter.signed_by)]),
    ]


def _hearing_notice(letter: HearingNoticeContent) -> list[_Row]:
    when = format_datetime(letter.hearing_at)
    invitation = _fill(SENTENCES["hearing_notice"], when=when, place=letter.place)
    return [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(invitation),
        *_heading(HEADINGS["hearing"]),
        _field(FIELDS["hearing_at"], when, bold=True),
        _field(FIELDS["place"], letter.place),
        *_parties(letter),
        *_property(letter),
        *_signatures([(FIELDS["signed_by"], letter.signed_by)]),
    ]


def _decision(letter: DecisionLetterContent) -> list[_Row]:
    opening = SENTENCES["decision_group" if len(letter.outcomes) > 1 else "decision"]
    rows = [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(opening),
        *_parties(letter),
        *_property(letter),
        *_heading(HEADINGS["decision"]),
    ]
    for number, item in enumerate(letter.outcomes, start=1):
        outcome = OUTCOMES[item.outcome]
        text = Bilingual(
            f"{number}. Claim {item.claim_number}: {outcome.en}",
            f"{arabic_digits(str(number))}. المطالبة {item.claim_number}: {outcome.ar}",
        )
        if item.compensation is not None:
            amount = format_money(item.compensation.amount, item.compensation.currency)
            sentence = _fill(SENTENCES["compensation"], amount=amount)
            text = Bilingual(f"{text.en} {sentence.en}", f"{text.ar} {sentence.ar}")
        rows += _paragraph(text)
    appeal = _fill(
        SENTENCES["appeal"],
        notified=format_date(letter.notified_on),
        venue=letter.appeal_venue,
        deadline=format_date(letter.appeal_deadline),
    )
    return [
        *rows,
        *_heading(HEADINGS["reasons"]),
        *_free_text(letter.reasons),
        *_heading(HEADINGS["legal_basis"]),
        *_free_text("\n\n".join(letter.legal_provisions), bullet=True),
        *_free_text(letter.legal_basis),
        *_heading(HEADINGS["appeal"]),
        *_paragraph(appeal),
        *_signatures(
            [(FIELDS["drafted_by"], letter.drafted_by), (FIELDS["approved_by"], letter.approved_by)]
        ),
    ]


def _appeal_outcome(letter: AppealOutcomeContent) -> list[_Row]:
    return [
        *_title(LETTER_TITLES[letter.kind]),
        *_paragraph(SENTENCES["appeal_outcome"]),
        *_parties(letter),
        *_property(letter),
        *_heading(HEADINGS["outcome"]),
        *_paragraph(APPEAL_OUTCOMES[letter.appeal_outcome]),
        *_heading(HEADINGS["reasons"]),
        *_free_text(letter.reasons),
        *_signatures([(FIELDS["decided_by"], letter.decided_by)]),
    ]


_BODIES: dict[type, Callable[..., list[_Row]]] = {
    ReceiptContent: _receipt,
    RespondentNoticeContent: _respondent_notice,
    DocumentRequestContent: _document_request,
    RegistryExtractRequestContent: _registry_extract_request,
    HearingNoticeContent: _hearing_notice,
    DecisionLetterContent: _decision,
    AppealOutcomeContent: _appeal_outcome,
}


# Page furniture ---------------------------------------------------------------------

_HEADER_TOP = PAGE_HEIGHT - 40
_HEADER_BOTTOM = PAGE_HEIGHT - 96


def _reference_strip(letter: LetterContent) -> list[_Row]:
    """Claim number(s), date and reference under the header of every page."""
    label = FIELDS["claim_numbers" if len(letter.claim_numbers) > 1 else "claim_number"]
    issued = format_date(letter.issued_on)
    cells = [
        (label, [letter.claim_numbers[i : i + 2] for i in range(0, len(letter.claim_numbers), 2)]),
        (FIELDS["date"], [[issued.en], [issued.ar]]),
        (FIELDS["reference"], [[letter.document_id]]),
    ]
    widths = [CONTENT_WIDTH * 0.44, CONTENT_WIDTH * 0.30, CONTENT_WIDTH * 0.26]
    prepared = []
    left = LEFT
    for (cell_label, values), width in zip(cells, widths, strict=True):
        value_lines = [_lines(", ".join(value), width - 12, AUTO, bold=True)[0] for value in values]
        prepared.append(
            (
                left,
                width,
                _lines(cell_label.en, width / 2, LTR, size=7.5),
                _lines(cell_label.ar, width / 2, RTL, size=8.5),
                value_lines,
            )
        )
        left += width
    lines_high = max(len(values) for *_, values in prepared)
    height = 12 + lines_high * 14 + 6

    def draw(canvas: Canvas, top: float) -> None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        for left, width, label_en, label_ar, values in prepared:
            canvas.rect(left, top - height, width, height, stroke=1, fill=0)
            canvas.setFillColor(MUTED)
            _place(canvas, label_en, left + 5, left + width - 5, top, "left", leading=12)
            _place(canvas, label_ar, left + 5, left + width - 5, top, "right", leading=12)
            canvas.setFillColor(INK)
            _place(canvas, values, left, left + width, top - 13, "center", leading=14)

    return [_Row(height, draw)]


def _draw_page(
    canvas: Canvas, frame: _Frame, placed: list[tuple[_Row, float]], page: int, pages: int
) -> None:
    """One whole page: furniture, body rows and, last so nothing covers them, the
    training and draft marks. Every page goes through here."""
    _draw_furniture(canvas, frame, page, pages)
    for row, top in placed:
        row.draw(canvas, top)
    if frame.training:
        _draw_watermark(canvas, WATERMARK)
    if frame.draft:
        # Below the training mark when both are drawn, so each stays readable.
        _draw_watermark(canvas, DRAFT_MARK, shift=-150 if frame.training else 0)


def _place_sides(
    canvas: Canvas,
    english: Iterable[Line],
    arabic: Iterable[Line],
    left: float,
    top: float,
    *,
    leading: float,
    arabic_leading: float | None = None,
) -> None:
    """English from the left, Arabic from the right, both from `top` in [left, RIGHT]."""
    _place(canvas, english, left, RIGHT, top, "left", leading=leading)
    _place(canvas, arabic, left, RIGHT, top, "right", leading=arabic_leading or leading)


def _draw_furniture(canvas: Canvas, frame: _Frame, page: int, pages: int) -> None:
    commission, office = frame.letter.commission, frame.letter.office
    code, url = frame.code, frame.url
    canvas.setFillColor(ACCENT)
    half = CONTENT_WIDTH / 2 - 40
    _place_sides(
        canvas,
        _lines(commission.en, half, LTR, bold=True, size=11),
        _lines(commission.ar, half, RTL, bold=True, size=13),
        LEFT,
        _HEADER_TOP,
        leading=15,
        arabic_leading=17,
    )
    canvas.setFillColor(INK)
    _place_sides(
        canvas,
        _lines(f"{office.name.en} ({office.code})", half, LTR, size=9.5),
        _lines(office.name.ar, half, RTL, size=11),
        LEFT,
        _HEADER_TOP - 30,
        leading=14,
    )
    _draw_seal(canvas, PAGE_WIDTH / 2, _HEADER_TOP - 20, office.code)
    _rule(canvas, _HEADER_BOTTOM + 4, 1.4, ACCENT)
    _rule(canvas, _HEADER_BOTTOM + 1.5, 0.4, ACCENT)
    top = _HEADER_BOTTOM - 8
    for row in frame.reference_rows:
        row.draw(canvas, top)
        top -= row.height

    # Footer: page number, verification code and where to check it, both languages.
    _rule(canvas, 92, 0.6)
    pages_of = _fill(
        FOOTER["page"],
        page=Bilingual(str(page), arabic_digits(str(page))),
        pages=Bilingual(str(pages), arabic_digits(str(pages))),
    )
    canvas.setFillColor(MUTED)
    _place(
        canvas,
        _lines(f"{pages_of.en} · {pages_of.ar}", CONTENT_WIDTH, LTR, size=8.5),
        LEFT,
        RIGHT,
        91,
        "center",
        leading=13,
    )
    canvas.setFillColor(INK)
    canvas.doForm("qr")
    text_left = LEFT + 68
    coded = _fill(FOOTER["code"], code=code)
    column = (RIGHT - text_left - GUTTER) / 2
    rows = [(coded, True, 74), (FOOTER["verify"], False, 61)]
    if frame.training:
        rows.append((WATERMARK, True, 35))
    if frame.draft:
        rows.append((DRAFT_MARK, True, 22 if frame.training else 35))
    for text, bold, top in rows:
        canvas.setFillColor(WATERMARK_INK if text in (WATERMARK, DRAFT_MARK) else INK)
        _place_sides(
            canvas,
            _lines(text.en, column, LTR, bold=bold, size=8.5),
            _lines(text.ar, column, RTL, bold=bold, size=9.5),
            text_left,
            top,
            leading=13,
        )
    canvas.setFillColor(INK)
    _place(
        canvas,
        _lines(url, RIGHT - text_left, LTR, size=8),
        text_left,
        RIGHT,
        48,
        "center",
        leading=12,
    )


def _draw_seal(canvas: Canvas, x: float, y: float, code: str) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.circle(x, y, 22, stroke=1, fill=0)
    canvas.setLineWidth(0.5)
    canvas.circle(x, y, 19, stroke=1, fill=0)
    canvas.setFillColor(ACCENT)
    _place(
        canvas,
        _lines(code, 40, LTR, bold=True, size=10),
        x - 20,
        x + 20,
        y + 7.5,
        "center",
        leading=14,
    )
    canvas.setFillColor(INK)


def _draw_watermark(canvas: Canvas, mark: Bilingual, *, shift: float = 0) -> None:
    """A mark across the page, above the content so nothing can cover it; `shift`
    moves it along the page's height."""
    canvas.saveState()
    canvas.setFillColor(WATERMARK_INK)
    canvas.setFillAlpha(0.2)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 + shift)
    canvas.rotate(54)
    english = _lines(mark.en, 700, LTR, bold=True, size=34)
    arabic = _lines(mark.ar, 700, RTL, bold=True, size=44)
    _place(canvas, english, -350, 350, 40, "center", leading=44)
    _place(canvas, arabic, -350, 350, -8, "center", leading=56)
    canvas.restoreState()
