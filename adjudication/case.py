"""What the claim page shows of a claim's case (its panels, registered with
commission.panels), and the labels every adjudication screen uses."""

from __future__ import annotations

from flask import Flask, current_app
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
from commission.panels import ClaimPanel, register_claim_panel


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
    """The case panel: the actions the user may take now, and the labels."""
    actions = available_to(db.session, claim, current_user, local_today())
    return {
        "case_actions": [(action, needs_form(action)) for action in actions],
        **case_labels(),
    }


def timeline_context(claim: Claim) -> dict:
    """The history panel (its labels come with the case panel)."""
    return {"timeline": timeline(db.session, claim)}


def register_case_panels(app: Flask) -> None:
    register_claim_panel(app, ClaimPanel("case", 10, "adjudication/_case.html", case_context))
    register_claim_panel(
        app, ClaimPanel("history", 900, "adjudication/_timeline.html", timeline_context)
    )
