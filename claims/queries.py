"""Read-only questions about claims: the searchable list, who may see a claim, and
conflict candidates (what a claim would conflict with, the review queue, a claim's
conflict group). Each claim's blocking keys are stored in `claim_match_key` (indexed by
workspace and key); the candidates of a claim are the claims that share one of its probe
keys, scored by the same `score_pair` that `match-csv` uses. No step reads all claims.

Workspace scoping is added by the session hook (commission/workspaces.py); what is
added here is office scoping: branch staff see their own office's claims, headquarters
staff see every office's. Lists are keyset-paginated newest first (`id < before`, never
OFFSET) so a page costs the same on page 1 and page 10,000, and the plain scans walk the
indexes (workspace_id, id) and (workspace_id, office_id, id) backwards.

Parties are searched through their search keys in `party_search_key` (the words of
their name skeletons, the pairs of those words, and their identity numbers, made by
claims.matching.search), so a name in any script or spelling, or an identity number, is
an index probe; a name search is ranked by closeness instead of paged by age.
"""

from __future__ import annotations

import dataclasses
import hmac
import re
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload

from claims.domain import CandidateStatus, ClaimState, PartyRole, QualityFlag
from claims.matching import (
    ClaimFields,
    MatchThresholds,
    PairScore,
    id_number_key,
    name_similarity,
    name_skeleton,
    name_words,
    normalise_claim,
    party_search_keys,
    score_pair,
    word_key,
    word_pair_key,
)
from claims.matching.blocking import UNCAPPED_FAMILIES, probe_keys
from claims.matching.normalise import fold_digits, parse_parcel_number
from claims.models import (
    Claim,
    ClaimMatchKey,
    ClaimQualityFlag,
    ConflictCandidate,
    ConflictGroup,
    ConflictGroupMember,
    Parcel,
    Party,
    PartySearchKey,
)
from commission.accounts.models import User
from commission.workspaces import ALL_WORKSPACES, current_workspace_id

if TYPE_CHECKING:
    from claims.domain import ClaimInput, PartyInput

#: A complete claim number, leniently typed: "bgd-2026-123" means BGD-2026-000123.
_FULL_NUMBER_RE = re.compile(r"^([A-Z]{2,8})-(\d{4})-(\d{1,6})$")


@dataclasses.dataclass
class ClaimFilters:
    #: A whole claim number, or its beginning ("BGD-2026-").
    number: str = ""
    #: A party's name in any script or spelling; closest names first.
    name: str = ""
    #: A party's identity document number, digits in any script, separators ignored.
    id_number: str = ""
    governorate_code: str = ""
    #: A parcel number in any script; "345" also finds its sub-parcels 345/1, 345/2 …
    parcel_no: str = ""
    state: ClaimState | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    #: Only claims whose parcel is still to be identified.
    parcel_to_identify: bool = False
    #: Only claims carrying this data-quality flag (what a clerk still has to complete).
    quality_flag: QualityFlag | None = None


def normalise_claim_number(entered: str) -> str:
    """Upper case, ASCII digits, no spaces; a complete number gets its zero padding."""
    text = fold_digits(entered or "").strip().upper().replace(" ", "")
    match = _FULL_NUMBER_RE.match(text)
    if match:
        office, year, seq = match.groups()
        return f"{office}-{year}-{int(seq):06d}"
    return text


#: A claim number's tail: its sequence number, with or without the zero padding ("000023",
#: "23"); the office and year are shown with each claim found.
_NUMBER_TAIL_RE = re.compile(r"^\d{1,6}$")
#: A name search ranks this many of the newest claims whose parties have every word of the
#: name; a name shared by more claims than that needs another word or filter to narrow it.
NAME_RANKING_WINDOW = 200
#: How far the index of a query's key is counted to find its rarest: further than the
#: ranking window, so a key more common than that is never chosen over a rarer one, and
#: bounded, so counting a common key costs the same at any size.
_KEY_COUNT_CAP = 100 * NAME_RANKING_WINDOW
#: The pairs of a query's first this many words are counted to choose the rarest (six
#: counts); further words are checked on each party found.
_COUNTED_QUERY_WORDS = 4


