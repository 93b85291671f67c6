import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError


def no_control_characters(form, field) -> None:
    """A NUL or other control character is never part of a name (and PostgreSQL refuses
    NUL in text): the form says so instead of the database failing."""
    if field.data and any(unicodedata.category(char) == "Cc" for char in field.data):
        raise ValidationError(_l("This field cannot contain control characters."))


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(), Length(max=80), no_control_characters]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PostOnlyForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons such as log out."""
