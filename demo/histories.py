"""Demo history: the demo claims taken along the workflow by the demo staff, as if over the
months since they were filed, so that `flask seed-demo` shows a living commission.

Nothing here changes a state itself: conflict pairs are reviewed with `review_candidate`,
claims assigned with `assign_claims` and moved with `perform`, so every guard of the
table holds and each claim's history is a path through it. A case — one claim, or the
claims of a conflict group, decided together — gets a story: the actions that lead it to
some state, each a number of days after the one before, the last a chosen number of days
before today, so that ages and deadlines look real (answer windows and hearings overdue,
appeal windows about to close). The verbs take the story's day as `today`, which sets
every deadline; the times they stamp (transition, state age, decision, hearing, appeal)
are then set to that day, an audited change like any other.

Stories are dealt from a shuffled deck that starts with one of each and then holds each
as often as it is common, so a few dozen claims already show every state. The same
claims, seed and day give the same history.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from adjudication.domain import AppealOutcome, DecisionStatus, Outcome
from adjudication.models import Decision, DecisionClaim, Hearing
from adjudication.operations import (
    ActionInput,
    ClaimOutcome,
    WorkflowSettings,
    assign_claims,
    issued_decision,
    latest_appeal,
    pending_decision,
    perform,
)
from adjudication.workflow import Action
from claims.domain import CandidateStatus, ClaimBasis, ClaimState, PartyRole, PropertyType, Remedy
from claims.models import Claim, ConflictCandidate
from claims.operations import review_candidate
from claims.queries import group_of
from commission.accounts.models import User
from commission.db import utcnow
from demo.claims import DEMO_REF_PREFIX, DemoClaim
from demo.people import DemoStaff

#: Claims filed more recently than this have not been screened yet: their conflict
#: pairs stay open for the review queue.
UNSCREENED_DAYS = 45


def advance_demo_claims(
    session: Session,
    registered: list[tuple[DemoClaim, Claim]],
    *,
    staff: DemoStaff,
    settings: WorkflowSettings,
    today: date,
    seed: int,
) -> None:
    """Give the demo claims just registered their history up to `today`. Claims the demo
    adjudicator cannot be assigned (another office's, on an older demo database) and
    conflict groups reaching beyond these claims stay as they are."""
    walk = _Walk(session, staff, settings, today, seed)
    fresh = {claim.id: (demo, claim) for demo, claim in registered}
    for demo, claim in registered:
        # Until a story moves it, a claim has waited since its filing.
        filed_at = random.Random(f"{seed}:{demo.claim.import_ref}:filed")
        claim.state_since = _office_hours(claim.filed_on, filed_at)
    roots = _planted_roots([demo for demo, _claim in registered])
    held_open = _review_conflicts(session, fresh, roots, staff, today, seed)
    dealer = _Dealer(random.Random(f"{seed}:stories"))
    for case in _cases(session, fresh, held_open, staff, seed):
        walk.tell(case, dealer)


def demo_state_counts(session: Session) -> dict[ClaimState, int]:
    """How many demo claims are in each state (every state listed, zeros too)."""
    counts = dict(
        session.execute(
            select(Claim.state, func.count())
            .where(Claim.import_ref.startswith(DEMO_REF_PREFIX))
            .group_by(Claim.state)
        ).all()
    )
    return {state: counts.get(state, 0) for state in ClaimState}


# --------------------------------------------------------------------------- cases


@dataclasses.dataclass
class _Case:
    """One claim, or the claims of a conflict group, in id order."""

    claims: list[Claim]
    demos: list[DemoClaim]
    rng: random.Random
    #: A conflict pair of the case is still open: no decision can be drafted.
    has_open_conflicts: bool

    @property
    def lead(self) -> Claim:
        return self.claims[0]

    @property
    def is_group(self) -> bool:
        return len(self.claims) > 1

    @property
    def filed_on(self) -> date:
        return max(claim.filed_on for claim in self.claims)

    @property
    def is_planted_duplicate(self) -> bool:
        return not self.is_group and self.demos[0].planted == "duplicate"


def _planted_roots(demos: list[DemoClaim]) -> dict[str, str]:
    """Each demo ref's first claim on the parcel: planted conflicts share a root."""
    of = {demo.claim.import_ref: demo.of_ref for demo in demos}
    roots = {}
    for ref in of:
        root = ref
        while of.get(root):
            root = of[root]
        roots[ref] = root
    return roots


def _review_conflicts(
    session: Session,
    fresh: dict[int, tuple[DemoClaim, Claim]],
    roots: dict[str, str],
    staff: DemoStaff,
    today: date,
    seed: int,
) -> set[int]:
    """Review the open pairs of the new claims as the adjudicator did at screening:
    planted conflicts confirmed, chance resemblances dismissed. Pairs of claims not yet
    screened, or with a claim of an earlier run, stay open; returns their claims' ids."""
    rng = random.Random(f"{seed}:reviews")
    pairs = session.scalars(
        select(ConflictCandidate)
        .where(
            ConflictCandidate.status == CandidateStatus.OPEN,
            or_(
                ConflictCandidate.claim_a_id.in_(fresh),
                ConflictCandidate.claim_b_id.in_(fresh),
            ),
        )
        .order_by(ConflictCandidate.id)
    ).all()
    held_open: set[int] = set()
    for pair in pairs:
        both = (pair.claim_a_id, pair.claim_b_id)
        later_filed = max(pair.claim_a.filed_on, pair.claim_b.filed_on)
        if not set(both) <= fresh.keys() or (today - later_filed).days < UNSCREENED_DAYS:
            held_open.update(both)
            continue
        refs = (pair.claim_a.import_ref, pair.claim_b.import_ref)
        confirm = roots[refs[0]] == roots[refs[1]]
        note = rng.choice(_CONFIRM_NOTES[pair.kind] if confirm else _DISMISS_NOTES)
        review_candidate(session, pair, confirm=confirm, note=note, by=staff.adjudicator)
        reviewed_on = min(later_filed + timedelta(rng.randint(3, 25)), today)
        pair.reviewed_at = _office_hours(reviewed_on, rng)
    return held_open


_CONFIRM_NOTES = {
    "duplicate": (
        "Same claimant filed twice: the identity card numbers match.",
        "The second filing repeats the first; same claimant, name spelled in Latin letters.",
    ),
    "counterclaim": (
        "The occupant named as respondent has filed his own claim on the same parcel: "
        "decide both together.",
        "Counterclaim by the current occupant; same muqata'a and parcel number.",
    ),
    "competing": (
        "Two families claim the same house: decide together.",
        "Same parcel in the cadastral extract; competing claimants.",
    ),
}
_DISMISS_NOTES = (
    "Different parcels: the sub-numbers differ and the claimants are unrelated.",
    "Checked against the cadastral extract: neighbouring parcels, not the same one.",
    "Common family name only; different muqata'a and different claimants.",
)


def _cases(
    session: Session,
    fresh: dict[int, tuple[DemoClaim, Claim]],
    held_open: set[int],
    staff: DemoStaff,
    seed: int,
) -> list[_Case]:
    cases, seen = [], set()
    adjudicator = staff.adjudicator
    for claim_id, (_demo, claim) in fresh.items():
        if claim_id in seen:
            continue
        group = group_of(session, claim)
        members = sorted(
            (member.claim for member in group.members) if group else [claim],
            key=lambda member: member.id,
        )
        seen.update(member.id for member in members)
        if any(member.id not in fresh for member in members):
            continue  # a group reaching into claims walked by an earlier run
        if not adjudicator.sees_all_offices and any(
            member.office_id != adjudicator.office_id for member in members
        ):
            continue
        cases.append(
            _Case(
                claims=members,
                demos=[fresh[member.id][0] for member in members],
                rng=random.Random(f"{seed}:{members[0].import_ref}"),
                has_open_conflicts=any(member.id in held_open for member in members),
            )
        )
    return cases


# --------------------------------------------------------------------------- stories


Act = Callable[[date], None]


@dataclasses.dataclass(frozen=True)
class _Story:
    name: str
    #: How often this story is dealt, relative to the others.
    weight: int
    #: Builds the moves on a plan.
    build: Callable[[_Plan], None]
    #: It drafts a decision (so the case may have no open conflict pair).
    decides: bool = False
    fits_group: bool = False
    needs_respondent: bool = False

    def fits(self, case: _Case) -> bool:
        if case.is_group and not self.fits_group:
            return False
        if self.decides and case.has_open_conflicts:
            return False
        return not self.needs_respondent or _has_respondent(case.lead)


class _Dealer:
    """Deals stories: one of each first, then each as often as its weight, reshuffled."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.deck = list(STORIES)
        rng.shuffle(self.deck)

    def candidates(self) -> list[_Story]:
        if not self.deck:
            self.deck = [story for story in STORIES for _ in range(story.weight)]
            self.rng.shuffle(self.deck)
        return list(self.deck)

    def take(self, story: _Story) -> None:
        self.deck.remove(story)


class _Plan:
    """One case's story as moves: each a gap in days after the one before (the first
    after the filing) and what happens that day; then `tail` days until today."""

    def __init__(self, case: _Case, walk: _Walk):
        self.case, self.walk, self.rng = case, walk, case.rng
        self.moves: list[tuple[int, Act]] = []
        #: The range of days from the last move to today, and the number drawn from it.
        self.tail = (0, 0)
        self.tail_days = 0
        self.staff, self.settings = walk.staff, walk.settings

    def on(self, low: int, high: int, act: Act) -> None:
        self.moves.append((self.rng.randint(low, high), act))

    def each(self, action: Action, by: Callable[[], User | None], data=None) -> Act:
        """An action on every claim of the case, the same day."""

        def act(day: date) -> None:
            for claim in self.case.claims:
                self.walk.act(claim, action, by(), day, **(data(claim, day) if data else {}))

        return act

    def lead(self, action: Action, by: Callable[[], User | None], data=None) -> Act:
        """An action on the case's first claim (a decision acts on the whole group)."""

        def act(day: date) -> None:
            claim = self.case.lead
            self.walk.act(claim, action, by(), day, **(data(claim, day) if data else {}))

        return act

    # The building blocks of the stories, in workflow order.

    def assign(self) -> None:
        self.on(3, 40, lambda day: self.walk.assign(self.case, day))

    def screen(self) -> None:
        self.assign()
        self.on(1, 12, self.each(Action.START_SCREENING, self._adjudicator))

    def to_review(self) -> None:
        """Serve the respondents (answer, or the 45 days run out) or admit directly."""
        self.screen()
        self.on(2, 10, self._serve_or_admit)
        if any(_has_respondent(claim) for claim in self.case.claims):
            answered = self.rng.random() < 0.7
            answer_days = self.settings.answer_days
            if answered:
                self.on(10, answer_days - 1, self._answer)
            else:
                self.on(answer_days + 1, answer_days + 8, self._close_answer_window)

    def hearing(self, *, held: bool = True) -> int:
        """Schedule a hearing some days ahead (and hold it); returns that many days."""
        ahead = self.rng.randint(10, 30)
        place = f"{self.case.lead.office.name_en} office, hearing room {self.rng.randint(1, 4)}"
        hour = self.rng.choice((time(6, 0), time(7, 30), time(9, 0)))

        def data(claim: Claim, day: date) -> dict:
            return {
                "hearing_starts_at": datetime.combine(day + timedelta(ahead), hour, UTC),
                "hearing_place": place,
                "parties_notified": True,
                "comment": "Parties summoned by registered letter and by telephone.",
            }

        self.on(3, 15, self.each(Action.SCHEDULE_HEARING, self._adjudicator, data))
        if held:  # the minutes are recorded the day after
            held_act = self.each(Action.RECORD_HEARING, self._adjudicator, _held)
            self.moves.append((ahead + 1, held_act))
        return ahead

    def draft(self, *, implementable: bool = False) -> None:
        outcomes = _outcomes(self.case, self.rng, self.settings, implementable=implementable)

        def data(claim: Claim, day: date) -> dict:
            return outcomes

        self.on(7, 40, self.lead(Action.DRAFT_DECISION, self._adjudicator, data))

    def approve(self) -> None:
        self.on(
            2,
            14,
            self.lead(
                Action.APPROVE_DECISION,
                self._reviewer,
                lambda claim, day: {
                    "notified_on": day,
                    "comment": "Approved. Parties notified by registered letter.",
                },
            ),
        )

    def decide(self, *, implementable: bool = False) -> None:
        self.to_review()
        if self.rng.random() < 0.4:
            self.hearing()
        self.draft(implementable=implementable)
        self.approve()

    def finalise_by_tick(self) -> None:
        appeal_days = self.settings.appeal_days
        self.on(
            appeal_days + 1,
            appeal_days + 3,
            self.each(Action.FINALISE, lambda: None, lambda claim, day: {"comment": _TICK}),
        )

    def lodge_appeal(self) -> None:
        self.on(
            3,
            self.settings.appeal_days,
            self.lead(
                Action.LODGE_APPEAL,
                self._clerk,
                lambda claim, day: {"comment": self.rng.choice(_APPEAL_GROUNDS)},
            ),
        )

    def decide_appeal(self, outcome: AppealOutcome) -> None:
        self.on(
            20,
            75,
            self.lead(
                Action.DECIDE_APPEAL,
                self._appeals_reviewer,
                lambda claim, day: {
                    "appeal_outcome": outcome,
                    "comment": _APPEAL_REASONS[outcome],
                },
            ),
        )

    def remand(self) -> None:
        self.decide_appeal(AppealOutcome.REMANDED)
        self.on(
            1,
            10,
            self.lead(
                Action.REMAND,
                self._appeals_reviewer,
                lambda claim, day: {"comment": "Returned to the adjudicator for a new hearing."},
            ),
        )

    def close(self) -> None:
        self.on(20, 150, self.each(Action.CLOSE, self._adjudicator, _implemented))

    def _adjudicator(self) -> User:
        return self.staff.adjudicator

    def _reviewer(self) -> User:
        return self.staff.reviewer

    def _appeals_reviewer(self) -> User:
        return self.staff.appeals_reviewer

    def _clerk(self) -> User:
        return self.staff.clerk

    def _serve_or_admit(self, day: date) -> None:
        for claim in self.case.claims:
            if _has_respondent(claim):
                respondent = claim.parties_in(PartyRole.RESPONDENT)[0].full_name
                comment = f"Notice served on {respondent} by the office's process server."
                self.walk.act(claim, Action.SERVE_RESPONDENT, self._adjudicator(), day, comment)
            else:
                comment = "No respondent to serve: the parcel is held by a state body."
                self.walk.act(claim, Action.ADMIT, self._adjudicator(), day, comment)

    def _answer(self, day: date) -> None:
        for claim in self.case.claims:
            if claim.state == ClaimState.RESPONDENT_NOTICE:
                answer = self.rng.choice(_ANSWERS)
                self.walk.act(claim, Action.RECORD_ANSWER, self._adjudicator(), day, answer)

    def _close_answer_window(self, day: date) -> None:
        for claim in self.case.claims:
            if claim.state == ClaimState.RESPONDENT_NOTICE:
                comment = "No answer from the respondent within 45 days of service."
                self.walk.act(claim, Action.CLOSE_ANSWER_WINDOW, self._adjudicator(), day, comment)


