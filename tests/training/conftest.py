"""Training fixtures: a fresh workspace to seed, and a player (tests.support.training)
that works a seeded scenario through the service layer the way a trainee would."""

from __future__ import annotations

import pytest

from commission.audit import Actor, set_actor
from commission.extensions import db
from commission.workspaces import use_workspace
from tests.support.training import SCENARIOS, Player, Seeder


@pytest.fixture
def training(app, workspace):
    """An app context inside a fresh training workspace; yields a Seeder."""
    with app.app_context(), use_workspace(workspace):
        set_actor(Actor(None, "test"))
        yield Seeder(app, workspace)
        db.session.remove()


@pytest.fixture
def play(training, make_user):
    """Seed a scenario and return a Player for it: play("two-families")."""

    def start(scenario_id: str) -> Player:
        return Player(training, make_user, training.seed(SCENARIOS[scenario_id]))

    return start
