"""Intake screens: register, show, edit and find claims; download evidence.

Views are thin: they turn the form into the operation's input and call one verb; the
request boundary (commission.boundary) commits once, and on a refusal the views put the
verb's errors back next to the fields they name. A claim of another
workspace or (for branch staff) another office answers 404, never 403, so its
existence is not confirmed.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from claims.access import visible_claim_or_404
from claims.domain import (
    ClaimState,
    EvidenceInput,
    EvidenceKind,
    EvidenceStatus,
    PartyRole,
    QualityFlag,
)
from claims.files import EvidenceStore, UploadRefused, check_upload, download_name
from claims.forms import (
    BASIS_LABELS,
    CONFLICT_KIND_LABELS,
    EVIDENCE_KIND_LABELS,
    EVIDENCE_STATUS_LABELS,
    FINDING_LABELS,
    IDENTITY_DOCUMENT_LABELS,
    PROPERTY_TYPE_LABELS,
    PUBLIC_STATUS,
    QUALITY_FLAG_LABELS,
    REMEDY_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    AddEvidenceForm,
    CandidateReviewForm,
    ClaimForm,
    ClaimSearchForm,
    MarkEvidenceForm,
    ParcelIdentityForm,
    RegistryExtractForm,
    StatusLookupForm,
    claim_form_data,
    governorate_name,
)
from claims.matching import MatchThresholds
from claims.models import Claim
from claims.operations import (
    EVIDENCE_CLOSED_STATES,
    ClaimInvalid,
    ClaimNotEditable,
    StaleClaim,
    add_evidence,
    correct_parcel,
    identify_parcel,
    register_claim,
    request_registry_extract,
    supersede_evidence,
    update_claim,
    validate_claim,
    void_evidence,
)
from claims.queries import (
    ClaimFilters,
    check_conflicts,
    claim_for_status,
    claim_visible_to,
    group_of,
    open_candidates_of,
    quality_flags_of,
    review_queue,
    search_claims,
)
from commission.accounts.models import Role
from commission.accounts.throttle import limiter
from commission.boundary import (
    message_text,
    on_refusal,
    put_on_form,
    refusal_text,
    register_value_labels,
)
from commission.clock import local_today
from commission.confirm import confirmation_step
from commission.extensions import db
from commission.panels import ClaimPanel, claim_panels, register_claim_panel
from commission.params import int_arg, text_arg
from commission.policy import allow, allow_public, may_call
from commission.refusals import Refusal
from commission.web import operational_id
from commission.workspaces import use_workspace

logger = logging.getLogger(__name__)


bp = Blueprint("claims", __name__, url_prefix="/claims", template_folder="templates")
#: Pages for claimants, no login: the status look-up.
public = Blueprint("claims_public", __name__, template_folder="templates")

#: Everyone whose work involves claims may look them up.
CLAIM_ROLES = (Role.CLERK, Role.ADJUDICATOR, Role.REVIEWER, Role.ADMIN, Role.TRAINER)
PAGE_SIZE = 50

_PARTY_KEY_RE = re.compile(r"^(?P<role>[a-z_]+)\.(?P<index>\d+)\.(?P<field>[a-z_]+)$")
#: Errors about the claimants as a group, shown at the top of the claimants section.
_SECTION_KEYS = ("claimants", "shares")


def _store() -> EvidenceStore:
    return EvidenceStore(current_app.config["QAYD_DATA_DIR"])


def _add_error(field, message) -> None:
    # Plain text: flask_babel's lazy strings declare themselves safe HTML (`__html__`),
    # and some messages quote what the user typed ("<script>" is not a parcel number).
    field.errors = [*field.errors, message_text(message)]


def _apply_errors(form: ClaimForm, errors: dict, origin: dict, *, keep_first=False) -> None:
    """Put each {field: message} of the operation next to the form field it names;
    with `keep_first`, a field that already shows an error keeps only that one."""
    for key, message in errors.items():
        field = None
        match = _PARTY_KEY_RE.match(key)
        if match and int(match["index"]) in origin:
            field = origin[int(match["index"])]._fields.get(match["field"])
        elif key == "authority_document":
            field = form.representative.form.authority_document
        elif key in _SECTION_KEYS:
            if not (keep_first and key in form.section_errors):
                form.section_errors.setdefault(key, []).append(message_text(message))
            continue
        elif key in form._fields:
            field = form[key]
        if field is None:
            logger.warning("claim error for unknown field %s", key)
            form.general_errors.append(message_text(message))
        elif not (keep_first and field.errors):
            _add_error(field, message)


def _report_rule_errors(form: ClaimForm) -> None:
    """After the form refused its input, also name what the claim rules would refuse,
    so the clerk corrects everything in one pass instead of one error per submit."""
    try:
        data, origin = form.claim_input()
    except (ValueError, TypeError):  # a choice the form refused: nothing to build on
        return
    if data.filed_on is None:
        data.filed_on = local_today()
    _apply_errors(form, validate_claim(data, today=local_today()), origin, keep_first=True)


def _rearrange(form: ClaimForm) -> bool:
    """Handle the buttons that change the form's rows rather than save it."""
    if form.add_claimant.data:
        form.claimants.append_entry()
        return True
    remove = request.form.get("remove_claimant", "")
    if remove.isdigit():
        if int(remove) < len(form.claimants.entries) and len(form.claimants.entries) > 1:
            form.claimants.entries.pop(int(remove))
        return True
    if form.add_evidence.data:
        form.evidence.append_entry()
        return True
    return False


