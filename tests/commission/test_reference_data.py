"""Offices come from pycountry's governorates plus the commission's own reference data."""

from __future__ import annotations

from sqlalchemy import select

from commission.accounts.models import Office
from commission.accounts.operations import sync_offices
from commission.extensions import db
from commission.governorates import governorates, iso_governorate_codes


def test_every_iso_governorate_has_exactly_one_entry():
    iso_codes = iso_governorate_codes()
    assert len(iso_codes) == 18
    assert "IQ-KR" not in iso_codes  # a region, not a governorate
    listed = [gov.code for gov in governorates() if gov.is_iso]
    assert listed == iso_codes


def test_halabja_is_added_and_office_codes_are_unique():
    govs = governorates()
    assert "Halabja" in [gov.name_en for gov in govs]
    office_codes = [gov.office_code for gov in govs]
    assert len(set(office_codes)) == len(office_codes) == 19
    assert all(len(code) == 3 and code.isupper() for code in office_codes)


def test_every_governorate_has_an_arabic_name():
    for gov in governorates():
        assert any("\u0600" <= char <= "\u06ff" for char in gov.name_ar), gov.code


def test_offices_sync_creates_one_per_governorate_and_is_idempotent(app_ctx):
    assert sync_offices(db.session) == 0  # the session fixture synced already
    offices = db.session.scalars(select(Office)).all()
    assert {office.governorate_code for office in offices if not office.is_headquarters} == {
        gov.code for gov in governorates()
    }
    baghdad = db.session.scalar(select(Office).where(Office.code == "BGD"))
    assert baghdad.governorate_code == "IQ-BG" and baghdad.name_ar == "بغداد"
    assert db.session.scalar(select(Office).where(Office.is_headquarters)).code == "HQ"
