"""Claim input and an intake context: valid claims, claimants and evidence to register,
and register_claim / update_claim called as a clerk of BGD would."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    EvidenceInput,
    EvidenceKind,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    Remedy,
)
from claims.files import EvidenceStore, check_upload
from claims.operations import register_claim, update_claim
from commission.accounts.models import Office
from commission.extensions import db

TODAY = date(2026, 11, 24)


def claimant(given="محمد", father="عبد الرحمن", grandfather="حسين", family="الجبوري", **kw):
    return PartyInput(
        role=PartyRole.CLAIMANT,
        given_name=given,
        father_name=father,
        grandfather_name=grandfather,
        family_name=family,
        **kw,
    )


def claim_input(**overrides) -> ClaimInput:
    values = dict(
        parcel=ParcelInput(
            governorate_code="IQ-BG",
            muqataa_no="12",
            muqataa_name="الكرادة",
            parcel_no="345/6",
            property_type=PropertyType.HOUSE,
            district="Karrada",
            area_m2=Decimal("250"),
        ),
        parties=[claimant(latin_name="Mohamed Abdulrahman Hussein al-Jubouri")],
        claim_basis=ClaimBasis.CONFISCATION,
        remedy=Remedy.RESTITUTION,
        filed_on=date(2026, 3, 1),
        dispossession_on=date(1991, 5, 12),
        address="محلة 903، زقاق 14، دار 7",
        description="House confiscated in 1991.",
    )
    values.update(overrides)
    return ClaimInput(**values)


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def evidence_input(data: bytes | None = None, name="صك الملكية.png") -> EvidenceInput:
    upload = check_upload(data or png_bytes(), name, max_bytes=20 * 1024 * 1024)
    return EvidenceInput(kind=EvidenceKind.TITLE_DEED, upload=upload)


class IntakeContext:
    def __init__(self, app, workspace_id: int):
        self.app = app
        self.workspace_id = workspace_id
        self.store = EvidenceStore(app.config["QAYD_DATA_DIR"])

    def office(self, code: str = "BGD") -> Office:
        return db.session.scalar(select(Office).where(Office.code == code))

    def register(self, data: ClaimInput | None = None, **kwargs):
        """register_claim as a clerk of BGD would, on `data` or the default claim."""
        kwargs.setdefault("office", self.office())
        return register_claim(
            db.session, data or claim_input(), by=None, today=TODAY, store=self.store, **kwargs
        )

    def edit(self, claim, data: ClaimInput, *, expected_version: int | None = None):
        """update_claim with the version the form showed (the current one by default)."""
        return update_claim(
            db.session,
            claim,
            data,
            expected_version=claim.version if expected_version is None else expected_version,
            by=None,
            today=TODAY,
            store=self.store,
        )
