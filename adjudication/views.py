"""Adjudication screens and API: the actions on a claim, work queues, assignment, hearings.

Every action, from a button, a form page or the JSON API, goes through
`adjudication.operations.perform`; the views only turn the request into its input. Its
refusals are answered by the request boundary (commission.boundary): a stale version is
a message and a reload (409 in the API), a refused guard a message (422), a role the
rule does not name a 403, invalid input the form again with its errors (400).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from adjudication.case import case_labels, register_case_panels
from adjudication.domain import AppealOutcome, Outcome
from adjudication.forms import (
    ACTION_FIELDS,
    ACTION_LABELS,
    COMMENT_LABELS,
    ActionForm,
    AssignForm,
    coded_choices,
    needs_form,
)
from adjudication.operations import (
    ActionInput,
    ActionRefused,
    ClaimOutcome,
    InvalidActionInput,
    WorkflowSettings,
    acting_of,
    assign_claims,
    available_to,
    check_allowed,
    claim_facts,
    draft_hash,
    members_of_decision,
    pending_decision,
    perform,
    review_pair,
)
from adjudication.queries import deadlines, draft_review, hearing_calendar, my_cases, unassigned
from adjudication.workflow import Action, refusal, rule_for
from claims.access import visible_claim_or_404
from claims.domain import ReviewFinding
from claims.forms import FINDING_LABELS, STATE_LABELS, CandidateReviewForm
from claims.models import Claim, ConflictCandidate
from claims.queries import claim_visible_to, find_claim, pair_visible_to
from commission.accounts.models import Office, Role, User, UserRole
from commission.boundary import message_text, on_refusal
from commission.clock import commission_zone, local_today
from commission.confirm import confirmation_step
from commission.extensions import db
from commission.params import date_arg, int_arg, text_arg
from commission.policy import allow
from commission.refusals import N_, Refusal, RefusalKind
from commission.text import UnacceptableCharacter, clean_text

bp = Blueprint("adjudication", __name__, url_prefix="/adjudication", template_folder="templates")
api = Blueprint("adjudication_api", __name__, url_prefix="/api")
bp.record_once(lambda state: register_case_panels(state.app))

#: Everyone who may act on a claim at some point of its life.
ACTORS = (Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER)
HEARING_DAYS_SHOWN = 14
UNASSIGNED_PAGE_SIZE = 50


class MalformedRequest(Refusal):
    """An API request that is not what the API reads."""

    kind = RefusalKind.INPUT


def _settings() -> WorkflowSettings:
    return WorkflowSettings.from_config(current_app.config)


# --------------------------------------------------------------------------- actions


def _prepare_form(form: ActionForm, action: Action) -> None:
    config = current_app.config
    form.comment.label.text = COMMENT_LABELS.get(action, "")
    if action == Action.ANNUL:
        form.reason_code.choices = coded_choices(config["ANNULMENT_REASONS"], blank=_("— choose —"))
    elif action == Action.DECLARE_INADMISSIBLE:
        form.reason_code.choices = coded_choices(
            config["INADMISSIBILITY_REASONS"], blank=_("— choose —")
        )
    form.provisions.choices = coded_choices(config["LEGAL_PROVISIONS"])
    reasons = coded_choices(
        {**config["REJECTION_REASONS"], **config["INADMISSIBILITY_REASONS"]}, blank="—"
    )
    currencies = [SelectChoice("", "—")] + [
        SelectChoice(code, code) for code in config["CURRENCIES"]
    ]
    for entry in form.outcomes:
        entry.form.reason_code.choices = reasons
        entry.form.currency.choices = currencies


def _decision_members(claim: Claim, action: Action) -> list[Claim]:
    return members_of_decision(db.session, claim) if action == Action.DRAFT_DECISION else []


def _action_input(form: ActionForm) -> ActionInput:
    starts_at = form.hearing_starts_at.data
    outcomes = {}
    for entry in form.outcomes:
        values = entry.form
        if values.outcome.data and values.claim_id.data:
            outcomes[values.claim_id.data] = ClaimOutcome(
                outcome=Outcome(values.outcome.data),
                reason_code=values.reason_code.data or "",
                compensation_amount=values.amount.data,
                compensation_currency=values.currency.data or "",
            )
    return ActionInput(
        comment=form.comment.data or "",
        reason_code=form.reason_code.data or "",
        deadline=form.deadline.data,
        hearing_starts_at=starts_at.replace(tzinfo=commission_zone()) if starts_at else None,
        hearing_place=form.hearing_place.data or "",
        parties_notified=bool(form.parties_notified.data),
        hearing_outcome=form.hearing_outcome.data or "",
        outcomes=outcomes,
        provisions=tuple(form.provisions.data or ()),
        legal_basis_note=form.legal_basis_note.data or "",
        notified_on=form.notified_on.data,
        draft_hash=form.draft_hash.data or "",
        appeal_outcome=AppealOutcome(form.appeal_outcome.data)
        if form.appeal_outcome.data
        else None,
    )


def _show_errors(form: ActionForm, errors: dict[str, object]) -> None:
    """Put the operation's {field: message} next to the form's fields."""
    entries = {entry.form.claim_id.data: entry.form for entry in form.outcomes}
    for key, message in errors.items():
        text = message_text(message)
        parts = key.split(".")
        if parts[0] == "outcome" and len(parts) >= 2 and parts[1].isdigit():
            entry = entries.get(int(parts[1]))
            field = entry[parts[2] if len(parts) > 2 else "outcome"] if entry else None
        else:
            field = form._fields.get(key)
        if field is None:
            form.form_errors.append(text)
        else:
            field.errors = [*field.errors, text]


#: The actions a reviewer takes on a draft: their pages show what the draft decides.
DRAFT_REVIEW_ACTIONS = (Action.APPROVE_DECISION, Action.RETURN_DRAFT)


def _render_action(form, claim, action, members, status=200):
    draft = pending_decision(db.session, claim) if action in DRAFT_REVIEW_ACTIONS else None
    return render_template(
        "adjudication/act.html",
        form=form,
        claim=claim,
        action=action,
        fields=ACTION_FIELDS.get(action, ()),
        has_comment=action in COMMENT_LABELS,
        question=None if needs_form(action) else _confirmation_question(claim, action),
        members={member.id: member for member in members},
        draft=draft,
        draft_review=draft_review(db.session, draft) if draft else [],
        **case_labels(),
    ), status


def _confirmation_question(claim: Claim, action: Action) -> str:
    rule = rule_for(claim.state, action)
    return _(
        "%(action)s: claim %(number)s moves from %(before)s to %(after)s.",
        action=ACTION_LABELS[action],
        number=claim.number,
        before=STATE_LABELS.get(claim.state, claim.state),
        after=STATE_LABELS.get(rule.to, rule.to) if rule else "—",
    )


@bp.route("/claims/<number>/<action_name>", methods=["GET", "POST"])
@allow(*ACTORS)
def act(number: str, action_name: str):
    claim = visible_claim_or_404(number)
    try:
        action = Action(action_name)
    except ValueError:
        abort(404)
    back = url_for("claims.claim_page", number=claim.number)
    on_refusal(back=back)
    if request.method == "GET":
        refused = refusal(
            rule_for(claim.state, action),
            claim_facts(db.session, claim),
            acting_of(current_user),
            local_today(),
        )
        if refused is not None:
            raise ActionRefused(refused.message, **refused.values)
        draft = pending_decision(db.session, claim) if action == Action.APPROVE_DECISION else None
        form = ActionForm(
            data={"version": claim.version, "draft_hash": draft_hash(draft) if draft else ""}
        )
        members = _decision_members(claim, action)
        for member in members:
            form.outcomes.append_entry({"claim_id": member.id})
        _prepare_form(form, action)
        return _render_action(form, claim, action, members)

    form = ActionForm()
    _prepare_form(form, action)
    if not form.validate():
        return _render_action(form, claim, action, _decision_members(claim, action), status=400)

    def show_form_again(refusal):
        if not isinstance(refusal, InvalidActionInput):
            return None
        _show_errors(form, refusal.fields)
        return _render_action(form, claim, action, _decision_members(claim, action), status=400)

    on_refusal(render=show_form_again, back=back)
    if not needs_form(action):
        check_allowed(
            db.session,
            claim,
            action,
            by=current_user._get_current_object(),
            expected_version=form.version.data,
            today=local_today(),
        )
        asked = confirmation_step(
            _confirmation_question(claim, action), button=ACTION_LABELS[action], cancel=back
        )
        if asked:
            return asked
    perform(
        db.session,
        claim,
        action,
        by=current_user._get_current_object(),
        expected_version=form.version.data,
        today=local_today(),
        settings=_settings(),
        data=_action_input(form),
    )
    flash(_("%(action)s: done.", action=ACTION_LABELS[action]), "info")
    return redirect(back)


# --------------------------------------------------------------------------- conflict review


def _safe_next(target: str | None) -> str | None:
    """A path within this site to return to after a review, or None: never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/conflicts/<int:pair_id>/review", methods=["POST"])
