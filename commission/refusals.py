"""The one refusal type: every rule a user can break raises a `Refusal`.

Plain Python, no Flask: cores (the state machine, the matcher) raise refusals too. A
refusal carries a message marked with `N_` and the named values it quotes; the message
is translated where it is shown (`commission.boundary.refusal_text` on the web and in
the CLI), never where it is raised. Its `kind` says what went wrong and so the HTTP
status an API answers with; `fields` names the form fields an input refusal is about.

    raise ClaimNotEditable()                                  # the class's own message
    raise ActionRefused(N_("Claim %(number)s is not in screening"), number=claim.number)
    raise ClaimInvalid({"parcel_no": N_("This parcel number is too long.")})
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark a message for translation (`pybabel extract -k N_`); it is translated when shown."""
    return message


class RefusalKind(enum.StrEnum):
    #: The input is incomplete or malformed; `fields` says where.
    INPUT = "input"
    #: The user's roles do not allow this.
    FORBIDDEN = "forbidden"
    #: What the request names does not exist (or is not the user's to see).
    NOT_FOUND = "not_found"
    #: Someone else changed the record since the user read it.
    STALE = "stale"
    #: A rule refuses it now: the record's state or a guard.
    REFUSED = "refused"

    @property
    def status(self) -> int:
        return _STATUS[self]


_STATUS = {
    RefusalKind.INPUT: 400,
    RefusalKind.FORBIDDEN: 403,
    RefusalKind.NOT_FOUND: 404,
    RefusalKind.STALE: 409,
    RefusalKind.REFUSED: 422,
}


class Refusal(Exception):
    """Something a user asked for that the rules refuse; subclasses name the domain's
    refusals and may set a default `message` and `kind`."""

    kind: RefusalKind = RefusalKind.REFUSED
    message: str = N_("This is not possible.")

    def __init__(
        self,
        message: str | None = None,
        /,
        *,
        fields: Mapping[str, object] | None = None,
        kind: RefusalKind | None = None,
        **values: object,
    ) -> None:
        if message is not None:
            self.message = message
        if kind is not None:
            self.kind = kind
        self.values = values
        #: {field: message}: a marked message, a lazy string or a refusal of its own.
        self.fields: dict[str, object] = dict(fields or {})
        # Not super(): a subclass may also derive from an exception with its own arguments.
        Exception.__init__(self, self.text())

    def text(
        self,
        translate: Callable[[str], str] = str,
        show_value: Callable[[object], object] = lambda value: value,
    ) -> str:
        """The message with its values, through `translate` (the untranslated English
        by default); `show_value` may show a value otherwise (a state by its label)."""
        translated = translate(self.message)
        if not self.values:
            return translated
        return translated % {name: show_value(value) for name, value in self.values.items()}

    @property
    def status(self) -> int:
        return self.kind.status
