"""The conflict review queue through HTTP: an adjudicator confirms a pair or is refused
without a reason; clerks cannot review."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from claims.queries import find_claim
from commission.accounts.models import Role
from tests.support.app import InOperational as Db
from tests.support.app import unique
from tests.support.claim_forms import register
from tests.support.web import csrf_token


def _conflicting_pair(client, logged_in) -> tuple[str, str]:
    logged_in(Role.CLERK)
    parcel = str(800000 + int(hashlib.sha256(unique("q").encode()).hexdigest()[:5], 16))
    first = register(client, parcel_no=parcel)
    second = register(
        client,
        parcel_no=parcel,
        **{
            "claimants-0-given_name": "كاظم",
            "claimants-0-family_name": unique("الموسوي"),
            "claimants-0-latin_name": "",
            "claimants-0-id_document_number": "",
        },
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    return first, second


def _pair_id(app, first: str) -> int:
    from claims.models import ConflictCandidate

    with Db(app) as session:
        claim = find_claim(session, first)
        return session.scalar(
            select(ConflictCandidate.id).where(ConflictCandidate.claim_a_id == claim.id)
        )


def test_adjudicator_confirms_a_pair_in_the_review_queue(app, client, logged_in):
    first, second = _conflicting_pair(client, logged_in)
    logged_in(Role.ADJUDICATOR)
    queue = client.get(f"/claims/conflicts?claim={second}").get_data(as_text=True)
    assert first in queue and second in queue
    pair_id = _pair_id(app, first)
    token = csrf_token(client, "/claims/conflicts")
    response = client.post(
        f"/claims/conflicts/{pair_id}/review",
        data={
            f"pair-{pair_id}-csrf_token": token,
            "csrf_token": token,
            f"pair-{pair_id}-decision": "confirm",
            f"pair-{pair_id}-note": "Same house, two families",
        },
    )
    assert response.status_code == 302
    from claims.models import ConflictCandidate

    with Db(app) as session:
        pair = session.get(ConflictCandidate, pair_id)
        assert pair.status == "confirmed" and pair.review_note == "Same house, two families"
    after = client.get(f"/claims/conflicts?claim={second}").get_data(as_text=True)
    assert f"{first} ~ {second}" not in after
    # Both claims now show the group they are decided in, each naming the other.
    for this, other in ((first, second), (second, first)):
        page = client.get(f"/claims/{this}").get_data(as_text=True)
        group = page.split('id="group-heading"', 1)[1].split("</section>", 1)[0]
        assert other in group and this in group


def test_a_review_without_reason_changes_nothing(app, client, logged_in):
    first, _second = _conflicting_pair(client, logged_in)
    logged_in(Role.ADJUDICATOR)
    pair_id = _pair_id(app, first)
    token = csrf_token(client, "/claims/conflicts")
    client.post(
        f"/claims/conflicts/{pair_id}/review",
        data={
            "csrf_token": token,
            f"pair-{pair_id}-csrf_token": token,
            f"pair-{pair_id}-decision": "dismiss",
            f"pair-{pair_id}-note": "",
        },
    )
    from claims.models import ConflictCandidate

    with Db(app) as session:
        assert session.get(ConflictCandidate, pair_id).status == "open"


def test_clerks_cannot_review_conflicts(client, logged_in):
    logged_in(Role.CLERK)
    assert client.get("/claims/conflicts").status_code == 403
