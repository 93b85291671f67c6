"""Dates and numbers a clerk can type but a system of record must not take: filing and
dispossession dates before their lower bounds, claim numbers of another shape, and
downloads named by what the file is rather than what the uploader called it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from claims.files import download_name
from claims.models import Claim
from claims.operations import ClaimInvalid, ClaimNumberUnavailable, next_claim_number
from commission.extensions import db
from config import Config
from tests.support.claims import claim_input


@pytest.mark.parametrize("filed_on", [date(1, 1, 1), date(1999, 12, 31)])
def test_a_filing_date_before_the_commission_existed_is_refused(intake, filed_on):
    with pytest.raises(ClaimInvalid) as refused:
        intake.register(claim_input(filed_on=filed_on, dispossession_on=None))
    assert set(refused.value.fields) == {"filed_on"}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Claim.id))) == 0


def test_a_dispossession_before_the_state_existed_is_refused(intake):
    with pytest.raises(ClaimInvalid) as refused:
        intake.register(claim_input(dispossession_on=date(1, 1, 1)))
    assert set(refused.value.fields) == {"dispossession_on"}


def test_the_lower_bounds_themselves_are_accepted(intake):
    claim = intake.register(
        claim_input(
            filed_on=Config.FILED_ON_EARLIEST, dispossession_on=Config.DISPOSSESSION_ON_EARLIEST
        )
    )
    assert claim.number == f"BGD-{Config.FILED_ON_EARLIEST.year}-000001"


def test_a_claim_number_of_another_shape_is_never_given(intake):
    with pytest.raises(ClaimNumberUnavailable) as refused:
        next_claim_number(db.session, intake.office(), 1)
    assert "BGD-1-000001" in str(refused.value)
    db.session.rollback()


@pytest.mark.parametrize(
    ("uploaded_as", "media_type", "downloaded_as"),
    [
        ("poly.html", "application/pdf", "poly.pdf"),
        ("scan.PNG.exe", "image/png", "scan.PNG.png"),
        ("صك الملكية.jpeg", "image/jpeg", "صك الملكية.jpg"),
        (".htaccess", "image/tiff", ".htaccess.tif"),
        ("no-extension", "application/pdf", "no-extension.pdf"),
    ],
)
def test_a_download_is_named_by_what_the_file_is(uploaded_as, media_type, downloaded_as):
    assert download_name(uploaded_as, media_type) == downloaded_as
