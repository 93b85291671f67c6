"""Panels of the claim page: each package adds its own, the claim page shows them all.

A package registers its panels when its blueprint is registered (`bp.record_once`):
a name, an order (smaller first), a template to include, and a function of the claim
that returns the template's variables. The claim page (claims.views) imports no other
package: it asks `claim_panels` for what to show.

Orders in use: 10 the case (adjudication), 100 the claim's facts and parties (claims),
200 letters (documents), 300 evidence (claims), 900 the history (adjudication).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import Flask, current_app

_PANELS_KEY = "qayd_claim_panels"


@dataclasses.dataclass(frozen=True)
class ClaimPanel:
    name: str
    order: int
    template: str
    #: The claim -> the template's variables (names shared by all panels of the page).
    context: Callable[[object], dict]


def register_claim_panel(app: Flask, panel: ClaimPanel) -> None:
    panels: dict[str, ClaimPanel] = app.extensions.setdefault(_PANELS_KEY, {})
    if panel.name in panels:
        raise ValueError(f"a claim panel named {panel.name!r} is already registered")
    panels[panel.name] = panel


def claim_panels(claim) -> tuple[list[ClaimPanel], dict]:
    """The registered panels in order, and the variables of all of them for `claim`."""
    panels = sorted(
        current_app.extensions.get(_PANELS_KEY, {}).values(),
        key=lambda panel: (panel.order, panel.name),
    )
    context: dict = {}
    for panel in panels:
        context.update(panel.context(claim))
    return panels, context
