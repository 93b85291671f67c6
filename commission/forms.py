"""The base classes of every form: each text field passes `clean_text` before anything
else sees its value, so no form can forget the text hygiene of the boundary.

`CleanForm` is for the forms a page submits (CSRF-protected), `CleanSubform` for the parts a
`FormField` or `FieldList` repeats inside one. A control character in a field is that
field's error; passwords are taken as typed (they are never shown or compared as text).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.meta import DefaultMeta

from commission.boundary import refusal_text
from commission.text import UnacceptableCharacter, clean_text


def _text_filter(*, multiline: bool):
    def clean(value):
        if not isinstance(value, str):
            return value
        try:
            return clean_text(value, multiline=multiline)
        except UnacceptableCharacter as refusal:
            # WTForms turns a filter's ValueError into the field's error.
            raise ValueError(refusal_text(refusal)) from None

    return clean


_SINGLE_LINE = _text_filter(multiline=False)
_MULTILINE = _text_filter(multiline=True)


class CleanTextMeta(DefaultMeta):
    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            text_filter = _MULTILINE if isinstance(field, TextAreaField) else _SINGLE_LINE
            field.filters = (text_filter, *field.filters)
        return field


class CleanForm(FlaskForm):
    class Meta(CleanTextMeta):
        pass


class CleanSubform(PlainForm):
    class Meta(CleanTextMeta):
        pass
