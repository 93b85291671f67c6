"""Letters issued from real database state: content, storage, idempotence, training."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.models import Decision, DecisionClaim
from adjudication.operations import ClaimOutcome
from adjudication.workflow import Action
from claims.domain import ClaimState
from claims.models import Claim
from commission.audit import chain_head_seq
from commission.extensions import db
from commission.workspaces import operational_workspace_id, use_workspace
from documents.files import LetterStore
from documents.letters import LetterKind
from documents.models import Letter, LetterClaim, LetterImmutable
from documents.operations import (
    LetterNotAvailable,
    LetterSettings,
    find_source,
    issue_letter,
    kinds_to_issue,
    letter_content,
)
from documents.render import render_letter
from documents.verification import is_training_code
from tests.documents.pdf import page_texts, squeezed
from tests.support.adjudication import Cases, Staff
from tests.support.claims import TODAY, IntakeContext, evidence_input

CLAIMANT = "محمد عبد الرحمن حسين الجبوري"
RESPONDENT = "سعد جاسم العبيدي"


def settings(app) -> LetterSettings:
    return LetterSettings.from_config(app.config, verify_base_url="https://qayd.test/verify")


def issue(app, claim, kind, by=None) -> Letter:
    return issue_letter(
        db.session,
        claim,
        kind,
        by=by,
        settings=settings(app),
        store=LetterStore(app.config["QAYD_DATA_DIR"]),
    )


def stored(app, letter: Letter) -> bytes:
    return LetterStore(app.config["QAYD_DATA_DIR"]).read_checked(letter.sha256)


def text_of(app, letter: Letter, tmp_path: Path) -> str:
    path = tmp_path / f"{letter.id}.pdf"
    path.write_bytes(stored(app, letter))
    return squeezed("\n".join(page_texts(path)))


@pytest.fixture
def operational_cases(app, make_user):
    """Cases in the operational workspace, which the whole run shares; never committed."""
    with app.app_context():
        intake = IntakeContext(app, operational_workspace_id(db.session))
        with use_workspace(intake.workspace_id):
            yield Cases(intake, Staff(make_user))
        db.session.remove()


def test_receipt_prints_claim_number_parties_parcel_and_evidence(app, cases, tmp_path):
    claim = cases.intake.register(evidence=[evidence_input()])
    letter = issue(app, claim, LetterKind.RECEIPT)

    text = text_of(app, letter, tmp_path)
    assert claim.number in text
    assert squeezed(CLAIMANT) in text
    assert "345/6" in text
    assert claim.evidence[0].sha256[:12] in text
    assert letter.document_id == f"{claim.number}-R"
    # The day of registration in the commission's time zone (Baghdad, UTC+3), not UTC's.
    baghdad = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    assert letter.issued_on == claim.registered_at.astimezone(baghdad).date()
    assert [covered.claim_id for covered in letter.covered] == [claim.id]


def test_letter_row_records_hash_size_and_stored_file(app, cases):
    claim = cases.register()
    letter = issue(app, claim, LetterKind.RECEIPT, by=cases.staff.clerk)
    data = stored(app, letter)
    assert hashlib.sha256(data).hexdigest() == letter.sha256
    assert len(data) == letter.size_bytes
    assert data.startswith(b"%PDF-")
    assert letter.issued_by_id == cases.staff.clerk.id
    # The file goes into its place when the transaction commits.
    db.session.commit()
    path = Path(app.config["QAYD_DATA_DIR"]) / "letters" / letter.sha256[:2]
    assert (path / letter.sha256[2:4] / letter.sha256).is_file()


def test_issuing_again_returns_the_stored_letter(app, cases):
    claim = cases.register()
    first = issue(app, claim, LetterKind.RECEIPT)
    db.session.commit()
    again = issue(app, claim, LetterKind.RECEIPT)
    assert again.id == first.id
    count = db.session.scalar(
        select(db.func.count()).select_from(Letter).where(Letter.claim_id == claim.id)
    )
    assert count == 1


def test_the_same_record_renders_the_same_bytes_again(app, cases):
    """Everything printed comes from the database: a lost file could be rebuilt."""
    claim = cases.register()
    letter = issue(app, claim, LetterKind.RECEIPT)
    source = find_source(db.session, claim, LetterKind.RECEIPT)
    again = render_letter(
        letter_content(db.session, source, settings(app)),
        training=letter.is_training,
        verify_base_url="https://qayd.test/verify",
    )
    assert again == stored(app, letter)


def test_issued_letter_cannot_be_changed(app, cases):
    letter = issue(app, cases.register(), LetterKind.RECEIPT)
    db.session.commit()
    letter.sha256 = "0" * 64
    with pytest.raises(LetterImmutable):
        db.session.flush()
    db.session.rollback()


def test_respondent_notice_carries_the_answer_deadline(app, cases, tmp_path):
    claim = cases.in_state(ClaimState.SCREENING)
    cases.act(claim, Action.SERVE_RESPONDENT, cases.staff.adjudicator)
    letter = issue(app, claim, LetterKind.RESPONDENT_NOTICE)

    text = text_of(app, letter, tmp_path)
    assert claim.deadline_on == TODAY + timedelta(days=45)
    assert claim.deadline_on.strftime("%-d") in text
    assert "NOTICETOTHERESPONDENT" in text.upper()
    assert squeezed(RESPONDENT) in text
    assert squeezed(cases.staff.adjudicator.full_name) in text


def test_document_request_lists_the_documents_of_the_transition(app, cases, tmp_path):
    claim = cases.in_state(ClaimState.SCREENING)
    cases.act(
        claim,
        Action.REQUEST_DOCUMENTS,
        cases.staff.adjudicator,
        comment="- Certified copy of the title deed\n- Death certificate of the owner",
    )
    letter = issue(app, claim, LetterKind.DOCUMENT_REQUEST)

    text = text_of(app, letter, tmp_path)
    assert "Certifiedcopyofthetitledeed" in text
    assert "Deathcertificateoftheowner" in text
    assert claim.number in text


def test_hearing_notice_for_a_scheduled_hearing(app, cases, tmp_path):
    claim = cases.in_state(ClaimState.UNDER_REVIEW)
    cases.act(claim, Action.SCHEDULE_HEARING, cases.staff.adjudicator)
    letter = issue(app, claim, LetterKind.HEARING_NOTICE)

    text = text_of(app, letter, tmp_path)
    assert "Baghdadoffice,room2" in text
    # 09:30 UTC is 12:30 in Baghdad, the time the parties must come.
    assert "12:30" in text


def test_decision_letter_states_outcome_reasons_and_provision(app, cases, tmp_path):
    cases.staff.other_adjudicator.full_name = "Omar Khalid al-Jubouri"
    cases.staff.other_adjudicator.name_ar = "عمر خالد الجبوري"
    cases.staff.second_reviewer.full_name = "Huda Salman al-Tamimi"
    cases.staff.second_reviewer.name_ar = "هدى سلمان التميمي"
    claim = cases.in_state(ClaimState.DECISION_ISSUED)
    letter = issue(app, claim, LetterKind.DECISION)

    text = text_of(app, letter, tmp_path)
    assert claim.number in text
    assert squeezed(CLAIMANT) in text
    assert "propertyistoberestoredtotheclaimant" in text
    assert "1975titledeed" in text
    assert "LawNo.13of2010" in text
    # The drafter and the approver sign in both scripts, as their accounts name them.
    assert "OmarKhalidal-Jubouri" in text and squeezed("عمر خالد الجبوري") in text
    assert "HudaSalmanal-Tamimi" in text and squeezed("هدى سلمان التميمي") in text
    assert letter.decision_id is not None


def test_one_decision_letter_covers_every_claim_of_a_group(app, cases, tmp_path):
    first = cases.in_state(ClaimState.DECISION_ISSUED)
    second = cases.in_state(ClaimState.DECISION_ISSUED, claim=cases.register(family="العبيدي"))
    # One decision on both: the second claim's own decision is replaced by a group one.
    decision = Decision(
        status=DecisionStatus.ISSUED,
        reasons="Both claims concern parcel 345/6; the older title prevails.",
        legal_basis="law13_confiscation",
        drafted_by_id=cases.staff.other_adjudicator.id,
        approved_by_id=cases.staff.second_reviewer.id,
        issued_at=datetime(2026, 11, 22, 9, tzinfo=UTC),
        notified_on=TODAY,
        appeal_deadline=TODAY + timedelta(days=30),
        outcomes=[
            DecisionClaim(claim_id=first.id, outcome=Outcome.RESTITUTION),
            DecisionClaim(
                claim_id=second.id,
                outcome=Outcome.COMPENSATION,
                compensation_amount=Decimal("25000000"),
                compensation_currency="IQD",
            ),
        ],
    )
    db.session.add(decision)
    db.session.flush()

    letter = issue(app, first, LetterKind.DECISION)
    assert letter.decision_id == decision.id
    assert issue(app, second, LetterKind.DECISION).id == letter.id
    covered = db.session.scalars(
        select(LetterClaim.claim_id).where(LetterClaim.letter_id == letter.id)
    )
    assert set(covered) == {first.id, second.id}
    text = text_of(app, letter, tmp_path)
    assert first.number in text and second.number in text
    assert "25,000,000IQD" in text


def test_appeal_outcome_letter_for_a_decided_appeal(app, cases, tmp_path):
    claim = cases.in_state(ClaimState.APPEAL_DECIDED, appeal_outcome=AppealOutcome.UPHELD)
    letter = issue(app, claim, LetterKind.APPEAL_OUTCOME)
    text = text_of(app, letter, tmp_path)
    assert claim.number in text
    assert "upheld" in text.lower()


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (LetterKind.RESPONDENT_NOTICE, ClaimState.SCREENING),
        (LetterKind.DOCUMENT_REQUEST, ClaimState.SCREENING),
        (LetterKind.HEARING_NOTICE, ClaimState.UNDER_REVIEW),
        (LetterKind.DECISION, ClaimState.DECISION_DRAFTED),
        (LetterKind.APPEAL_OUTCOME, ClaimState.APPEALED),
    ],
)
def test_a_letter_without_its_record_is_refused_and_nothing_is_stored(app, cases, kind, state):
    claim = cases.in_state(state)
    with pytest.raises(LetterNotAvailable):
        issue(app, claim, kind)
    assert db.session.scalar(select(Letter).where(Letter.claim_id == claim.id)) is None


def test_a_notice_is_issued_only_while_its_deadline_runs(app, cases):
    claim = cases.in_state(ClaimState.SCREENING)
    cases.act(claim, Action.SERVE_RESPONDENT, cases.staff.adjudicator)
    assert LetterKind.RESPONDENT_NOTICE in kinds_to_issue(db.session, claim)
    cases.act(claim, Action.RECORD_ANSWER, cases.staff.adjudicator)
    assert LetterKind.RESPONDENT_NOTICE not in kinds_to_issue(db.session, claim)
    with pytest.raises(LetterNotAvailable):
        issue(app, claim, LetterKind.RESPONDENT_NOTICE)


def test_a_notice_issued_in_time_is_still_served_afterwards(app, cases):
    claim = cases.in_state(ClaimState.SCREENING)
    cases.act(claim, Action.SERVE_RESPONDENT, cases.staff.adjudicator)
    letter = issue(app, claim, LetterKind.RESPONDENT_NOTICE)
    cases.act(claim, Action.RECORD_ANSWER, cases.staff.adjudicator)
    assert issue(app, claim, LetterKind.RESPONDENT_NOTICE).id == letter.id


def test_kinds_to_issue_follow_the_claims_records(app, cases):
    claim = cases.in_state(ClaimState.DECISION_ISSUED)
    assert kinds_to_issue(db.session, claim) == [LetterKind.RECEIPT, LetterKind.DECISION]
    issue(app, claim, LetterKind.DECISION)
    assert kinds_to_issue(db.session, claim) == [LetterKind.RECEIPT]


def test_training_workspace_letters_are_watermarked(app, cases, tmp_path):
    """The test workspace is a training one: its kind alone makes the letter training."""
    letter = issue(app, cases.register(), LetterKind.RECEIPT)
    assert letter.is_training
    assert is_training_code(letter.verification_code)
    path = tmp_path / "training.pdf"
    path.write_bytes(stored(app, letter))
    assert all("TRAINING" in page for page in page_texts(path))


def test_operational_letters_are_not_watermarked(app, operational_cases, tmp_path):
    letter = issue(app, operational_cases.register(), LetterKind.RECEIPT)
    assert not letter.is_training
    assert not is_training_code(letter.verification_code)
    path = tmp_path / "operational.pdf"
    path.write_bytes(stored(app, letter))
    assert not any("TRAINING" in page for page in page_texts(path))
    db.session.rollback()


def test_a_claim_drafted_with_the_workflow_gets_its_decision_letter(app, cases, tmp_path):
    """Through perform(): draft by the assigned adjudicator, approval by a reviewer."""
    claim = cases.in_state(ClaimState.UNDER_REVIEW)
    cases.act(
        claim,
        Action.DRAFT_DECISION,
        cases.staff.adjudicator,
        comment="Le titre de 1975 est authentique. العقار مسجل باسم والد المدعي.",
        outcomes={claim.id: ClaimOutcome(Outcome.REJECTION, reason_code="no_proof_of_ownership")},
    )
    cases.act(claim, Action.APPROVE_DECISION, cases.staff.reviewer)
    letter = issue(app, claim, LetterKind.DECISION)
    text = text_of(app, letter, tmp_path)
    assert "Noproofofownership" in text
    assert squeezed("عدم إثبات الملكية") in text
    assert db.session.get(Claim, claim.id).state == ClaimState.DECISION_ISSUED


def test_a_letter_records_how_far_the_audit_chain_had_come(app, cases):
    claim = cases.register()
    db.session.commit()
    chain_length = chain_head_seq(db.session, claim.workspace_id)
    letter = issue(app, claim, LetterKind.RECEIPT)
    db.session.commit()
    assert chain_length > 0
    assert letter.audit_seq == chain_length
    assert chain_head_seq(db.session, claim.workspace_id) > letter.audit_seq
