"""Finding the claim a request names, for every view that shows or acts on one."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from claims.models import Claim
from claims.queries import claim_visible_to, find_claim
from commission.extensions import db


def visible_claim_or_404(number: str) -> Claim:
    """The claim of that number if the current user may see it; 404 otherwise, also for
    a claim of another office or workspace, so that its existence is not confirmed."""
    claim = find_claim(db.session, number)
    if claim is None or not claim_visible_to(claim, current_user):
        abort(404)
    return claim