def _has_respondent(claim: Claim) -> bool:
    return bool(claim.parties_in(PartyRole.RESPONDENT))


def _held(claim: Claim, day: date) -> dict:
    return {
        "hearing_outcome": "Both parties heard; documents examined.",
        "comment": "Minutes: the claimant presented the title deed; the respondent "
        "presented a sale contract from 1994 not registered at the real estate registry.",
    }


def _implemented(claim: Claim, day: date) -> dict:
    return {
        "comment": "Implemented: the real estate registry recorded the decision "
        "and the file was archived."
    }


_TICK = "No appeal within the deadline."
_ANSWERS = (
    "The respondent says he bought the house in good faith in 1996 and holds a sale contract.",
    "The respondent does not contest the claim and asks for time to vacate.",
    "The respondent, a ministry, says the land was expropriated for a public project.",
    "The respondent claims the property was inherited from his father and denies the confiscation.",
)
_APPEAL_GROUNDS = (
    "The claimant appeals: the compensation does not reflect the market value of the house.",
    "The respondent appeals: his purchase in good faith was not weighed.",
    "The claimant appeals: the title deed of 1975 was not considered.",
)
_APPEAL_REASONS = {
    AppealOutcome.UPHELD: "The decision applied the law correctly; the appeal is rejected.",
    AppealOutcome.OVERTURNED: "The registry extract shows the transfer was forced; the "
    "decision is reversed.",
    AppealOutcome.REMANDED: "The witness named by the respondent was not heard; the claim "
    "goes back for a new hearing.",
}
_DOCUMENTS = (
    "Certified copy of the title deed (sanad) from the real estate registry.",
    "Death certificate and certificate of heirs (qassam shar'i) of the deceased owner.",
    "Copy of the confiscation decision and the unified national card of the claimant.",
    "Residence certificate (bitaqa sakan) for the years before the displacement.",
)