def quality_flags_of(session: Session, claim_ids: list[int]) -> dict[int, list[QualityFlag]]:
    """The data-quality flags of each of a page of claims, in one statement."""
    # Ordered by claim, not by flag: SQLite without statistics would rather walk the flag
    # lookup index over the whole workspace than sort a page's few flags.
    rows = session.execute(
        select(ClaimQualityFlag.claim_id, ClaimQualityFlag.flag)
        .where(ClaimQualityFlag.claim_id.in_(claim_ids))
        .order_by(ClaimQualityFlag.claim_id)
    )
    flags: dict[int, list[QualityFlag]] = {}
    for claim_id, flag in rows:
        flags.setdefault(claim_id, []).append(QualityFlag(flag))
    return {claim_id: sorted(found) for claim_id, found in flags.items()}


def search_claims(
    session: Session,
    filters: ClaimFilters,
    *,
    viewer: User,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Claim]:
    """Claims the viewer may see that match every filter given, newest first; with a
    name, closest name first (see `_ranked_by_name`).

    Raises `InvalidParcelNumber` when the parcel number filter is not a parcel number.
    """
    conditions = _claim_conditions(session, filters, viewer=viewer)
    if conditions is None:
        return []
    if before_id is not None:
        conditions.append(Claim.id < before_id)
    if (filters.name or "").strip():
        return _ranked_by_name(session, filters.name, conditions, limit=limit)
    statement = select(Claim).where(*conditions).order_by(Claim.id.desc()).limit(limit)
    return list(session.scalars(statement))


def _claim_conditions(session: Session, filters: ClaimFilters, *, viewer: User) -> list | None:
    """The WHERE conditions on Claim of every filter but the name; None when a filter
    can match nothing (an identity number no party has)."""
    conditions = []
    if not viewer.sees_all_offices:
        conditions.append(Claim.office_id == viewer.office_id)

    number = normalise_claim_number(filters.number)
    if _NUMBER_TAIL_RE.match(number):
        conditions.append(Claim.seq == int(number))
    elif _FULL_NUMBER_RE.match(number):
        conditions.append(Claim.number == number)
    elif number:
        conditions.append(Claim.number.startswith(number, autoescape=True))

    if (filters.id_number or "").strip():
        key = id_number_key(filters.id_number)
        if not key:
            return None
        conditions.append(
            Claim.id.in_(select(PartySearchKey.claim_id).where(PartySearchKey.key == key))
        )

    if filters.governorate_code:
        conditions.append(Claim.governorate_code == filters.governorate_code.upper())
    parcel_conditions = []
    if (filters.parcel_no or "").strip():
        parcel = parse_parcel_number(filters.parcel_no)
        parcel_conditions.append(Parcel.parcel_no == parcel.main)
        if parcel.sub is not None:
            parcel_conditions.append(Parcel.parcel_sub == parcel.sub)
    if parcel_conditions:
        conditions.append(Claim.parcel_id.in_(select(Parcel.id).where(*parcel_conditions)))
    if filters.parcel_to_identify:
        conditions.append(Claim.parcel_id.is_(None))
    if filters.quality_flag is not None:
        conditions.append(
            Claim.id.in_(
                select(ClaimQualityFlag.claim_id).where(
                    ClaimQualityFlag.flag == filters.quality_flag
                )
            )
        )

    if filters.state is not None:
        conditions.append(Claim.state == filters.state)
    if filters.filed_from is not None:
        conditions.append(Claim.filed_on >= filters.filed_from)
    if filters.filed_to is not None:
        conditions.append(Claim.filed_on <= filters.filed_to)
    return conditions


def _ranked_by_name(session: Session, name: str, conditions: list, *, limit: int) -> list[Claim]:
    """Claims with a party that has every word of `name` (as name skeletons, so any
    script and spelling), closest name first, then newest.

    The newest `NAME_RANKING_WINDOW` such claims are ranked: found from the index of the
    query's rarest key (its word, or the rarest pair of its words), each checked for the
    other words by the (party, key) index, so a name that matches nothing costs a few
    index probes, and a common one a walk bounded by its rarest pair.
    """
    words = name_words(name)
    if not words:
        return []
    if len(words) == 1:
        drivers = {word_key(words[0]): set(words)}
    else:
        drivers = {
            word_pair_key(*pair): set(pair)
            for pair in combinations(words[:_COUNTED_QUERY_WORDS], 2)
        }
    sizes = {key: _indexed_count(session, key) for key in drivers}
    if 0 in sizes.values():
        return []
    rarest = min(drivers, key=lambda key: (sizes[key], key))
    driver = aliased(PartySearchKey)
    statement = select(driver.party_id, driver.claim_id).where(driver.key == rarest)
    for word in words:
        if word in drivers[rarest]:
            continue
        other = aliased(PartySearchKey)
        statement = statement.where(
            exists().where(other.party_id == driver.party_id, other.key == word_key(word))
        )
    statement = (
        statement.join(Claim, Claim.id == driver.claim_id)
        .where(*conditions)
        .order_by(driver.claim_id.desc())
        .limit(NAME_RANKING_WINDOW)
    )
    claim_of_party = dict(session.execute(statement).tuples().all())
    if not claim_of_party:
        return []
    wanted = name_skeleton(name)
    closeness: dict[int, int] = {}
    for party in session.execute(
        select(
            Party.id,
            Party.given_name,
            Party.father_name,
            Party.grandfather_name,
            Party.family_name,
            Party.latin_name,
        ).where(Party.id.in_(claim_of_party))
    ):
        score = max(
            name_similarity(wanted, name_skeleton(spelling)) for spelling in _spellings(party)
        )
        claim_id = claim_of_party[party.id]
        closeness[claim_id] = max(score, closeness.get(claim_id, 0))
    best = sorted(closeness, key=lambda claim_id: (-closeness[claim_id], -claim_id))[:limit]
    claims = {claim.id: claim for claim in session.scalars(select(Claim).where(Claim.id.in_(best)))}
    return [claims[claim_id] for claim_id in best]


