"""Rendered letters read back and checked with qpdf's checks (tests.documents.pdf)."""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
import sys

import pytest

from adjudication.domain import AppealOutcome
from adjudication.labels import APPEAL_OUTCOMES, OUTCOMES
from commission.bilingual import Bilingual
from documents.labels import WATERMARK
from documents.letters import Signatory
from documents.verification import verification_code
from tests.documents import samples
from tests.documents.pdf import (
    page_lines,
    page_texts,
    render,
    render_to,
    squeezed,
    syntax_problems,
)

KINDS = sorted(samples.ALL_KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_letter_shows_claim_number_names_and_reference(tmp_path, kind):
    letter = samples.ALL_KINDS[kind]()
    text = "\n".join(page_texts(render_to(tmp_path, letter)))

    assert "BGD-2026-000123" in text
    assert "BGD-L-2026-004512" in text
    for party in letter.parties:
        assert party.name in text
    assert samples.PARCEL.parcel_no in text


def test_decision_letter_covers_each_claim_of_a_conflict_group(tmp_path):
    letter = samples.decision(group=True)
    text = "\n".join(page_texts(render_to(tmp_path, letter)))

    # The columns are read line by line, so each sentence is looked for by its start.
    for item in letter.outcomes:
        opening = " ".join(OUTCOMES[item.outcome].en.split()[:4])
        assert f"Claim {item.claim_number}: {opening}" in text
    assert squeezed("رد المطالبة موضوع") in squeezed(text)
    assert "25,000,000 IQD" in text
    assert "٢٥٬٠٠٠٬٠٠٠" in text
    assert "Zainab Kareem Mahdi" in text and samples.REVIEWER.name.en in text


def test_signatures_name_the_signer_in_latin_and_arabic_script(tmp_path):
    text = "\n".join(page_texts(render_to(tmp_path, samples.decision())))

    for signatory in (samples.ADJUDICATOR, samples.REVIEWER):
        assert signatory.name.en in text
        assert squeezed(signatory.name.ar) in squeezed(text)


def test_a_long_signer_name_wraps_above_the_title_not_over_it(tmp_path):
    # Four-part names in Latin script are longer than half a signature block.
    long_name = Signatory(
        Bilingual("Abd al-Karim Fadel Salih al-Hamdani", "عبد الكريم فاضل صالح الحمداني"),
        samples.ADJUDICATOR.title,
    )
    letter = dataclasses.replace(samples.decision(), drafted_by=long_name)
    lines = [line for page in page_lines(render_to(tmp_path, letter)) for line in page]

    name_lines = [line for line in lines if line.text in ("Abd al-Karim Fadel Salih", "al-Hamdani")]
    (title,) = [line for line in lines if line.text == samples.ADJUDICATOR.title.en]
    assert len(name_lines) == 2  # wrapped
    assert all(line.y - title.y >= 10 for line in name_lines)


def test_appeal_outcome_letter_states_the_outcome(tmp_path):
    text = "\n".join(page_texts(render_to(tmp_path, samples.appeal_outcome())))
    outcome = APPEAL_OUTCOMES[AppealOutcome.REMANDED]

    assert " ".join(outcome.en.split()[:6]) in text
    assert " ".join(outcome.ar.split()[:3]) in text


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("training", [False, True], ids=["operational", "training"])
def test_qpdf_finds_no_error(tmp_path, kind, training):
    pdf = render_to(tmp_path, samples.ALL_KINDS[kind](long=True), training=training)

    assert syntax_problems(pdf) == []


@pytest.mark.parametrize("kind", KINDS)
def test_long_letter_numbers_every_page_x_of_y(tmp_path, kind):
    pages = page_texts(render_to(tmp_path, samples.ALL_KINDS[kind](long=True)))

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        # The header and the claim number repeat on every page.
        assert "BGD-2026-000123" in text
        assert samples.COMMISSION.en.split()[0] in text


def test_multi_line_arabic_paragraph_starts_on_its_first_line(tmp_path):
    letter = samples.decision(reasons=samples.ARABIC_REASONS)
    lines = page_lines(render_to(tmp_path, letter))[0]

    first = next(line for line in lines if squeezed("ثبت للهيئة") in squeezed(line.text))
    last = next(line for line in lines if squeezed("التسجيل العقاري.") in squeezed(line.text))

    assert squeezed(first.text).startswith(squeezed(samples.ARABIC_REASONS_OPENING))
    assert last.y < first.y, "the paragraph's last words must come on a lower line"


def test_latin_names_and_numbers_inside_arabic_keep_their_order(tmp_path):
    letter = samples.decision(reasons=samples.ARABIC_REASONS)
    text = squeezed(page_texts(render_to(tmp_path, letter))[0])

    assert squeezed("ولم يقدم المدعى عليه Khalid Hassan Al-Obaidi ما يثبت") in text
    assert squeezed("العقار المرقم 345/6 مقاطعة 12 الكرادة") in text
    assert squeezed("قرار مجلس قيادة الثورة (المنحل) رقم 1 لسنة 1980") in text


def test_kurdish_and_arabic_indic_digits_survive(tmp_path):
    letter = samples.decision(reasons=samples.ARABIC_REASONS)
    text = squeezed(page_texts(render_to(tmp_path, letter))[0])

    assert squeezed(samples.KURDISH_NAME) in text
    assert squeezed("١٤ آذار ٢٠٢٦") in text


@pytest.mark.parametrize("kind", KINDS)
def test_training_watermark_is_on_every_page(tmp_path, kind):
    pages = page_texts(render_to(tmp_path, samples.ALL_KINDS[kind](long=True), training=True))

    assert len(pages) >= 2
    for text in pages:
        # Once in the footer, once across the page.
        assert text.count("TRAINING") >= 2
        assert text.count(WATERMARK.ar) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_operational_letter_has_no_watermark(tmp_path, kind):
    pages = page_texts(render_to(tmp_path, samples.ALL_KINDS[kind](long=True)))

    for text in pages:
        assert "TRAINING" not in text
        assert WATERMARK.ar not in text


def test_letter_prints_its_verification_code_and_url(tmp_path):
    letter = samples.decision(long=True)
    code = verification_code(letter, training=False)

    for text in page_texts(render_to(tmp_path, letter)):
        assert f"Verification code: {code}" in text
        assert f"{samples.VERIFY_BASE_URL}{code}" in text


@pytest.mark.parametrize("training", [False, True], ids=["operational", "training"])
def test_same_inputs_give_identical_bytes(training):
    first = render(samples.decision(long=True, group=True), training=training)
    again = render(samples.decision(long=True, group=True), training=training)

    assert first == again


def test_same_inputs_give_identical_bytes_in_a_fresh_process():
    # Glyph codes must not depend on what the process rendered before.
    script = (
        "import hashlib, sys\n"
        "from tests.documents import samples\n"
        "from tests.documents.pdf import render\n"
        "sys.stdout.write(hashlib.sha256(render(samples.decision())).hexdigest())\n"
    )
    render(samples.appeal_outcome(long=True))
    here = hashlib.sha256(render(samples.decision())).hexdigest()

    fresh = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout

    assert fresh == here


def test_different_inputs_give_different_bytes_and_codes():
    letter = samples.decision()
    changed = dataclasses.replace(letter, reasons=letter.reasons + " ")

    assert render(letter) != render(changed)
    assert verification_code(letter, training=False) != verification_code(changed, training=False)


def test_render_letter_requires_the_training_flag():
    from documents.render import render_letter

    with pytest.raises(TypeError):
        render_letter(samples.receipt(), verify_base_url=samples.VERIFY_BASE_URL)
