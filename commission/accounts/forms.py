"""The forms of login, the password change and the administration of staff."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from commission.accounts.models import ROLE_LABELS
from commission.accounts.passwords import MIN_PASSWORD_LENGTH
from commission.forms import CleanForm
from commission.roles import Role


class LoginForm(CleanForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PostOnlyForm(CleanForm):
    """A form with nothing but its CSRF token, for buttons such as log out."""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
ANY = SelectChoice("", _l("— any —"))

#: Account statuses the staff list filters on.
STATUS_CHOICES = [
    ANY,
    SelectChoice("active", _l("active")),
    SelectChoice("disabled", _l("disabled")),
]


class StaffFilterForm(CleanForm):
    """The filters of the staff list, sent as GET parameters (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    name = StringField(
        _l("Name or username"), filters=[_strip], validators=[Optional(), Length(max=200)]
    )
    role = SelectField(_l("Role"), choices=[ANY, *ROLE_CHOICES], validators=[Optional()])
    office = SelectField(_l("Office"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])

    def __init__(self, *args, office_codes: list[SelectChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = [ANY, *office_codes]


class StaffForm(CleanForm):
    """An administrator's record of a member of staff: names in both scripts, roles,
    office. The username is given once, at creation."""

    username = StringField(
        _l("Username"),
        filters=[_strip],
        validators=[
            DataRequired(),
            Length(min=2, max=80),
            Regexp(
                r"^[a-z0-9][a-z0-9._-]*$",
                message=_l("Lower-case Latin letters, digits, dots, dashes and underscores."),
            ),
        ],
    )
    full_name = StringField(
        _l("Name in Latin script"), filters=[_strip], validators=[DataRequired(), Length(max=200)]
    )
    name_ar = StringField(
        _l("Name in Arabic script"), filters=[_strip], validators=[DataRequired(), Length(max=200)]
    )
    roles = SelectMultipleField(
        _l("Roles"),
        choices=ROLE_CHOICES,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[DataRequired(_l("Choose at least one role."))],
    )
    office = SelectField(_l("Office"), validators=[DataRequired()])

    def __init__(self, *args, office_codes: list[SelectChoice], creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.office.choices = office_codes
        if not creating:
            del self.username

    @property
    def chosen_roles(self) -> frozenset[Role]:
        return frozenset(Role(role) for role in self.roles.data or ())


class PasswordChangeForm(CleanForm):
    current_password = PasswordField(
        _l("Current password"),
        description=_l("The one-time password, if an administrator gave you one."),
        validators=[DataRequired(), Length(max=1024)],
    )
    # Said before the first try, not only in the refusal after it.
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(count)d characters.", count=MIN_PASSWORD_LENGTH),
        validators=[DataRequired(), Length(max=1024)],
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )
