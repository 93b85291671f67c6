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
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from commission.accounts.models import User
from commission.boundary import on_refusal
from commission.confirm import confirmation_step
from commission.extensions import db
from commission.policy import allow, allow_any_user
from commission.roles import Role
from commission.workspaces import enter_training
from training.forms import StartRunForm, WorkspaceForm
from training.models import TrainingRun, TrainingSeat
from training.operations import (
    Seeding,
    close_run,
    delete_run,
    reset_seat,
    start_run,
    submit_seat,
)
from training.queries import (
    managed_run,
    possible_trainees,
    practices_of,
    readable_report_seat,
    roles_in,
    runs_managed_by,
    seat_in,
    seats_of,
)
from training.report import report_pdf
from training.scenarios.loading import load_scenarios
from training.scenarios.schema import ScenarioVocabulary

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
    seat = seat_in(db.session, workspace_id)
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
    scenario = _scenarios().get(seat.run.scenario_id)
    return {"training_seat": seat, "training_scenario": scenario, **helpers}


def _arabic() -> bool:
    return str(get_locale()) == "ar"


def _scenario_title(scenario) -> str:
    return scenario.title.ar if _arabic() else scenario.title.en


def _scenario_lesson(scenario) -> str:
    return scenario.lesson.ar if _arabic() else scenario.lesson.en


def _scenario_briefing(scenario) -> str:
    return scenario.briefing.ar if _arabic() else scenario.briefing.en


def _scenarios():
    """The packaged scenarios, checked against this application's vocabulary."""
    return load_scenarios(ScenarioVocabulary.from_config(current_app.config))


def _seeding() -> Seeding:
    return Seeding.from_app(current_app)


def _scenario_of(run: TrainingRun):
    scenario = _scenarios().get(run.scenario_id)
    if scenario is None:
        abort(404)
    return scenario


def _acting_user() -> User:
    return current_user._get_current_object()


def _managed_run_or_404(run_id: int, *options) -> TrainingRun:
    run = managed_run(db.session, run_id, current_user, *options)
    if run is None:
        abort(404)
    return run


