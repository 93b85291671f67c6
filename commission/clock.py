"""The commission's calendar: dates are days in its time zone (BABEL_DEFAULT_TIMEZONE,
Asia/Baghdad), not the server's, so that a claim filed just after midnight in Baghdad is
filed today and deadlines fall due on Baghdad's days."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def commission_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    return datetime.now(commission_zone()).date()
