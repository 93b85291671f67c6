"""Adjudication screens: the actions on a claim, work queues, assignment, hearings."""

from __future__ import annotations

from flask import Blueprint

from adjudication import models  # noqa: F401 - the tables, for the metadata and migrations

bp = Blueprint("adjudication", __name__, url_prefix="/adjudication", template_folder="templates")