def _reason(codes: frozenset[str], preferred: str) -> str:
    """A code of the configured list: the preferred one if it is configured."""
    return preferred if preferred in codes else sorted(codes)[0]


def _provisions(settings: WorkflowSettings, *codes: str) -> tuple[str, ...]:
    return tuple(code for code in codes if code in settings.legal_provisions)


_BASIS_PROVISION = {
    ClaimBasis.CONFISCATION: "law13_confiscation",
    ClaimBasis.FORCED_RELOCATION: "law13_confiscation",
    ClaimBasis.CONFLICT_DISPLACEMENT: "civil_code",
    ClaimBasis.OTHER: "law13_public_purpose",
}


def _compensation(claim: Claim, rng: random.Random) -> Decimal:
    """An award in Iraqi dinars: per dunam for farmland, else for the building."""
    parcel = claim.parcel
    if parcel.property_type == PropertyType.AGRICULTURAL_LAND and parcel.area_m2:
        dunams = max(int(parcel.area_m2 / 2500), 1)
        return Decimal(dunams * rng.randint(2, 8) * 1_000_000)
    return Decimal(rng.randint(40, 350) * 1_000_000)


def _outcomes(
    case: _Case, rng: random.Random, settings: WorkflowSettings, *, implementable: bool
) -> dict:
    """The draft's input: an outcome per claim, reasons and legal basis. In a group the
    earliest claimant gets the parcel back; the others are compensated (good faith) or
    rejected."""
    currency = _reason(settings.currencies, "IQD")
    outcomes, provisions = {}, [_BASIS_PROVISION[case.lead.claim_basis]]
    for index, claim in enumerate(case.claims):
        roll = rng.random()
        if index == 0 and not case.is_group:
            wants_money = claim.remedy == Remedy.COMPENSATION
            if roll < (0.7 if wants_money else 0.2):
                kind = Outcome.COMPENSATION
            elif implementable or roll < 0.8:
                kind = Outcome.RESTITUTION
            else:
                kind = Outcome.REJECTION
        elif index == 0:
            kind = Outcome.RESTITUTION
        else:
            kind = Outcome.COMPENSATION if implementable or roll < 0.5 else Outcome.REJECTION
        if kind == Outcome.COMPENSATION:
            outcomes[claim.id] = ClaimOutcome(kind, "", _compensation(claim, rng), currency)
            provisions.append("law13_compensation" if index == 0 else "law13_good_faith")
        elif kind == Outcome.REJECTION:
            code = rng.choice(("no_proof_of_ownership", "lawful_transfer", "not_dispossessed"))
            outcomes[claim.id] = ClaimOutcome(kind, _reason(settings.rejection_reasons, code))
        else:
            outcomes[claim.id] = ClaimOutcome(kind)
    if case.is_group:
        reasons = (
            "The claims concern one parcel and are decided together. The first claimant "
            "proved ownership by the title deed registered before the dispossession; the "
            "later holder's position is settled as stated for each claim."
        )
    else:
        reasons = rng.choice(
            (
                "The claimant proved ownership by the title deed and the registry extract; "
                "the dispossession falls within the law.",
                "The registry shows the transfer to the state without compensation; the "
                "claimant is the heir of the registered owner.",
                "The claimant's documents do not establish ownership at the date of dispossession.",
            )
        )
    cited = _provisions(settings, *dict.fromkeys(provisions))
    return {
        "outcomes": outcomes,
        "comment": reasons,
        "provisions": cited,
        "legal_basis_note": "" if cited else "The commission's law on property disputes.",
    }