@allow(Role.ADJUDICATOR)
def review_conflict(pair_id: int):
    """Record what the review of a candidate pair found. A duplicate filing closes one claim
    under its lead through the workflow, so the review is an adjudication act."""
    pair = db.session.get(ConflictCandidate, pair_id)
    if pair is None or not pair_visible_to(pair, current_user):
        abort(404)
    form = CandidateReviewForm(prefix=f"pair-{pair_id}")
    back = _safe_next(form.next.data) or url_for("claims.conflict_queue")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back), 303
    lead = {str(one.id): one for one in (pair.claim_a, pair.claim_b)}.get(form.lead.data or "")
    on_refusal(back=back)
    review_pair(
        db.session,
        pair,
        ReviewFinding(form.decision.data),
        note=form.note.data,
        by=current_user._get_current_object(),
        lead=lead,
        today=local_today(),
        settings=_settings(),
    )
    flash(
        _(
            "%(a)s and %(b)s: %(decision)s.",
            a=pair.claim_a.number,
            b=pair.claim_b.number,
            decision=FINDING_LABELS[pair.finding],
        ),
        "info",
    )
    return redirect(back)


# --------------------------------------------------------------------------- queues


@bp.route("/")
@allow(Role.ADJUDICATOR)
def my_case_list():
    return render_template(
        "adjudication/my_cases.html",
        claims=my_cases(db.session, current_user),
        **case_labels(),
    )


