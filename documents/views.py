"""Letters on the web: public verification, downloads and issuing from the claim page.

`/verify/<code>` needs no login and says only whether a letter was issued with that
code: its kind, claim number(s), date and whether it is a training letter. Downloads
serve the stored bytes of an issued letter, checked against its recorded hash; a claim
of another workspace or office answers 404, as on the claim page.
"""

from __future__ import annotations

import dataclasses
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from adjudication.operations import pending_decision
from claims.access import visible_claim_or_404
from claims.models import Claim
from commission.accounts.models import Role
from commission.boundary import on_refusal
from commission.clock import local_today
from commission.extensions import db
from commission.panels import ClaimPanel, register_claim_panel
from commission.policy import allow, allow_public
from documents.files import LetterStore, StoredLetterDamaged
from documents.letters import LetterKind
from documents.models import Letter
from documents.operations import (
    LetterSettings,
    issue_letter,
    kinds_to_issue,
    render_draft_decision_letter,
)
from documents.queries import letter_of, letters_of, verify_code
from documents.verification import normalise_code

logger = logging.getLogger(__name__)

bp = Blueprint("documents", __name__, template_folder="templates")

#: Everyone who may open a claim may download its letters.
LETTER_READERS = (Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, Role.ADMIN, Role.TRAINER)

KIND_LABELS = {
    LetterKind.RECEIPT: _l("Receipt of registration"),
    LetterKind.RESPONDENT_NOTICE: _l("Notice to the respondent"),
    LetterKind.DOCUMENT_REQUEST: _l("Request for documents"),
    LetterKind.HEARING_NOTICE: _l("Notice of hearing"),
    LetterKind.DECISION: _l("Decision letter"),
    LetterKind.APPEAL_OUTCOME: _l("Decision on appeal"),
    LetterKind.REGISTRY_EXTRACT_REQUEST: _l("Request for a registry extract"),
}
ISSUE_LABELS = {
    LetterKind.RECEIPT: _l("Issue the receipt"),
    LetterKind.RESPONDENT_NOTICE: _l("Issue the notice to the respondent"),
    LetterKind.DOCUMENT_REQUEST: _l("Issue the request for documents"),
    LetterKind.HEARING_NOTICE: _l("Issue the hearing notice"),
    LetterKind.DECISION: _l("Issue the decision letter"),
    LetterKind.APPEAL_OUTCOME: _l("Issue the appeal decision letter"),
    LetterKind.REGISTRY_EXTRACT_REQUEST: _l("Issue the request for a registry extract"),
}


def _store() -> LetterStore:
    return LetterStore(current_app.config["QAYD_DATA_DIR"])


def _settings() -> LetterSettings:
    return LetterSettings.from_config(
        current_app.config, verify_base_url=url_for(".verify_form", _external=True)
    )


# --------------------------------------------------------------------------- claim page


@dataclasses.dataclass(frozen=True)
class ClaimLetters:
    issued: list[Letter]
    to_issue: list[LetterKind]


def claim_letters(claim: Claim) -> ClaimLetters:
    """The claim's letters and the ones that could be issued now, for the claim page."""
    return ClaimLetters(letters_of(db.session, claim), kinds_to_issue(db.session, claim))


def _letters_panel(claim: Claim) -> dict:
    return {
        "claim_letters": claim_letters(claim),
        "letter_kind_labels": KIND_LABELS,
        "issue_letter_labels": ISSUE_LABELS,
    }


bp.record_once(
    lambda state: register_claim_panel(
        state.app, ClaimPanel("letters", 200, "documents/_claim_letters.html", _letters_panel)
    )
)


# --------------------------------------------------------------------------- issue


@bp.route("/claims/<number>/letters/receipt", methods=["POST"])
@allow(Role.CLERK, Role.ADJUDICATOR)
def issue_receipt(number: str):
    return _issue(number, LetterKind.RECEIPT)


@bp.route("/claims/<number>/letters/<kind>", methods=["POST"])
@allow(Role.ADJUDICATOR, Role.REVIEWER)
def issue_letter_view(number: str, kind: str):
    try:
        letter_kind = LetterKind(kind)
    except ValueError:
        abort(404)
    # The receipt has its own endpoint, which clerks may call too.
    if letter_kind == LetterKind.RECEIPT:
        abort(404)
    return _issue(number, letter_kind)


def _issue(number: str, kind: LetterKind):
    claim = visible_claim_or_404(number)
    back = url_for("claims.claim_page", number=claim.number, _anchor="letters")
    on_refusal(back=back)
    letter = issue_letter(
        db.session, claim, kind, by=current_user, settings=_settings(), store=_store()
    )
    flash(
        _(
            "%(letter)s issued, verification code %(code)s.",
            letter=KIND_LABELS[kind],
            code=letter.verification_code,
        ),
        "info",
    )
    return redirect(back)


# --------------------------------------------------------------------------- download


@bp.route("/claims/<number>/letters/<int:letter_id>.pdf")
@allow(*LETTER_READERS)
def download(number: str, letter_id: int):
    claim = visible_claim_or_404(number)
    letter = letter_of(db.session, claim, letter_id)
    if letter is None:
        abort(404)
    try:
        data = _store().read_checked(letter.sha256)
    except StoredLetterDamaged as damage:
        # The row says what was issued: a missing or altered file is damage to report.
        logger.error("letter %s of claim %s: %s", letter.id, claim.number, damage)
        abort(500)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{claim.number}-{letter.kind}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- draft


@bp.route("/claims/<number>/letters/draft-decision.pdf")
@allow(Role.ADJUDICATOR, Role.REVIEWER)
def draft_decision_letter(number: str):
    """The decision letter of the claim's pending draft, marked DRAFT, rendered on every
    request and never stored: for the reviewer, and for the adjudicator the claim is
    assigned to, to read before the draft is approved."""
    claim = visible_claim_or_404(number)
    if Role.REVIEWER not in current_user.roles and claim.assigned_to_id != current_user.id:
        abort(403)
    draft = pending_decision(db.session, claim)
    if draft is None:
        abort(404)
    pdf = render_draft_decision_letter(
        db.session,
        draft,
        _settings(),
        today=local_today(),
        appeal_days=current_app.config["APPEAL_DAYS"],
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="{claim.number}-decision-DRAFT.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- verify


@bp.route("/verify")
@allow_public
def verify_form():
    """The code as typed from a letter: shown at its canonical address."""
    typed = request.args.get("code", "").strip()
    if not typed:
        return render_template("documents/verify.html", code=None, verified=None)
    code = normalise_code(typed)
    if code is None:
        return render_template("documents/verify.html", code=typed, verified=None), 404
    return redirect(url_for(".verify", code=code))


@bp.route("/verify/<code>")
@allow_public
def verify(code: str):
    normalised = normalise_code(code)
    verified = verify_code(db.session, normalised) if normalised else None
    page = render_template(
        "documents/verify.html",
        code=normalised or code,
        verified=verified,
        letter_kind_labels=KIND_LABELS,
    )
    return page, 200 if verified else 404