# The stories. Each ends in the state its name says; `tail` is how long ago the last
# move happened, which places the deadline of that state before or after today.


def _registered(plan: _Plan) -> None:
    plan.tail = (0, 0)


def _registered_assigned(plan: _Plan) -> None:
    plan.assign()
    plan.tail = (0, 20)


def _screening(plan: _Plan) -> None:
    plan.screen()
    plan.tail = (0, 25)


def _request_documents(plan: _Plan) -> None:
    plan.screen()
    plan.on(
        1,
        10,
        plan.each(
            Action.REQUEST_DOCUMENTS,
            plan._adjudicator,
            lambda claim, day: {
                "comment": plan.rng.choice(_DOCUMENTS),
                "deadline": day + timedelta(30),
            },
        ),
    )


def _incomplete(plan: _Plan) -> None:
    _request_documents(plan)
    plan.tail = (0, 45)  # the 30 days given: some still running, some overdue


def _annulled_after_request(plan: _Plan) -> None:
    _request_documents(plan)
    plan.on(
        31,
        40,
        plan.each(
            Action.ANNUL,
            plan._adjudicator,
            lambda claim, day: {
                "reason_code": _reason(plan.settings.annulment_reasons, "documents_not_supplied"),
                "comment": "The documents requested were not supplied by the deadline.",
            },
        ),
    )
    plan.tail = (0, plan.settings.appeal_days - 1)


