"""Training screens: the trainer's runs, the trainee's practices, entering and leaving a
training workspace, and the score reports (HTML and PDF).

A user who enters a training workspace has it stored in their session; every request
then runs there (`choose_workspace`, installed as the app's workspace chooser), with the
roles they hold in it and no others, under a TRAINING banner.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from commission.accounts.models import User
from commission.extensions import db
from commission.policy import allow, allow_any_user
from commission.roles import Role
from commission.workspaces import enter_training
from training.models import TrainingRun, TrainingSeat
from training.report import report_pdf
from training.runs import (
    Seeding,
    TrainingRefused,
    close_run,
    delete_run,
    reset_seat,
    roles_in,
    seats_of,
    start_run,
    submit_seat,
)
from training.scenarios import load_scenarios

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")

ITEM_KIND_LABELS = {
    "conflict": _l("Conflict pair"),
    "group": _l("Competing claims decided together"),
    "outcome": _l("Outcome"),
    "appeal": _l("Appeal"),
    "deadline": _l("Deadline"),
    "letter": _l("Letter"),
}

#: The session key holding the training workspace the user works in.
WORKSPACE_KEY = "training_workspace_id"


@bp.record_once
def _install(state) -> None:
    state.app.extensions["qayd_choose_workspace"] = choose_workspace
    state.app.context_processor(_banner)


def choose_workspace() -> None:
    """Run this request in the training workspace the user entered, if they still may."""
    workspace_id = session.get(WORKSPACE_KEY)
    if workspace_id is None:
        return
    seat = db.session.scalar(select(TrainingSeat).where(TrainingSeat.workspace_id == workspace_id))
    roles = roles_in(db.session, workspace_id)
    if seat is None or seat.run.closed_at is not None or current_user.id not in roles:
        session.pop(WORKSPACE_KEY, None)
        return
    enter_training(workspace_id, roles)
    g.training_seat = seat


def _banner() -> dict:
    seat = g.get("training_seat")
    helpers = {
        "scenario_title": _scenario_title,
        "scenario_lesson": _scenario_lesson,
        "scenario_briefing": _scenario_briefing,
    }
    if seat is None:
        return {"training_seat": None, **helpers}
    scenario = load_scenarios().get(seat.run.scenario_id)
    return {"training_seat": seat, "training_scenario": scenario, **helpers}


def _arabic() -> bool:
    return str(get_locale()) == "ar"


def _scenario_title(scenario) -> str:
    return scenario.title.ar if _arabic() else scenario.title.en


def _scenario_lesson(scenario) -> str:
    return scenario.lesson.ar if _arabic() else scenario.lesson.en


def _scenario_briefing(scenario) -> str:
    return scenario.briefing.ar if _arabic() else scenario.briefing.en


def _seeding() -> Seeding:
    return Seeding.from_app(current_app)


def _scenario_of(run: TrainingRun):
    scenario = load_scenarios().get(run.scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _own_run_or_404(run_id: int, *options) -> TrainingRun:
    run = db.session.get(TrainingRun, run_id, options=options)
    if run is None or run.trainer_id != current_user.id:
        abort(404)
    return run


@bp.route("/")
@allow_any_user
def index():
    """The trainer's runs and the form to start one; the trainee's practices."""
    runs = []
    if Role.TRAINER in current_user.roles:
        runs = list(
            db.session.scalars(
                select(TrainingRun)
                .options(selectinload(TrainingRun.seats))
                .where(TrainingRun.trainer_id == current_user.id)
                .order_by(TrainingRun.id.desc())
            )
        )
    practices = list(
        db.session.scalars(
            select(TrainingSeat)
            .options(joinedload(TrainingSeat.run))
            .where(TrainingSeat.trainee_id == current_user.id)
            .order_by(TrainingSeat.id.desc())
        )
    )
    people = []
    if Role.TRAINER in current_user.roles:
        people = [
            user
            for user in db.session.scalars(
                select(User).where(User.is_active_account.is_(True)).order_by(User.full_name)
            )
            if user.id != current_user.id and not user.username.startswith("training-")
        ]
    return render_template(
        "training/index.html",
        runs=runs,
        practices=practices,
        scenarios=load_scenarios(),
        people=people,
        seats=seats_of(db.session, current_user),
    )


@bp.route("/runs", methods=["POST"])
@allow(Role.TRAINER)
def start():
    scenario = load_scenarios().get(request.form.get("scenario", ""))
    trainee_ids = request.form.getlist("trainee", type=int)
    trainees = list(db.session.scalars(select(User).where(User.id.in_(trainee_ids or [0]))))
    if scenario is None:
        flash(_("Choose a scenario."), "error")
        return redirect(url_for(".index")), 303
    try:
        run = start_run(
            db.session,
            scenario,
            trainer=current_user._get_current_object(),
            trainees=trainees,
            seeding=_seeding(),
        )
    except TrainingRefused as refused:
        db.session.rollback()
        flash(_(refused.message), "error")
        return redirect(url_for(".index")), 303
    run_id = run.id
    db.session.commit()
    flash(_("The practice run has started."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/runs/<int:run_id>")
@allow(Role.TRAINER)
def run_page(run_id: int):
    run = _own_run_or_404(run_id, selectinload(TrainingRun.seats).joinedload(TrainingSeat.trainee))
    return render_template("training/run.html", run=run, scenario=_scenario_of(run))


@bp.route("/runs/<int:run_id>/close", methods=["POST"])
@allow(Role.TRAINER)
def close(run_id: int):
    run = _own_run_or_404(run_id)
    try:
        close_run(db.session, run, _scenario_of(run))
    except TrainingRefused as refused:
        db.session.rollback()
        flash(_(refused.message), "error")
        return redirect(url_for(".run_page", run_id=run_id)), 303
    db.session.commit()
    flash(_("The run is closed and every trainee is scored."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/runs/<int:run_id>/delete", methods=["POST"])
@allow(Role.TRAINER)
def delete(run_id: int):
    run = _own_run_or_404(run_id)
    delete_run(db.session, run)
    db.session.commit()
    flash(_("The run and everything in it are deleted."), "info")
    return redirect(url_for(".index"))


@bp.route("/seats/<int:seat_id>/reset", methods=["POST"])
@allow(Role.TRAINER)
def reset(seat_id: int):
    seat = db.session.get(TrainingSeat, seat_id)
    if seat is None or seat.run.trainer_id != current_user.id:
        abort(404)
    run_id = seat.run_id
    reset_seat(db.session, seat, _scenario_of(seat.run), seeding=_seeding())
    db.session.commit()
    flash(_("The practice is reset to the scenario's start."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/seats/<int:seat_id>/submit", methods=["POST"])
@allow_any_user
def submit(seat_id: int):
    seat = db.session.get(TrainingSeat, seat_id)
    if seat is None or seat.trainee_id != current_user.id:
        abort(404)
    try:
        submit_seat(db.session, seat, _scenario_of(seat.run), by=current_user._get_current_object())
    except TrainingRefused as refused:
        db.session.rollback()
        flash(_(refused.message), "error")
        return redirect(url_for(".index")), 303
    db.session.commit()
    session.pop(WORKSPACE_KEY, None)
    flash(_("Your practice is submitted and scored."), "info")
    return redirect(url_for(".report", seat_id=seat_id))


def _readable_seat_or_404(seat_id: int) -> TrainingSeat:
    seat = db.session.get(TrainingSeat, seat_id)
    if seat is None or current_user.id not in (seat.trainee_id, seat.run.trainer_id):
        abort(404)
    if not seat.report_json:
        abort(404)
    return seat


@bp.route("/seats/<int:seat_id>/report")
@allow_any_user
def report(seat_id: int):
    seat = _readable_seat_or_404(seat_id)
    return render_template(
        "training/report.html",
        seat=seat,
        scenario=_scenario_of(seat.run),
        report=json.loads(seat.report_json),
        item_kind_labels=ITEM_KIND_LABELS,
    )


@bp.route("/seats/<int:seat_id>/report.pdf")
@allow_any_user
def report_pdf_view(seat_id: int):
    seat = _readable_seat_or_404(seat_id)
    data = report_pdf(seat, _scenario_of(seat.run), json.loads(seat.report_json))
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="training-report-{seat.id}.pdf"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/workspace", methods=["POST"])
@allow_any_user
def switch_workspace():
    """Enter a training workspace the user has a seat in (or trains), or leave it."""
    chosen = request.form.get("workspace", "")
    if chosen == "operational":
        session.pop(WORKSPACE_KEY, None)
        flash(_("You are back in the commission's real data."), "info")
        return redirect(url_for("main.home"))
    allowed = {str(seat.workspace_id): seat for seat in seats_of(db.session, current_user)}
    seat = allowed.get(chosen)
    if seat is None:
        abort(404)
    session[WORKSPACE_KEY] = seat.workspace_id
    flash(_("You are in a training workspace: nothing here is real."), "info")
    return redirect(url_for("claims.claim_list"))
