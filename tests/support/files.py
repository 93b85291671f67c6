"""Stored files in tests: ageing them past the garbage collector's grace period."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from commission.files import collect_garbage


def age_files(paths, days: int = 2) -> None:
    """Make stored files look untouched for `days`, as files the garbage collector may take."""
    moment = time.time() - days * 86400
    for path in paths:
        os.utime(path, (moment, moment))


def collect_old_garbage(app, session):
    """`flask files gc` with a one-hour grace: files aged by `age_files` are candidates."""
    return collect_garbage(
        session,
        app.config["QAYD_DATA_DIR"],
        app.extensions["qayd_stored_files"],
        grace=timedelta(hours=1),
    )
