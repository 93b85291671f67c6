"""The roles a user can hold. Plain Python, so that the workflow core can name them
without importing the web application."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    CLERK = "clerk"
    ADJUDICATOR = "adjudicator"
    REVIEWER = "reviewer"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The translated name, for screens (needs the app's translations)."""
        from commission.accounts.models import ROLE_LABELS

        return str(ROLE_LABELS[self])
