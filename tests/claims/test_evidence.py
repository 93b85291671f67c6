"""Documents after registration: filed in any state before the claim is final, never
deleted, only marked superseded or void with a reason; audited and in the history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adjudication.queries import timeline
from claims.domain import ClaimState, EvidenceKind, EvidenceStatus
from claims.files import EvidenceStore, check_upload
from claims.operations import (
    EVIDENCE_CLOSED_STATES,
    EvidenceRefused,
    add_evidence,
    supersede_evidence,
    void_evidence,
)
from commission.audit import AuditEntry
from commission.extensions import db
from commission.refusals import RefusalKind
from tests.support.claims import png_bytes

OPEN_STATES = [state for state in ClaimState if state not in EVIDENCE_CLOSED_STATES]


def _upload(colour=(1, 2, 3), name="سند الملكية.png"):
    return check_upload(png_bytes(colour), name, max_bytes=10_000_000)


def _store(cases) -> EvidenceStore:
    return EvidenceStore(cases.intake.app.config["QAYD_DATA_DIR"])


def _file(cases, claim, by, colour=(1, 2, 3), note="Original seen, copy filed."):
    return add_evidence(
        db.session,
        claim,
        _upload(colour),
        kind=EvidenceKind.TITLE_DEED,
        note=note,
        by=by,
        store=_store(cases),
    )


@pytest.mark.parametrize("state", OPEN_STATES)
def test_a_document_is_filed_in_every_state_before_final(cases, staff, state):
    claim = cases.in_state(state)
    evidence = _file(cases, claim, staff.clerk)
    assert evidence in claim.evidence
    assert (evidence.added_in_state, evidence.note) == (state, "Original seen, copy filed.")
    assert evidence.uploaded_by_id == staff.clerk.id
    db.session.commit()  # the audit chain is appended at commit
    audited = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "evidence", AuditEntry.entity_id == str(evidence.id)
        )
    ).all()
    assert [entry.action for entry in audited] == ["create"]


@pytest.mark.parametrize("state", sorted(EVIDENCE_CLOSED_STATES))
def test_no_document_is_filed_or_marked_once_the_claim_is_final(cases, staff, state):
    claim = cases.register()
    filed = _file(cases, claim, staff.clerk)
    claim.state = state
    with pytest.raises(EvidenceRefused) as refused:
        _file(cases, claim, staff.clerk, colour=(9, 9, 9))
    assert refused.value.kind == RefusalKind.REFUSED
    with pytest.raises(EvidenceRefused):
        void_evidence(db.session, filed, reason="Filed on the wrong claim.", by=staff.clerk)
    assert len(claim.evidence) == 1 and filed.is_current


def test_void_and_superseded_keep_the_file_and_show_in_the_history(cases, staff):
    claim = cases.in_state(ClaimState.INCOMPLETE)
    blurred = _file(cases, claim, staff.clerk, colour=(5, 5, 5), note="Photocopy, hard to read.")
    wrong = _file(cases, claim, staff.clerk, colour=(6, 6, 6), note="")
    better = _file(cases, claim, staff.adjudicator, colour=(7, 7, 7), note="Clear copy.")

    supersede_evidence(db.session, blurred, reason="A clear copy came in.", by=staff.adjudicator)
    void_evidence(db.session, wrong, reason="Another family's deed.", by=staff.clerk)

    assert [one.status for one in claim.evidence] == [
        EvidenceStatus.SUPERSEDED,
        EvidenceStatus.VOID,
        EvidenceStatus.CURRENT,
    ]
    assert blurred.status_reason == "A clear copy came in."
    assert wrong.status_changed_by_id == staff.clerk.id
    store = _store(cases)
    db.session.commit()
    for one in (blurred, wrong, better):
        assert store.path_for(one.sha256).read_bytes() == png_bytes(
            {blurred: (5, 5, 5), wrong: (6, 6, 6), better: (7, 7, 7)}[one]
        )
    events = [(event.kind, event.record) for event in timeline(db.session, claim)]
    assert ("evidence_added", better) in events
    assert ("evidence_marked", blurred) in events and ("evidence_marked", wrong) in events


def test_a_mark_needs_a_reason_and_happens_once(cases, staff):
    claim = cases.in_state(ClaimState.SCREENING)
    evidence = _file(cases, claim, staff.clerk)
    with pytest.raises(EvidenceRefused) as refused:
        void_evidence(db.session, evidence, reason="  ", by=staff.clerk)
    assert refused.value.kind == RefusalKind.INPUT and evidence.is_current
    void_evidence(db.session, evidence, reason="Wrong claim.", by=staff.clerk)
    with pytest.raises(EvidenceRefused):
        supersede_evidence(db.session, evidence, reason="Better copy.", by=staff.clerk)
    assert evidence.status == EvidenceStatus.VOID