def _annulled_at_screening(plan: _Plan) -> None:
    plan.screen()
    plan.on(
        1,
        10,
        plan.each(
            Action.ANNUL,
            plan._adjudicator,
            lambda claim, day: {
                "reason_code": _reason(plan.settings.annulment_reasons, "no_identity"),
                "comment": "The claimant did not appear and no identity document is on file.",
            },
        ),
    )
    plan.tail = (0, plan.settings.appeal_days - 1)


def _inadmissible(plan: _Plan) -> None:
    plan.screen()
    plan.on(
        1,
        10,
        plan.each(
            Action.DECLARE_INADMISSIBLE,
            plan._adjudicator,
            lambda claim, day: {
                "reason_code": _reason(plan.settings.inadmissibility_reasons, "time_limit"),
                "comment": "Filed after the time limit set by the law; no excuse shown.",
            },
        ),
    )
    plan.tail = (0, plan.settings.appeal_days - 1)


def _respondent_notice(plan: _Plan) -> None:
    plan.screen()
    plan.on(2, 10, plan._serve_or_admit)
    plan.tail = (0, plan.settings.answer_days + 15)  # some answer windows have run out


def _under_review(plan: _Plan) -> None:
    plan.to_review()
    plan.tail = (0, 40)


def _after_hearing(plan: _Plan) -> None:
    plan.to_review()
    plan.hearing()
    plan.tail = (0, 30)