def _conflict_check(form: ClaimForm, claim: Claim | None = None) -> dict:
    """The form's answer to "check for conflicting claims": the stored claims this one
    would conflict with, or what is missing to look for them. Nothing is saved, and the
    rest of the form is not judged until it is saved."""
    if not form.governorate_code.data:
        return {"conflict_problem": _("Give the governorate, then check for conflicts.")}
    try:
        data, _origin = form.claim_input()
    except (ValueError, TypeError):  # a choice the form will refuse on saving
        return {"conflict_problem": _("Correct the marked fields, then check again.")}
    thresholds = MatchThresholds.from_config(current_app.config)
    return {"conflict_check": check_conflicts(db.session, data, thresholds, exclude=claim)}


def _checked_evidence(form: ClaimForm) -> list[EvidenceInput] | None:
    """Every chosen file, checked by content; None (errors on the fields) if one is refused."""
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    items, refused = [], False
    for entry in form.evidence:
        storage = entry.form.file.data
        if not storage:
            continue
        data = storage.stream.read(max_bytes + 1)
        try:
            upload = check_upload(data, storage.filename, max_bytes=max_bytes)
        except UploadRefused as refusal:
            _add_error(entry.form.file, refusal)
            refused = True
            continue
        items.append(EvidenceInput(kind=EvidenceKind(entry.form.kind.data), upload=upload))
    return None if refused else items


def _files_were_chosen(form: ClaimForm) -> bool:
    return any(entry.form.file.data for entry in form.evidence)


def _form_with_errors(form: ClaimForm, origin: dict, claim: Claim | None = None):
    """The boundary's answer to the verb's refusals: the form again, with the rules'
    errors next to their fields, or (someone saved the claim meanwhile) the claim as it
    is now; other refusals fall back to a message on the claim page."""

    def render(refusal: Refusal):
        if isinstance(refusal, ClaimInvalid):
            _apply_errors(form, refusal.fields, origin)
            return _render_form(form, claim, status=400)
        if isinstance(refusal, StaleClaim) and claim is not None:
            current = ClaimForm(formdata=None, data=claim_form_data(claim))
            return _render_form(current, claim, status=409, stale_message=refusal_text(refusal))
        return None

    return render


def _render_form(form: ClaimForm, claim: Claim | None = None, status: int = 200, **context):
    context.setdefault("files_dropped", request.method == "POST" and _files_were_chosen(form))
    context.setdefault("show_error_summary", status == 400)
    template = "claims/edit.html" if claim is not None else "claims/new.html"
    return render_template(template, form=form, claim=claim, **_labels(), **context), status


def _labels() -> dict:
    return {
        "state_labels": STATE_LABELS,
        "basis_labels": BASIS_LABELS,
        "remedy_labels": REMEDY_LABELS,
        "property_type_labels": PROPERTY_TYPE_LABELS,
        "document_labels": IDENTITY_DOCUMENT_LABELS,
        "kind_labels": EVIDENCE_KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "governorate_name": governorate_name,
        "file_size": _file_size,
        "plain_number": _plain_number,
        "conflict_kind_labels": CONFLICT_KIND_LABELS,
        "finding_labels": FINDING_LABELS,
        "quality_flag_labels": QUALITY_FLAG_LABELS,
        "can_open": lambda claim: claim_visible_to(claim, current_user),
    }


