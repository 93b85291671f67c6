"""Forms of the adjudication screens: one form for every action (each action shows the
fields it reads), assignment, and the labels of states, actions and outcomes."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from adjudication.domain import AppealOutcome, Outcome
from adjudication.workflow import Action
from commission.forms import CleanForm, CleanSubform

ACTION_LABELS = {
    Action.START_SCREENING: _l("Start screening"),
    Action.SERVE_RESPONDENT: _l("Serve the respondent"),
    Action.ADMIT: _l("Admit for review (no respondent)"),
    Action.REQUEST_DOCUMENTS: _l("Request missing documents"),
    Action.DOCUMENTS_RECEIVED: _l("Documents received"),
    Action.ANNUL: _l("Annul the claim"),
    Action.DECLARE_INADMISSIBLE: _l("Declare inadmissible"),
    Action.RECORD_ANSWER: _l("Record the respondent's answer"),
    Action.CLOSE_ANSWER_WINDOW: _l("Close the answer window"),
    Action.SCHEDULE_HEARING: _l("Schedule a hearing"),
    Action.RECORD_HEARING: _l("Record the hearing"),
    Action.DRAFT_DECISION: _l("Draft the decision"),
    Action.APPROVE_DECISION: _l("Approve and issue the decision"),
    Action.RETURN_DRAFT: _l("Return the draft"),
    Action.LODGE_APPEAL: _l("Lodge an appeal"),
    Action.DECIDE_APPEAL: _l("Decide the appeal"),
    Action.REMAND: _l("Remand for review"),
    Action.FINALISE: _l("Make final"),
    Action.CLOSE: _l("Close (implemented)"),
    Action.WITHDRAW: _l("Record withdrawal"),
    Action.CLOSE_AS_DUPLICATE: _l("Close as a duplicate filing"),
}

OUTCOME_LABELS = {
    Outcome.RESTITUTION: _l("Restitution of the property"),
    Outcome.COMPENSATION: _l("Compensation"),
    Outcome.REJECTION: _l("Rejection"),
    Outcome.INADMISSIBLE: _l("Inadmissible"),
}

APPEAL_OUTCOME_LABELS = {
    AppealOutcome.UPHELD: _l("Upheld: the decision stands"),
    AppealOutcome.OVERTURNED: _l("Overturned"),
    AppealOutcome.REMANDED: _l("Remanded: the claim is reviewed again"),
}

#: What the comment box is called for each action that has one; others show no comment.
COMMENT_LABELS = {
    Action.REQUEST_DOCUMENTS: _l("Documents the claimant must supply"),
    Action.RECORD_ANSWER: _l("The respondent's answer"),
    Action.RECORD_HEARING: _l("Minutes of the hearing"),
    Action.DRAFT_DECISION: _l("Reasons for the decision"),
    Action.RETURN_DRAFT: _l("Why the draft is returned"),
    Action.LODGE_APPEAL: _l("Grounds of the appeal"),
    Action.DECIDE_APPEAL: _l("Reasons for the appeal decision"),
    Action.WITHDRAW: _l("How the claimant withdrew (e.g. signed statement of …)"),
    Action.ANNUL: _l("Note (optional)"),
    Action.DECLARE_INADMISSIBLE: _l("Note (optional)"),
    Action.SERVE_RESPONDENT: _l("How the respondent was served (optional)"),
    Action.CLOSE: _l("How the decision was implemented (optional)"),
    Action.CLOSE_AS_DUPLICATE: _l("Why the claims are one filing"),
}

#: The fields besides the comment that each action shows.
ACTION_FIELDS = {
    Action.REQUEST_DOCUMENTS: ("deadline",),
    Action.ANNUL: ("reason_code",),
    Action.DECLARE_INADMISSIBLE: ("reason_code",),
    Action.SCHEDULE_HEARING: ("hearing_starts_at", "hearing_place", "parties_notified"),
    Action.RECORD_HEARING: ("hearing_outcome",),
    Action.DRAFT_DECISION: ("outcomes", "provisions", "legal_basis_note"),
    Action.APPROVE_DECISION: ("notified_on",),
    Action.DECIDE_APPEAL: ("appeal_outcome",),
}


def needs_form(action: Action) -> bool:
    """Whether the action asks for input (a page of its own) or is a single button."""
    return action in COMMENT_LABELS or action in ACTION_FIELDS


def coded_choices(codes: dict, *, blank=None) -> list[SelectChoice]:
    """The choices of a configured code list {code: (English, Arabic)}, in the language
    of the page."""
    arabic = str(get_locale()) == "ar"
    choices = [
        SelectChoice(code, labels[1] if arabic else labels[0]) for code, labels in codes.items()
    ]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def coded_label(codes: dict, code: str) -> str:
    labels = codes.get(code)
    if labels is None:
        return code
    return labels[1] if str(get_locale()) == "ar" else labels[0]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ClaimOutcomeForm(CleanSubform):
    """One claim's outcome in a decision (a group decision has one per claim)."""

    claim_id = IntegerField(widget=HiddenInput())
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice("", _l("— choose —"))]
        + [SelectChoice(str(key), label) for key, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose the outcome."))],
    )
    reason_code = SelectField(_l("Reason (rejection or inadmissibility)"), validate_choice=False)
    amount = DecimalField(_l("Compensation amount"), validators=[Optional()], places=2)
    currency = SelectField(_l("Currency"), validate_choice=False)


class ActionForm(CleanForm):
    """Every action's input; the page shows the fields ACTION_FIELDS names for it."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    #: approve_decision: the hash of the draft shown (adjudication.operations.draft_hash).
    draft_hash = StringField(widget=HiddenInput(), validators=[Length(max=64)])
    comment = TextAreaField(validators=[Length(max=20000)])
    reason_code = SelectField(_l("Reason"), validate_choice=False)
    deadline = DateField(
        _l("Documents due by"),
        validators=[Optional()],
        description=_l("Leave empty for the usual time."),
    )
    hearing_starts_at = DateTimeLocalField(
        _l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    hearing_place = StringField(_l("Place"), validators=[Length(max=200)])
    parties_notified = BooleanField(_l("The parties have been notified"))
    hearing_outcome = StringField(_l("Outcome of the hearing"), validators=[Length(max=500)])
    outcomes = FieldList(FormField(ClaimOutcomeForm))
    provisions = MultiCheckboxField(_l("Legal basis"), validate_choice=False)
    legal_basis_note = TextAreaField(_l("Legal basis, further"), validators=[Length(max=5000)])
    notified_on = DateField(
        _l("Notification date"),
        validators=[Optional()],
        description=_l("The day the parties are notified; the appeal window runs from it."),
    )
    appeal_outcome = RadioField(
        _l("Outcome of the appeal"),
        choices=[SelectChoice(str(key), label) for key, label in APPEAL_OUTCOME_LABELS.items()],
        validators=[Optional()],
    )


class AssignForm(CleanForm):
    """Assign the claims ticked in the unassigned list (checkboxes named `claim`) to one
    adjudicator."""

    adjudicator = SelectField(
        _l("Assign to"),
        coerce=int,
        validators=[InputRequired(_l("Choose the adjudicator."))],
        validate_choice=False,
    )