def _found(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def _ask_first(may_act: bool, question: str, *, button: str, cancel: str):
    """The confirmation page for someone the operation lets act, until they confirm;
    None then, and for anyone else, whom the operation refuses without asking."""
    return confirmation_step(question, button=button, cancel=cancel) if may_act else None


@bp.route("/")
@allow_any_user
def index():
    """The trainer's runs and the form to start one; the trainee's practices."""
    manages = Role.TRAINER in current_user.roles
    return render_template(
        "training/index.html",
        runs=runs_managed_by(db.session, current_user) if manages else [],
        practices=practices_of(db.session, current_user),
        scenarios=_scenarios(),
        people=possible_trainees(db.session, current_user) if manages else [],
        seats=seats_of(db.session, current_user),
    )


@bp.route("/runs", methods=["POST"])
@allow(Role.TRAINER)
def start():
    scenarios = _scenarios()
    form = StartRunForm(scenario_ids=scenarios)
    if not form.validate():
        flash(form.first_error(), "error")
        return redirect(url_for(".index")), 303
    trainees = list(db.session.scalars(select(User).where(User.id.in_(form.trainee.data))))
    on_refusal(back=url_for(".index"))
    run = start_run(
        db.session,
        scenarios[form.scenario.data],
        by=_acting_user(),
        trainees=trainees,
        seeding=_seeding(),
    )
    run_id = run.id
    flash(_("The practice run has started."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/runs/<int:run_id>")
@allow(Role.TRAINER, Role.ADMIN)
def run_page(run_id: int):
    run = _managed_run_or_404(
        run_id, selectinload(TrainingRun.seats).joinedload(TrainingSeat.trainee)
    )
    return render_template("training/run.html", run=run, scenario=_scenario_of(run))


@bp.route("/runs/<int:run_id>/close", methods=["POST"])
@allow(Role.TRAINER, Role.ADMIN)
def close(run_id: int):
    run = _found(TrainingRun, run_id)
    asked = _ask_first(
        run.can_manage(_acting_user()),
        _(
            "Close practice run %(id)s (%(scenario)s) and score every trainee?",
            id=run.id,
            scenario=_scenario_title(_scenario_of(run)),
        ),
        button=_("Close and score"),
        cancel=url_for(".run_page", run_id=run_id),
    )
    if asked:
        return asked
    on_refusal(back=url_for(".run_page", run_id=run_id))
    close_run(db.session, run, _scenario_of(run), by=_acting_user())
    flash(_("The run is closed and every trainee is scored."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/runs/<int:run_id>/delete", methods=["POST"])
@allow(Role.TRAINER, Role.ADMIN)
def delete(run_id: int):
    run = _found(TrainingRun, run_id)
    asked = _ask_first(
        run.can_manage(_acting_user()),
        _(
            "Delete practice run %(id)s (%(scenario)s) with every trainee's work in it?",
            id=run.id,
            scenario=_scenario_title(_scenario_of(run)),
        ),
        button=_("Delete the run"),
        cancel=url_for(".run_page", run_id=run_id),
    )
    if asked:
        return asked
    on_refusal(back=url_for(".index"))
    delete_run(db.session, run, by=_acting_user())
    flash(_("The run and everything in it are deleted."), "info")
    return redirect(url_for(".index"))


@bp.route("/seats/<int:seat_id>/reset", methods=["POST"])
@allow(Role.TRAINER, Role.ADMIN)
def reset(seat_id: int):
    seat = _found(TrainingSeat, seat_id)
    run_id = seat.run_id
    asked = _ask_first(
        seat.run.can_manage(_acting_user()),
        _(
            "Reset the practice of %(name)s in run %(id)s to the scenario's start? "
            "Everything they did is lost.",
            name=seat.trainee.local_name,
            id=run_id,
        ),
        button=_("Reset the practice"),
        cancel=url_for(".run_page", run_id=run_id),
    )
    if asked:
        return asked
    on_refusal(back=url_for(".index"))
    reset_seat(db.session, seat, _scenario_of(seat.run), by=_acting_user(), seeding=_seeding())
    flash(_("The practice is reset to the scenario's start."), "info")
    return redirect(url_for(".run_page", run_id=run_id))


@bp.route("/seats/<int:seat_id>/submit", methods=["POST"])
@allow_any_user
def submit(seat_id: int):
    seat = _found(TrainingSeat, seat_id)
    asked = _ask_first(
        seat.can_submit(_acting_user()),
        _(
            "Submit your practice in run %(id)s for scoring? "
            "You cannot work on it after submitting.",
            id=seat.run_id,
        ),
        button=_("Submit for scoring"),
        cancel=url_for(".index"),
    )
    if asked:
        return asked
    on_refusal(back=url_for(".index"))
    submit_seat(db.session, seat, _scenario_of(seat.run), by=_acting_user())
    session.pop(WORKSPACE_KEY, None)
    flash(_("Your practice is submitted and scored."), "info")
    return redirect(url_for(".report", seat_id=seat_id))


def _readable_seat_or_404(seat_id: int) -> TrainingSeat:
    seat = readable_report_seat(db.session, seat_id, current_user)
    if seat is None:
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
    form = WorkspaceForm()
    if not form.validate():
        abort(400)
    if form.leaves_training:
        session.pop(WORKSPACE_KEY, None)
        flash(_("You are back in the commission's real data."), "info")
        return redirect(url_for("main.home"))
    allowed = {str(seat.workspace_id): seat for seat in seats_of(db.session, current_user)}
    seat = allowed.get(form.workspace.data)
    if seat is None:
        abort(404)
    session[WORKSPACE_KEY] = seat.workspace_id
    flash(_("You are in a training workspace: nothing here is real."), "info")
    return redirect(url_for("claims.claim_list"))