def _hearing_scheduled(plan: _Plan) -> None:
    plan.to_review()
    ahead = plan.hearing(held=False)
    # The hearing falls between two days ago (minutes not recorded yet) and 20 days ahead.
    plan.tail = (max(ahead - 20, 0), ahead + 2)


def _decision_drafted(plan: _Plan) -> None:
    plan.to_review()
    plan.draft()
    plan.tail = (0, 12)


def _returned_draft(plan: _Plan) -> None:
    plan.to_review()
    plan.draft()
    plan.on(
        2,
        10,
        plan.lead(
            Action.RETURN_DRAFT,
            plan._reviewer,
            lambda claim, day: {
                "comment": "Cite the registry extract and state the date of dispossession."
            },
        ),
    )
    plan.tail = (0, 20)


def _decision_issued(plan: _Plan) -> None:
    plan.decide()
    plan.tail = (0, plan.settings.appeal_days - 1)  # some windows about to close


def _appealed(plan: _Plan) -> None:
    plan.decide()
    plan.lodge_appeal()
    plan.tail = (0, 50)


def _appeal_decided(plan: _Plan) -> None:
    plan.decide()
    plan.lodge_appeal()
    plan.decide_appeal(AppealOutcome.REMANDED)  # sending it back is the reviewer's next step
    plan.tail = (0, 4)


def _remanded(plan: _Plan) -> None:
    plan.decide()
    plan.lodge_appeal()
    plan.remand()
    plan.tail = (0, 30)


def _remanded_and_decided_again(plan: _Plan) -> None:
    plan.decide()
    plan.lodge_appeal()
    plan.remand()
    plan.hearing()
    plan.draft()
    plan.approve()
    plan.finalise_by_tick()
    plan.tail = (0, 60)


