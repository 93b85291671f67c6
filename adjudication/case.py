"""What the claim page shows of a claim's case, and the labels every adjudication screen
uses. Kept apart from the views so that the claim page (claims.views) can show the case
without importing another package's views."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from adjudication.forms import (
    ACTION_LABELS,
    APPEAL_OUTCOME_LABELS,
    OUTCOME_LABELS,
    coded_label,
    needs_form,
)
from adjudication.operations import available_to
from adjudication.queries import timeline
from claims.forms import STATE_LABELS
from claims.models import Claim
from commission.clock import local_today
from commission.extensions import db


def case_labels() -> dict:
    """Labels of actions, states and outcomes, and the configured codes' labels."""
    config = current_app.config
    return {
        "action_labels": ACTION_LABELS,
        "state_labels": STATE_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "appeal_outcome_labels": APPEAL_OUTCOME_LABELS,
        "reason_label": lambda code: coded_label(
            {
                **config["ANNULMENT_REASONS"],
                **config["INADMISSIBILITY_REASONS"],
                **config["REJECTION_REASONS"],
            },
            code,
        ),
        "provision_label": lambda code: coded_label(config["LEGAL_PROVISIONS"], code),
        "today": local_today(),
        "near_days": config["NEAR_DEADLINE_DAYS"],
    }


def case_context(claim: Claim) -> dict:
    """What the claim page shows of the case: the actions the user may take now, and
    the timeline."""
    actions = available_to(db.session, claim, current_user, local_today())
    return {
        "case_actions": [(action, needs_form(action)) for action in actions],
        "timeline": timeline(db.session, claim),
        **case_labels(),
    }