def _plain_number(value: Decimal) -> str:
    """50.00 -> 50, 33.50 -> 33.5 (in the current locale's digits and separator)."""
    return format_decimal(value.normalize(), format="#,##0.##")


def _file_size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return _("%(n)s bytes", n=format_decimal(size_bytes))
    if size_bytes < 1024 * 1024:
        return _("%(n)s KB", n=format_decimal(round(size_bytes / 1024, 1)))
    return _("%(n)s MB", n=format_decimal(round(size_bytes / (1024 * 1024), 1)))


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.CLERK)
def register():
    if request.method == "GET":
        form = ClaimForm(
            data={
                "filed_on": local_today(),
                "governorate_code": current_user.office.governorate_code,
            }
        )
        return _render_form(form)
    form = ClaimForm()
    if _rearrange(form):
        return _render_form(form)
    if form.check_conflicts.data:
        return _render_form(form, **_conflict_check(form))
    if not form.validate():
        _report_rule_errors(form)
        return _render_form(form, status=400)
    data, origin = form.claim_input()
    evidence = _checked_evidence(form)
    if evidence is None:
        # Say everything that is wrong at once, not the files first and the rest later.
        _report_rule_errors(form)
        return _render_form(form, status=400)
    on_refusal(render=_form_with_errors(form, origin))
    claim = register_claim(
        db.session,
        data,
        by=current_user,
        office=current_user.office,
        today=local_today(),
        evidence=evidence,
        store=_store(),
        thresholds=MatchThresholds.from_config(current_app.config),
    )
    flash(_("Claim %(number)s is registered.", number=claim.number), "info")
    return redirect(url_for(".claim_page", number=claim.number))


@bp.route("/<number>/edit", methods=["GET", "POST"])
@allow(Role.CLERK)
def edit(number: str):
    claim = visible_claim_or_404(number)
    on_refusal(back=url_for(".claim_page", number=claim.number))
    if not claim.is_editable:
        raise ClaimNotEditable()
    if request.method == "GET":
        return _render_form(ClaimForm(data=claim_form_data(claim)), claim)
    form = ClaimForm()
    if _rearrange(form):
        return _render_form(form, claim)
    if form.check_conflicts.data:
        return _render_form(form, claim, **_conflict_check(form, claim))
    if not form.validate():
        _report_rule_errors(form)
        return _render_form(form, claim, status=400)
    data, origin = form.claim_input()
    evidence = _checked_evidence(form)
    if evidence is None:
        _report_rule_errors(form)
        return _render_form(form, claim, status=400)
    on_refusal(
        render=_form_with_errors(form, origin, claim),
        back=url_for(".claim_page", number=claim.number),
    )
    update_claim(
        db.session,
        claim,
        data,
        expected_version=form.version.data or 0,
        by=current_user,
        today=local_today(),
        evidence=evidence,
        store=_store(),
        thresholds=MatchThresholds.from_config(current_app.config),
    )
    flash(_("Claim %(number)s is saved.", number=claim.number), "info")
    return redirect(url_for(".claim_page", number=claim.number))


def _evidence_panel(claim: Claim) -> dict:
    return {
        "evidence_open": claim.state not in EVIDENCE_CLOSED_STATES,
        "add_evidence_form": AddEvidenceForm(),
        "evidence_status_labels": EVIDENCE_STATUS_LABELS,
    }


def _details_panel(claim: Claim) -> dict:
    return {
        "parties": {role: claim.parties_in(role) for role in PartyRole},
        "conflicts": open_candidates_of(db.session, claim),
        "group": group_of(db.session, claim),
        **_parcel_context(claim),
    }


def _register_claim_page(app) -> None:
    register_value_labels(app, STATE_LABELS)
    register_claim_panel(
        app, ClaimPanel("claim", 100, "claims/_claim_details.html", _details_panel)
    )
    register_claim_panel(app, ClaimPanel("evidence", 300, "claims/_evidence.html", _evidence_panel))


bp.record_once(lambda state: _register_claim_page(state.app))