@bp.route("/deadlines")
@allow(Role.ADJUDICATOR, Role.REVIEWER)
def deadline_list():
    mine_only = Role.REVIEWER not in current_user.roles
    lists = deadlines(
        db.session,
        current_user,
        today=local_today(),
        near_days=current_app.config["NEAR_DEADLINE_DAYS"],
        mine_only=mine_only,
    )
    return render_template(
        "adjudication/deadlines.html", lists=lists, mine_only=mine_only, **case_labels()
    )


def _adjudicators_for(viewer: User) -> list[User]:
    statement = (
        select(User)
        .join(UserRole)
        .where(UserRole.role == Role.ADJUDICATOR, User.is_active_account.is_(True))
        .order_by(User.full_name)
    )
    if not viewer.sees_all_offices:
        headquarters = select(Office.id).where(Office.is_headquarters.is_(True))
        statement = statement.where(
            (User.office_id == viewer.office_id) | User.office_id.in_(headquarters)
        )
    return list(db.session.scalars(statement))


@bp.route("/unassigned", methods=["GET", "POST"])
@allow(Role.REVIEWER)
def unassigned_list():
    form = AssignForm()
    people = _adjudicators_for(current_user)
    form.adjudicator.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(person.id, f"{person.local_name} · {person.office.code}") for person in people
    ]
    if request.method == "POST":
        if not form.validate() or not form.adjudicator.data:
            flash(_("Choose the adjudicator."), "error")
            return redirect(url_for(".unassigned_list")), 303
        ids = request.form.getlist("claim", type=int)
        claims = [claim for claim in _claims_by_id(ids) if claim_visible_to(claim, current_user)]
        if not claims:
            flash(_("Tick the claims to assign."), "error")
            return redirect(url_for(".unassigned_list")), 303
        adjudicator = next((p for p in people if p.id == form.adjudicator.data), None)
        if adjudicator is None:
            abort(400)
        on_refusal(back=url_for(".unassigned_list"))
        assigned = assign_claims(
            db.session, claims, adjudicator, by=current_user._get_current_object()
        )
        count, name = len(assigned), adjudicator.local_name
        flash(_("%(count)s claims assigned to %(name)s.", count=count, name=name), "info")
        return redirect(url_for(".unassigned_list"))
    after = int_arg("after")
    rows = unassigned(db.session, current_user, after_id=after, limit=UNASSIGNED_PAGE_SIZE + 1)
    claims, has_more = rows[:UNASSIGNED_PAGE_SIZE], len(rows) > UNASSIGNED_PAGE_SIZE
    return render_template(
        "adjudication/unassigned.html",
        form=form,
        claims=claims,
        next_after=claims[-1].id if has_more else None,
        **case_labels(),
    )


def _claims_by_id(ids: list[int]) -> list[Claim]:
    if not ids:
        return []
    return list(db.session.scalars(select(Claim).where(Claim.id.in_(ids[:500]))))


@bp.route("/hearings")
@allow(*ACTORS)
def hearing_list():
    offices = list(
        db.session.scalars(
            select(Office).where(Office.is_headquarters.is_(False)).order_by(Office.code)
        )
    )
    code = text_arg("office")
    if current_user.sees_all_offices:
        office = next((o for o in offices if o.code == code), offices[0] if offices else None)
    else:
        office = current_user.office
    start_day = date_arg("from") or local_today()
    start = datetime.combine(start_day, time.min, tzinfo=commission_zone())
    hearings = hearing_calendar(db.session, office.id, start=start, days=HEARING_DAYS_SHOWN)
    days: dict[date, list] = {}
    for hearing in hearings:
        days.setdefault(hearing.starts_at.astimezone(commission_zone()).date(), []).append(hearing)
    return render_template(
        "adjudication/hearings.html",
        office=office,
        offices=offices if current_user.sees_all_offices else [],
        days=days,
        start_day=start_day,
        previous_day=start_day - timedelta(days=HEARING_DAYS_SHOWN),
        next_day=start_day + timedelta(days=HEARING_DAYS_SHOWN),
        zone=commission_zone(),
        **case_labels(),
    )


# --------------------------------------------------------------------------- API


def _claim_json(claim: Claim) -> dict:
    draft = pending_decision(db.session, claim)
    return {
        "draft_hash": draft_hash(draft) if draft else None,
        "number": claim.number,
        "state": str(claim.state),
        "version": claim.version,
        "assigned_to": claim.assigned_to.username if claim.assigned_to else None,
        "deadline": claim.deadline_on.isoformat() if claim.deadline_on else None,
        "actions": [
            str(action) for action in available_to(db.session, claim, current_user, local_today())
        ],
    }


@api.route("/claims/<number>")
@allow(*ACTORS)
def api_claim(number: str):
    """The claim's state, the version to send back with an action, and the actions the
    caller may take now."""
    return jsonify(_claim_json(visible_claim_or_404(number)))


def _api_input(payload: dict) -> ActionInput:
    """The action's input from JSON; ValueError names what is malformed."""

    def day(key):
        value = payload.get(key)
        return date.fromisoformat(value) if value else None

    def text(key):
        value = payload.get(key, "")
        if not isinstance(value, str):
            raise ValueError(key)
        try:
            return clean_text(value, multiline=True)
        except UnacceptableCharacter as refusal:
            raise MalformedRequest(
                refusal.message, fields={key: refusal}, **refusal.values
            ) from None

    starts_at = payload.get("hearing_starts_at")
    outcomes = {}
    for item in payload.get("outcomes") or []:
        member = find_claim(db.session, str(item.get("claim", "")))
        if member is None:
            raise ValueError("outcomes")
        amount = item.get("compensation_amount")
        outcomes[member.id] = ClaimOutcome(
            outcome=Outcome(item.get("outcome")),
            reason_code=str(item.get("reason_code", "")),
            compensation_amount=Decimal(str(amount)) if amount is not None else None,
            compensation_currency=str(item.get("compensation_currency", "")),
        )
    appeal_outcome = payload.get("appeal_outcome")
    return ActionInput(
        comment=text("comment"),
        reason_code=text("reason_code"),
        deadline=day("deadline"),
        hearing_starts_at=datetime.fromisoformat(starts_at) if starts_at else None,
        hearing_place=text("hearing_place"),
        parties_notified=bool(payload.get("parties_notified")),
        hearing_outcome=text("hearing_outcome"),
        outcomes=outcomes,
        provisions=tuple(str(code) for code in payload.get("provisions") or ()),
        legal_basis_note=text("legal_basis_note"),
        notified_on=day("notified_on"),
        draft_hash=text("draft_hash"),
        appeal_outcome=AppealOutcome(appeal_outcome) if appeal_outcome else None,
    )


@api.route("/claims/<number>/actions", methods=["POST"])
@allow(*ACTORS)
def api_act(number: str):
    """Apply one action: {"action": ..., "version": <the version read>, ...its input}."""
    claim = visible_claim_or_404(number)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise MalformedRequest(N_("Send a JSON object."))
    try:
        action = Action(payload.get("action"))
    except ValueError:
        raise MalformedRequest(
            N_("Unknown action."), fields={"action": N_("Unknown action.")}
        ) from None
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MalformedRequest(
            N_("Send the version of the claim you read."),
            fields={"version": N_("Send the version of the claim you read.")},
        )
    try:
        data = _api_input(payload)
    except (ValueError, TypeError, InvalidOperation, AttributeError):
        raise MalformedRequest(N_("A value of the request is malformed.")) from None
    if data.hearing_starts_at is not None and data.hearing_starts_at.tzinfo is None:
        data.hearing_starts_at = data.hearing_starts_at.replace(tzinfo=commission_zone())
    perform(
        db.session,
        claim,
        action,
        by=current_user._get_current_object(),
        expected_version=version,
        today=local_today(),
        settings=_settings(),
        data=data,
    )
    return jsonify(_claim_json(claim))