def _indexed_count(session: Session, key: str) -> int:
    """Parties with this search key, counted up to `_KEY_COUNT_CAP` in its index."""
    matching = select(PartySearchKey.id).where(PartySearchKey.key == key).limit(_KEY_COUNT_CAP)
    return session.scalar(select(func.count()).select_from(matching.subquery()))


def _spellings(party) -> tuple[str, str]:
    """A party's name in Arabic script (its parts joined) and in its Latin spelling."""
    parts = (party.given_name, party.father_name, party.grandfather_name, party.family_name)
    return " ".join(part.strip() for part in parts if part and part.strip()), party.latin_name


def find_claim(session: Session, number: str) -> Claim | None:
    """The claim with this number in the current workspace (scoped by the session hook)."""
    return session.scalar(select(Claim).where(Claim.number == normalise_claim_number(number)))


#: How many trailing digits of a claimant's identity number the status look-up asks for.
STATUS_ID_DIGITS = 4
#: Compared instead of a claimant's digits when no claim has the number: an unknown number
#: runs the same comparison as a wrong fact. No input matches it (the form takes digits).
_NO_CLAIMANT_DIGITS = "-" * STATUS_ID_DIGITS


def identity_tail(id_number: str) -> str:
    """The last digits of an identity number as typed (any digits, any separators); empty
    when it has too few to ask for."""
    digits = "".join(
        char for char in fold_digits(id_number or "") if char.isascii() and char.isdigit()
    )
    return digits[-STATUS_ID_DIGITS:] if len(digits) >= STATUS_ID_DIGITS else ""


def claim_for_status(
    session: Session, number: str, *, filed_year: int, id_digits: str
) -> Claim | None:
    """The claim of the public status look-up, in the current workspace: its number, the
    year it was filed and the last digits of a claimant's identity number must all agree.
    None otherwise, whichever part did not. The facts are read as plain rows (no claim is
    loaded before they agree) and every claimant is compared, so an unknown number and a
    wrong fact cost the same: neither the answer nor its time tells them apart."""
    rows = session.execute(
        select(Claim.id, Claim.filed_on, Party.id_document_number)
        .outerjoin(Party, (Party.claim_id == Claim.id) & (Party.role == PartyRole.CLAIMANT))
        .where(Claim.number == normalise_claim_number(number))
    ).all()
    matched = False
    for row in rows or [None]:
        tail = identity_tail(row.id_document_number) if row else _NO_CLAIMANT_DIGITS
        # Constant time, and on to the end even after a match.
        matched |= hmac.compare_digest(tail.encode(), id_digits.encode())
    if not matched or rows[0].filed_on.year != filed_year:
        return None
    return session.get(Claim, rows[0].id)


def claim_visible_to(claim: Claim, user: User) -> bool:
    """May `user` see this claim? Its own workspace and, for branch staff, their office."""
    if claim.workspace_id != current_workspace_id():
        return False
    return user.sees_all_offices or claim.office_id == user.office_id


# ------------------------------------------------------------------ conflict candidates


#: Both claims of a pair in one extra query per page, not two lazy loads per pair
#: (their parties then load by `selectin`, batched too, and their evidence with them).
_BOTH_CLAIMS = (
    selectinload(ConflictCandidate.claim_a).selectinload(Claim.evidence),
    selectinload(ConflictCandidate.claim_b).selectinload(Claim.evidence),
)