@bp.route("/<number>")
@allow(*CLAIM_ROLES)
def claim_page(number: str):
    claim = visible_claim_or_404(number)
    return _render_claim_page(claim)


def _render_claim_page(claim: Claim, status: int = 200, **forms):
    """The claim page; `forms` replaces a panel's blank form with the one just refused."""
    panels, panel_context = claim_panels(claim)
    return render_template(
        "claims/claim.html",
        claim=claim,
        claim_panels=panels,
        can_edit=claim.is_editable and may_call("claims.edit"),
        **{**_labels(), **panel_context, **forms},
    ), status


def _parcel_context(claim: Claim) -> dict:
    """The property as the claim describes it, its identified parcel, and the forms that
    request the registry extract, record the parcel and correct it."""
    return {
        "parcel_form": ParcelIdentityForm(formdata=None, data=_identity_data(claim)),
        "correct_form": ParcelIdentityForm(
            formdata=None, prefix="correct", data=_identity_data(claim)
        ),
        "extract_form": RegistryExtractForm(formdata=None),
        "can_identify": may_call("claims.identify_parcel_of") and _may_change_parcel(claim),
        "can_correct": claim.parcel is not None and Role.REVIEWER in current_user.roles,
        "parcel_differences": claim.parcel_differences(),
    }


def _may_change_parcel(claim: Claim) -> bool:
    return Role.REVIEWER in current_user.roles or claim.assigned_to_id == current_user.id


def _identity_data(claim: Claim) -> dict:
    """The identification form starts from the identified parcel, else what the claim
    states."""
    parcel = claim.parcel
    if parcel is not None:
        return {
            "version": claim.version,
            "governorate_code": parcel.governorate_code,
            "district": parcel.district,
            "muqataa_no": parcel.muqataa_no,
            "muqataa_name": parcel.muqataa_name,
            "parcel_no": parcel.number_display,
            "area_m2": parcel.area_m2,
        }
    return {
        "version": claim.version,
        "governorate_code": claim.stated_governorate_code,
        "district": claim.stated_district,
        "muqataa_no": claim.stated_muqataa_no,
        "muqataa_name": claim.stated_muqataa_name,
        "parcel_no": claim.stated_parcel_no,
        "area_m2": claim.area_m2,
    }


def _parcel_form_again(number: str, form: ParcelIdentityForm, form_name: str):
    """The boundary's answer to an identification or correction refused for its input:
    the claim page with the errors next to the form's fields; other refusals fall back to
    a message on the claim page."""

    def render(refusal: Refusal):
        if not isinstance(refusal, ClaimInvalid):
            return None
        put_on_form(form, refusal)
        return _render_claim_page(visible_claim_or_404(number), 400, **{form_name: form})

    return render


@bp.route("/<number>/registry-extract", methods=["POST"])
@allow(Role.ADJUDICATOR, Role.REVIEWER)
def request_extract(number: str):
    claim = visible_claim_or_404(number)
    form = RegistryExtractForm()
    if not form.validate_on_submit():
        return _render_claim_page(claim, 400)
    on_refusal(back=url_for(".claim_page", number=number))
    request_registry_extract(db.session, claim, by=current_user, note=form.note.data or "")
    flash(_("The registry extract is requested: issue its letter below."), "info")
    return redirect(url_for(".claim_page", number=number) + "#letters"), 303


@bp.route("/<number>/parcel", methods=["POST"])
@allow(Role.ADJUDICATOR, Role.REVIEWER)
def identify_parcel_of(number: str):
    """Record the parcel identified for the claim (or move it to the right one)."""
    claim = visible_claim_or_404(number)
    form = ParcelIdentityForm()
    if not form.validate_on_submit():
        return _render_claim_page(claim, 400, parcel_form=form)
    on_refusal(
        render=_parcel_form_again(number, form, "parcel_form"),
        back=url_for(".claim_page", number=number),
    )
    identify_parcel(
        db.session,
        claim,
        form.identity(),
        by=current_user,
        reason=form.reason.data,
        expected_version=form.version.data or 0,
        thresholds=MatchThresholds.from_config(current_app.config),
    )
    flash(_("The parcel is recorded and the claim was checked for conflicts again."), "info")
    return redirect(url_for(".claim_page", number=number)), 303


