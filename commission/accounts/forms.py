from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from commission.forms import CleanForm


class LoginForm(CleanForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PostOnlyForm(CleanForm):
    """A form with nothing but its CSRF token, for buttons such as log out."""