def pair_visible_to(pair: ConflictCandidate, user: User) -> bool:
    """A pair is someone's to see when either of its claims is."""
    return claim_visible_to(pair.claim_a, user) or claim_visible_to(pair.claim_b, user)


@dataclasses.dataclass(frozen=True)
class Candidate:
    claim: Claim
    score: PairScore


def claim_fields(claim: Claim) -> list[ClaimFields]:
    """The claim as the matcher sees it: one entry per claimant, so that a co-claimant
    filing alone elsewhere is found too."""
    parcel = claim.parcel
    return stored_fields(
        ref=claim.number,
        governorate_code=claim.governorate_code,
        parcel=(parcel.muqataa_no, parcel.muqataa_name, parcel.number_display) if parcel else None,
        stated_muqataa_no=claim.stated_muqataa_no,
        stated_muqataa_name=claim.stated_muqataa_name,
        stated_parcel_no=claim.stated_parcel_no,
        property_type=claim.property_type,
        address=claim.address,
        parties=claim.parties,
    )


def stored_fields(
    *,
    ref: str,
    governorate_code: str,
    parcel: tuple[str, str, str] | None,
    stated_muqataa_no: str,
    stated_muqataa_name: str,
    stated_parcel_no: str,
    property_type: str,
    address: str,
    parties: list[Party] | list[PartyInput],
) -> list[ClaimFields]:
    """`claim_fields` of a claim's column values; `parcel` is the identified parcel's
    (muqata'a number, muqata'a name, parcel number as displayed), or None."""
    respondents = [party for party in parties if party.role == PartyRole.RESPONDENT]
    # The identified parcel when there is one; else what the claim states, which may
    # be no more than a governorate, names and an address.
    return fields_per_claimant(
        ref=ref,
        governorate=governorate_code,
        muqataa_no=parcel[0] if parcel else stated_muqataa_no,
        muqataa_name=(parcel[1] if parcel else "") or stated_muqataa_name,
        parcel_no=parcel[2] if parcel else stated_parcel_no,
        property_type=str(property_type),
        address=address,
        claimants=[
            (name_of(party), party.id_document_number)
            for party in parties
            if party.role == PartyRole.CLAIMANT
        ],
        respondent_name=name_of(respondents[0]) if respondents else "",
    )


def input_fields(data: ClaimInput) -> list[ClaimFields]:
    """An unsaved claim (the registration or edit form) as the matcher sees it."""
    respondents = data.in_role(PartyRole.RESPONDENT)
    return fields_per_claimant(
        ref="",
        governorate=data.parcel.governorate_code,
        muqataa_no=data.parcel.muqataa_no,
        muqataa_name=data.parcel.muqataa_name,
        parcel_no=data.parcel.parcel_no,
        property_type=str(data.parcel.property_type),
        address=data.address,
        claimants=[
            (name_of(party), party.id_document_number) for party in data.in_role(PartyRole.CLAIMANT)
        ],
        respondent_name=name_of(respondents[0]) if respondents else "",
    )


def fields_per_claimant(*, claimants: list[tuple[str, str]], **claim) -> list[ClaimFields]:
    """One ClaimFields per (name, identity number) of `claimants`, the rest shared."""
    return [
        ClaimFields(**claim, claimant_name=name, claimant_id_no=id_no)
        for name, id_no in claimants or [("", "")]
    ]


def name_of(party: Party | PartyInput) -> str:
    """A party's name for matching: its Arabic parts, else its Latin spelling."""
    # The name in Arabic script as entered; a party entered only in Latin letters
    # (imports often are) is matched by that spelling instead.
    parts = (party.given_name, party.father_name, party.grandfather_name, party.family_name)
    return " ".join(part.strip() for part in parts if part and part.strip()) or party.latin_name


def search_keys_of(party: Party | PartyInput) -> list[str]:
    """The keys a party is found by in the claim search: each word of the skeletons of
    its Arabic name and its Latin spelling, and its identity document number."""
    return party_search_keys(_spellings(party), party.id_document_number or "")


def find_candidates(session: Session, claim: Claim, thresholds: MatchThresholds) -> list[Candidate]:
    """Claims of the workspace that may be about the same parcel as a stored claim,
    best first."""
    return _candidates(session, claim_fields(claim), thresholds, exclude_id=claim.id)


def check_conflicts(
    session: Session,
    data: ClaimInput,
    thresholds: MatchThresholds,
    *,
    exclude: Claim | None = None,
) -> list[Candidate]:
    """The stored claims an unsaved claim would conflict with (the warning a clerk sees
    before saving); writes nothing. `exclude` is the claim being edited."""
    return _candidates(
        session, input_fields(data), thresholds, exclude_id=exclude.id if exclude else None
    )