@bp.route("/<number>/parcel/correct", methods=["POST"])
@allow(Role.REVIEWER)
def correct_parcel_of(number: str):
    """Correct the shared parcel row the claim is on (every claim on it sees the change)."""
    claim = visible_claim_or_404(number)
    if claim.parcel is None:
        abort(404)
    form = ParcelIdentityForm(prefix="correct")
    if not form.validate_on_submit():
        return _render_claim_page(claim, 400, correct_form=form)
    on_refusal(
        render=_parcel_form_again(number, form, "correct_form"),
        back=url_for(".claim_page", number=number),
    )
    changes = correct_parcel(
        db.session,
        claim.parcel,
        form.identity(),
        by=current_user,
        reason=form.reason.data,
        thresholds=MatchThresholds.from_config(current_app.config),
    )
    flash(_("The parcel is corrected on %(count)s claims.", count=len(changes)), "info")
    return redirect(url_for(".claim_page", number=number)), 303


@bp.route("/<number>/evidence/<int:evidence_id>")
@allow(*CLAIM_ROLES)
def evidence_file(number: str, evidence_id: int):
    claim = visible_claim_or_404(number)
    evidence = next((item for item in claim.evidence if item.id == evidence_id), None)
    if evidence is None:
        abort(404)
    path = _store().path_for(evidence.sha256)
    if not path.is_file():
        # The row says the file exists: a missing file is damage to report, not hide.
        logger.error("evidence %s of claim %s is missing at %s", evidence.id, claim.number, path)
        abort(500)
    response = send_file(
        path,
        mimetype=evidence.media_type,
        as_attachment=True,
        download_name=download_name(evidence.original_filename, evidence.media_type),
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


EVIDENCE_ROLES = (Role.CLERK, Role.ADJUDICATOR)


@bp.route("/<number>/evidence", methods=["POST"])
@allow(*EVIDENCE_ROLES)
def add_evidence_to_claim(number: str):
    claim = visible_claim_or_404(number)
    back = url_for(".claim_page", number=claim.number, _anchor="evidence-heading")
    on_refusal(back=back)
    form = AddEvidenceForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back, 303)
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    storage = form.file.data
    upload = check_upload(storage.stream.read(max_bytes + 1), storage.filename, max_bytes=max_bytes)
    evidence = add_evidence(
        db.session,
        claim,
        upload,
        kind=EvidenceKind(form.kind.data),
        note=form.note.data or "",
        by=current_user._get_current_object(),
        store=_store(),
    )
    flash(
        _(
            "%(file)s is filed on claim %(number)s.",
            file=evidence.original_filename,
            number=claim.number,
        ),
        "info",
    )
    return redirect(back)


@bp.route("/<number>/evidence/<int:evidence_id>/mark", methods=["POST"])
@allow(*EVIDENCE_ROLES)
def mark_evidence(number: str, evidence_id: int):
    claim = visible_claim_or_404(number)
    evidence = next((item for item in claim.evidence if item.id == evidence_id), None)
    if evidence is None:
        abort(404)
    back = url_for(".claim_page", number=claim.number, _anchor="evidence-heading")
    on_refusal(back=back)
    form = MarkEvidenceForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back, 303)
    status = EvidenceStatus(form.status.data)
    asked = confirmation_step(
        _(
            "Mark %(file)s of claim %(number)s as %(status)s: %(reason)s",
            file=evidence.original_filename,
            number=claim.number,
            status=EVIDENCE_STATUS_LABELS[status],
            reason=form.reason.data,
        ),
        button=_("Mark the document"),
        cancel=back,
    )
    if asked:
        return asked
    mark = supersede_evidence if status == EvidenceStatus.SUPERSEDED else void_evidence
    mark(db.session, evidence, reason=form.reason.data, by=current_user._get_current_object())
    flash(
        _(
            "%(file)s is marked %(status)s.",
            file=evidence.original_filename,
            status=EVIDENCE_STATUS_LABELS[status],
        ),
        "info",
    )
    return redirect(back)


