"""Claim states. The transition table that moves claims between them comes with the
workflow; intake only creates claims in `registered`."""

from __future__ import annotations

import enum


class ClaimState(enum.StrEnum):
    REGISTERED = "registered"
    SCREENING = "screening"
    INCOMPLETE = "incomplete"
    ANNULLED = "annulled"
    INADMISSIBLE = "inadmissible"
    RESPONDENT_NOTICE = "respondent_notice"
    UNDER_REVIEW = "under_review"
    HEARING_SCHEDULED = "hearing_scheduled"
    DECISION_DRAFTED = "decision_drafted"
    DECISION_ISSUED = "decision_issued"
    APPEALED = "appealed"
    APPEAL_DECIDED = "appeal_decided"
    FINAL = "final"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
