"""Offices come from the governorate table, which agrees with ISO 3166-2:IQ (pycountry)
and adds what ISO lacks: Halabja, Arabic and Kurdish names, office codes, spellings."""

from __future__ import annotations

import pycountry
import pytest
from sqlalchemy import select

from commission.accounts.models import Office
from commission.accounts.operations import sync_offices
from commission.extensions import db
from commission.governorates import (
    GOVERNORATES,
    HALABJA_CODE,
    UnknownGovernorate,
    resolve_governorate,
)


def test_every_iso_governorate_has_exactly_one_entry():
    iso_codes = sorted(
        sub.code
        for sub in pycountry.subdivisions.get(country_code="IQ")
        if sub.type == "Governorate"
    )
    assert len(iso_codes) == 18
    assert "IQ-KR" not in iso_codes  # a region, not a governorate
    assert sorted(gov.code for gov in GOVERNORATES if gov.is_iso) == iso_codes


def test_halabja_is_added_and_office_codes_are_unique():
    assert [gov.code for gov in GOVERNORATES if not gov.is_iso] == [HALABJA_CODE]
    office_codes = [gov.office_code for gov in GOVERNORATES]
    assert len(set(office_codes)) == len(office_codes) == 19
    assert all(len(code) == 3 and code.isupper() for code in office_codes)


def test_every_governorate_has_an_arabic_name():
    for gov in GOVERNORATES:
        assert any("\u0600" <= char <= "\u06ff" for char in gov.name_ar), gov.code


@pytest.mark.parametrize("governorate", GOVERNORATES, ids=lambda gov: gov.code)
def test_every_listed_name_and_code_resolves_to_its_own_governorate(governorate):
    names = (governorate.name_en, governorate.name_ar, governorate.name_ku)
    spellings = [governorate.code, governorate.office_code, *names, *governorate.aliases]
    for spelling in filter(None, spellings):
        assert resolve_governorate(spelling) is governorate, spelling
        assert resolve_governorate(f" {spelling.lower()} ") is governorate, spelling


@pytest.mark.parametrize("entered", ["", "   ", "Paris", "IQ-ZZ", "IQ-KR", "IQ", "BGDX", "12"])
def test_what_names_no_governorate_is_refused(entered):
    with pytest.raises(UnknownGovernorate):
        resolve_governorate(entered)


def test_offices_sync_creates_one_per_governorate_and_is_idempotent(app_ctx):
    assert sync_offices(db.session) == 0  # the session fixture synced already
    offices = db.session.scalars(select(Office)).all()
    assert {office.governorate_code for office in offices if not office.is_headquarters} == {
        gov.code for gov in GOVERNORATES
    }
    baghdad = db.session.scalar(select(Office).where(Office.code == "BGD"))
    assert baghdad.governorate_code == "IQ-BG" and baghdad.name_ar == "بغداد"
    assert db.session.scalar(select(Office).where(Office.is_headquarters)).code == "HQ"