def _final(plan: _Plan) -> None:
    plan.decide()
    plan.finalise_by_tick()
    plan.tail = (0, 200)


def _final_after_appeal(plan: _Plan) -> None:
    plan.decide()
    plan.lodge_appeal()
    outcome = plan.rng.choice(
        (AppealOutcome.UPHELD, AppealOutcome.UPHELD, AppealOutcome.OVERTURNED)
    )
    plan.decide_appeal(outcome)
    plan.on(
        0,
        2,
        plan.lead(
            Action.FINALISE,
            plan._appeals_reviewer,
            lambda claim, day: {"comment": "Appeal decided; the decision is final."},
        ),
    )
    plan.tail = (0, 150)


def _annulled_final(plan: _Plan) -> None:
    _annulled_at_screening(plan)
    plan.finalise_by_tick()
    plan.tail = (0, 200)


def _closed(plan: _Plan) -> None:
    plan.decide(implementable=True)
    plan.finalise_by_tick()
    plan.close()
    plan.tail = (0, 150)


def _withdrawn(plan: _Plan) -> None:
    """Withdrawn at the counter, or later while under review."""
    if plan.rng.random() < 0.5:
        plan.to_review()
    plan.on(
        5,
        60,
        plan.each(
            Action.WITHDRAW,
            plan._clerk,
            lambda claim, day: {
                "comment": "The claimant withdrew the claim in writing at the office "
                "(settled with the occupant)."
            },
        ),
    )
    plan.tail = (0, 300)


def _withdrawn_duplicate(plan: _Plan) -> None:
    original = plan.case.demos[0].of_ref
    plan.on(
        5,
        40,
        plan.each(
            Action.WITHDRAW,
            plan._clerk,
            lambda claim, day: {
                "comment": f"Second filing of the same claim (import ref {original}); "
                "the claimant withdrew it in writing."
            },
        ),
    )
    plan.tail = (0, 300)


STORIES: tuple[_Story, ...] = (
    _Story("registered", 10, _registered, fits_group=True),
    _Story("registered_assigned", 4, _registered_assigned, fits_group=True),
    _Story("screening", 7, _screening, fits_group=True),
    _Story("incomplete", 5, _incomplete),
    _Story("annulled_after_request", 2, _annulled_after_request),
    _Story("annulled_at_screening", 1, _annulled_at_screening),
    _Story("inadmissible", 3, _inadmissible),
    _Story("respondent_notice", 7, _respondent_notice, needs_respondent=True),
    _Story("under_review", 9, _under_review, fits_group=True),
    _Story("after_hearing", 3, _after_hearing, fits_group=True),
    _Story("hearing_scheduled", 6, _hearing_scheduled, fits_group=True),
    _Story("decision_drafted", 5, _decision_drafted, decides=True, fits_group=True),
    _Story("returned_draft", 2, _returned_draft, decides=True),
    _Story("decision_issued", 6, _decision_issued, decides=True, fits_group=True),
    _Story("appealed", 4, _appealed, decides=True),
    _Story("appeal_decided", 1, _appeal_decided, decides=True),
    _Story("remanded", 2, _remanded, decides=True),
    _Story("remanded_and_decided_again", 1, _remanded_and_decided_again, decides=True),
    _Story("final", 8, _final, decides=True, fits_group=True),
    _Story("final_after_appeal", 3, _final_after_appeal, decides=True),
    _Story("annulled_final", 1, _annulled_final),
    _Story("closed", 5, _closed, decides=True, fits_group=True),
    _Story("withdrawn", 4, _withdrawn),
)
_DUPLICATE = _Story("withdrawn_duplicate", 0, _withdrawn_duplicate)
_STAY_REGISTERED = STORIES[0]


# --------------------------------------------------------------------------- the walk


