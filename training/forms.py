"""The forms of the training screens. The templates lay out their own inputs; the forms
check what comes back (CSRF included) and hand the view plain values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

#: The `workspace` value that leaves training for the commission's real data.
OPERATIONAL = "operational"


class StartRunForm(FlaskForm):
    """A trainer starts a run: one scenario, one or more trainees. Who may be a trainee
    is the verb's rule (`start_run`), so the trainee ids are not checked against a list
    here."""

    scenario = RadioField(
        _l("Scenario"),
        validate_choice=False,
        validators=[InputRequired(_l("Choose a scenario."))],
    )
    trainee = SelectMultipleField(
        _l("Trainees"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one trainee."))],
    )

    def __init__(self, *args, scenario_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario_ids = frozenset(scenario_ids)

    def validate_scenario(self, field) -> None:
        if field.data not in self.scenario_ids:
            raise ValidationError(_l("Choose a scenario."))

    def first_error(self) -> str:
        return next(str(message) for messages in self.errors.values() for message in messages)


class WorkspaceForm(FlaskForm):
    """Enter a training workspace by its id, or leave for `operational`."""

    workspace = StringField(validators=[DataRequired()])

    @property
    def leaves_training(self) -> bool:
        return self.workspace.data == OPERATIONAL