@bp.route("/")
@allow(*CLAIM_ROLES)
def claim_list():
    form = ClaimSearchForm(formdata=request.args)
    before = int_arg("before")
    claims: list[Claim] = []
    has_older = ranked = False
    status = 200
    if form.validate():
        filters = ClaimFilters(
            number=form.number.data or "",
            name=form.name.data or "",
            id_number=form.id_number.data or "",
            governorate_code=form.governorate.data or "",
            parcel_no=form.parcel_no.data or "",
            state=ClaimState(form.state.data) if form.state.data else None,
            filed_from=form.filed_from.data,
            filed_to=form.filed_to.data,
            parcel_to_identify=bool(form.parcel_to_identify.data),
            quality_flag=QualityFlag(form.quality_flag.data) if form.quality_flag.data else None,
        )
        # The form has checked the parcel number, so the search cannot refuse it.
        rows = search_claims(
            db.session,
            filters,
            viewer=current_user._get_current_object(),
            before_id=before,
            limit=PAGE_SIZE + 1,
        )
        claims, has_older = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
        # A name search is ranked by closeness, not paged by age: more matches than a
        # page call for another word or filter, not for older claims.
        ranked = bool(filters.name)
    else:
        status = 400
    # Only the search form's own fields: any other key would reach url_for's arguments.
    query = {name: request.args[name] for name in form._fields if request.args.get(name)}
    older_url = (
        url_for(".claim_list", **query, before=claims[-1].id)
        if has_older and claims and not ranked
        else None
    )
    newest_url = url_for(".claim_list", **query) if before is not None else None
    searched = bool(query)
    return render_template(
        "claims/list.html",
        form=form,
        claims=claims,
        older_url=older_url,
        newest_url=newest_url,
        searched=searched,
        more_by_name=ranked and has_older,
        quality_flags=quality_flags_of(db.session, [claim.id for claim in claims]),
        **_labels(),
    ), status


REVIEW_ROLES = (Role.ADJUDICATOR, Role.REVIEWER)
QUEUE_PAGE_SIZE = 20


@bp.route("/conflicts")
@allow(*REVIEW_ROLES)
def conflict_queue():
    after = int_arg("after")
    number = text_arg("claim")
    claim = visible_claim_or_404(number) if number else None
    rows = review_queue(
        db.session, current_user, after_id=after, claim=claim, limit=QUEUE_PAGE_SIZE + 1
    )
    pairs, has_more = rows[:QUEUE_PAGE_SIZE], len(rows) > QUEUE_PAGE_SIZE
    # Reviewing from a claim's page returns there, not to the whole queue.
    back = url_for(".claim_page", number=claim.number) if claim else url_for(".conflict_queue")
    return render_template(
        "claims/conflicts.html",
        pairs=pairs,
        forms={pair.id: CandidateReviewForm(prefix=f"pair-{pair.id}", next=back) for pair in pairs},
        next_after=pairs[-1].id if has_more else None,
        claim=claim,
        **_labels(),
    )


# --------------------------------------------------------------------------- public


def _status_lookup_limit() -> str:
    return current_app.config["STATUS_LOOKUPS_PER_ADDRESS"]


def _too_many_lookups() -> str:
    return _(
        "Too many look-ups from this address. Wait ten minutes, then try again, or ask at "
        "your office."
    )


@public.route("/status", methods=["GET", "POST"])
@allow_public
@limiter.limit(_status_lookup_limit, methods=["POST"], error_message=_too_many_lookups)
def claim_status():
    """A claimant's look-up: the state of their claim in plain words, the next step and
    the office to contact; nothing about any person or the property. Only operational
    claims are looked up, whatever workspace a logged-in visitor is working in."""
    form = StatusLookupForm()
    found, looked_up = None, False
    if form.validate_on_submit():
        looked_up = True
        with use_workspace(operational_id()):
            claim = claim_for_status(
                db.session,
                form.number.data,
                filed_year=int(form.filed_year.data),
                id_digits=form.id_digits.data,
            )
            if claim is not None:
                state, next_step = PUBLIC_STATUS[claim.state]
                found = {
                    "number": claim.number,
                    "state": state,
                    "next_step": next_step,
                    "office": claim.office,
                }
        # The page after a look-up shows an empty form: what was typed (the identity
        # digits above all) is not sent back, and every "no match" page is the same.
        form = StatusLookupForm(formdata=None)
    page = render_template("claims/status.html", form=form, found=found, looked_up=looked_up)
    response = make_response(page, 400 if form.errors else 200)
    # An answer about one claim stays out of shared browser and proxy caches.
    response.headers["Cache-Control"] = "no-store"
    return response