class _Walk:
    def __init__(self, session: Session, staff: DemoStaff, settings: WorkflowSettings, today, seed):
        self.session, self.staff, self.settings, self.today = session, staff, settings, today
        self.clock = _Clock(random.Random(f"{seed}:clock"))

    def tell(self, case: _Case, dealer: _Dealer) -> None:
        """Plan the first story that fits the case and its age, then play it."""
        plan = None
        if case.is_planted_duplicate and not case.has_open_conflicts:
            plan = self._plan(case, _DUPLICATE)
        if plan is None:
            for story in dealer.candidates():
                if story.fits(case):
                    plan = self._plan(case, story)
                    if plan is not None:
                        dealer.take(story)
                        break
        if plan is None:
            plan = self._plan(case, _STAY_REGISTERED)
        day = self.today - timedelta(plan.tail_days + sum(gap for gap, _act in plan.moves))
        for gap, act in plan.moves:
            day += timedelta(gap)
            act(day)

    def _plan(self, case: _Case, story: _Story) -> _Plan | None:
        """The story's moves for this case, or None if the case is too young for them."""
        plan = _Plan(case, self)
        story.build(plan)
        slack = (self.today - case.filed_on).days - sum(gap for gap, _act in plan.moves)
        low, high = plan.tail
        if slack < low:
            return None
        plan.tail_days = min(plan.rng.randint(low, high), slack)
        return plan

    def assign(self, case: _Case, day: date) -> None:
        claims = assign_claims(
            self.session, case.claims, self.staff.adjudicator, by=self.staff.reviewer
        )
        at = self.clock.at(day)
        for claim in claims:
            claim.assigned_at = at

    def act(self, claim: Claim, action: Action, by: User | None, day: date, comment="", **data):
        """`perform` as `by` on `day`, then the times it stamped set to that day."""
        transitions = perform(
            self.session,
            claim,
            action,
            by=by,
            expected_version=claim.version if by is not None else None,
            today=day,
            settings=self.settings,
            data=ActionInput(comment=comment, **data),
        )
        at = self.clock.at(day)
        for transition in transitions:
            transition.occurred_at = at
            self.session.get(Claim, transition.claim_id).state_since = at
        stamp = _STAMPS.get(action)
        if stamp is not None:
            stamp(self.session, claim, at)


def _stamp_draft(session: Session, claim: Claim, at: datetime) -> None:
    pending_decision(session, claim).drafted_at = at


def _stamp_issue(session: Session, claim: Claim, at: datetime) -> None:
    issued_decision(session, claim).issued_at = at


def _stamp_return(session: Session, claim: Claim, at: datetime) -> None:
    returned = session.scalar(
        select(Decision)
        .join(DecisionClaim)
        .where(DecisionClaim.claim_id == claim.id, Decision.status == DecisionStatus.RETURNED)
        .order_by(Decision.id.desc())
        .limit(1)
    )
    returned.returned_at = at


def _stamp_hearing(session: Session, claim: Claim, at: datetime) -> None:
    # Held on the day it was scheduled for; the minutes are recorded the day after.
    held = session.scalar(
        select(Hearing)
        .where(Hearing.claim_id == claim.id, Hearing.held_at.is_not(None))
        .order_by(Hearing.id.desc())
        .limit(1)
    )
    held.held_at = held.starts_at + timedelta(hours=2)


def _stamp_appeal(session: Session, claim: Claim, at: datetime) -> None:
    latest_appeal(session, claim).decided_at = at


#: The rows an action stamps with the current time besides its transitions.
_STAMPS = {
    Action.DRAFT_DECISION: _stamp_draft,
    Action.APPROVE_DECISION: _stamp_issue,
    Action.RETURN_DRAFT: _stamp_return,
    Action.RECORD_HEARING: _stamp_hearing,
    Action.DECIDE_APPEAL: _stamp_appeal,
}


def _office_hours(day: date, rng: random.Random) -> datetime:
    """A time on `day` during office hours in Baghdad (08:00-13:00, UTC+3)."""
    return datetime.combine(day, time(5, 0), UTC) + timedelta(minutes=rng.randint(0, 300))


class _Clock:
    """Times for the moves of one day, in order: from a time in the morning in Baghdad,
    a few minutes apart, so that a claim's history sorts the way it happened; never
    later than now."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.day: date | None = None
        self.next_at = datetime.min.replace(tzinfo=UTC)

    def at(self, day: date) -> datetime:
        if day != self.day:
            self.day, self.next_at = day, _office_hours(day, self.rng)
        at, self.next_at = self.next_at, self.next_at + timedelta(minutes=7)
        return min(at, utcnow())