def _candidates(
    session: Session,
    fields: list[ClaimFields],
    thresholds: MatchThresholds,
    *,
    exclude_id: int | None,
) -> list[Candidate]:
    normalised = [normalise_claim(one) for one in fields]
    probes = sorted({key for one in normalised for key in probe_keys(one)})
    if not probes:
        return []
    # As in match-csv: a key shared by very many claims (a ministry as respondent, a
    # common family name) says little, and is not expanded pair by pair; parcel keys
    # always are.
    uncapped = [key for key in probes if key.split("|", 1)[0] in UNCAPPED_FAMILIES]
    capped = [key for key in probes if key not in uncapped]
    usable = uncapped + [
        key
        for key, size in _block_sizes(session, capped, thresholds.max_block_size)
        if size <= thresholds.max_block_size
    ]
    if not usable:
        return []
    other_ids = select(ClaimMatchKey.claim_id).where(ClaimMatchKey.key.in_(usable))
    if exclude_id is not None:
        other_ids = other_ids.where(ClaimMatchKey.claim_id != exclude_id)
    # The ids first, then their claims by primary key: as one statement, or with the
    # workspace condition beside the ids, a planner without statistics walks a
    # workspace index of the claims instead. The ids are of this workspace's keys.
    ids = sorted(set(session.scalars(other_ids)))
    if not ids:
        return []
    others = session.scalars(
        select(Claim).where(Claim.id.in_(ids)), execution_options={ALL_WORKSPACES: True}
    ).all()
    candidates = []
    for other in others:
        theirs = [normalise_claim(one) for one in claim_fields(other)]
        best = max(
            (score_pair(mine, their, thresholds) for mine in normalised for their in theirs),
            key=lambda pair: pair.score,
        )
        if best.score >= thresholds.min_score:
            candidates.append(Candidate(other, best))
    candidates.sort(key=lambda candidate: (-candidate.score.score, candidate.claim.number))
    return candidates


def _block_sizes(session: Session, keys: list[str], cap: int) -> list[tuple[str, int]]:
    """How many stored claims share each key, counted up to `cap` + 1 in its index: a key
    over the cap is left out whatever its size, so a respondent named in a hundred
    thousand claims costs a registration no more than one named in two hundred."""
    if not keys:
        return []
    counts = [
        select(literal(key).label("key"), func.count().label("size")).select_from(
            select(ClaimMatchKey.id).where(ClaimMatchKey.key == key).limit(cap + 1).subquery()
        )
        for key in keys
    ]
    return [tuple(row) for row in session.execute(union_all(*counts))]


def open_candidates_of(session: Session, claim: Claim) -> list[ConflictCandidate]:
    return list(
        session.scalars(
            select(ConflictCandidate)
            .options(*_BOTH_CLAIMS)
            .where(
                ConflictCandidate.touching([claim.id]),
                ConflictCandidate.status == CandidateStatus.OPEN,
            )
            .order_by(ConflictCandidate.score.desc(), ConflictCandidate.id)
        )
    )


def group_of(session: Session, claim: Claim) -> ConflictGroup | None:
    """The claim's conflict group, with every member claim, or None."""
    return session.scalar(
        select(ConflictGroup)
        .join(ConflictGroupMember)
        .where(ConflictGroupMember.claim_id == claim.id)
        .options(selectinload(ConflictGroup.members).selectinload(ConflictGroupMember.claim))
    )


def review_queue(
    session: Session,
    viewer: User,
    *,
    after_id: int | None = None,
    claim: Claim | None = None,
    limit: int = 20,
) -> list[ConflictCandidate]:
    """Open pairs, oldest first by keyset, optionally only those of one claim; branch staff
    see pairs touching their office."""
    statement = (
        select(ConflictCandidate)
        .options(*_BOTH_CLAIMS)
        .where(ConflictCandidate.status == CandidateStatus.OPEN)
    )
    if claim is not None:
        statement = statement.where(ConflictCandidate.touching([claim.id]))
    if not viewer.sees_all_offices:
        own = select(Claim.id).where(Claim.office_id == viewer.office_id)
        statement = statement.where(
            or_(ConflictCandidate.claim_a_id.in_(own), ConflictCandidate.claim_b_id.in_(own))
        )
    if after_id is not None:
        statement = statement.where(ConflictCandidate.id > after_id)
    return list(session.scalars(statement.order_by(ConflictCandidate.id).limit(limit)))
