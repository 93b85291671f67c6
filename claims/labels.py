"""The claim side's enums in English and Arabic, as printed on letters and reports.

Plain values, no Flask: the letter renderer and any other plain core print both
languages at once from these pairs.
"""

from __future__ import annotations

from claims.domain import ClaimBasis, EvidenceKind, PartyRole, PropertyType, Remedy
from commission.bilingual import Bilingual

B = Bilingual

PARTY_ROLES = {
    PartyRole.CLAIMANT: B("Claimant", "المدعي"),
    PartyRole.RESPONDENT: B("Respondent", "المدعى عليه"),
    PartyRole.REPRESENTATIVE: B("Representative", "الوكيل"),
}

CLAIM_BASES = {
    ClaimBasis.CONFISCATION: B("Confiscation", "مصادرة"),
    ClaimBasis.FORCED_RELOCATION: B("Forced relocation", "ترحيل قسري"),
    ClaimBasis.CONFLICT_DISPLACEMENT: B(
        "Displacement by conflict (2014 onwards)", "نزوح بسبب النزاع (منذ ٢٠١٤)"
    ),
    ClaimBasis.OTHER: B("Other", "أخرى"),
}

REMEDIES = {
    Remedy.RESTITUTION: B("Restitution of the property", "إعادة العقار"),
    Remedy.COMPENSATION: B("Compensation", "التعويض"),
}

PROPERTY_TYPES = {
    PropertyType.HOUSE: B("House", "دار سكنية"),
    PropertyType.APARTMENT: B("Apartment", "شقة"),
    PropertyType.RESIDENTIAL_LAND: B("Residential land", "أرض سكنية"),
    PropertyType.AGRICULTURAL_LAND: B("Agricultural land", "أرض زراعية"),
    PropertyType.COMMERCIAL: B("Commercial property", "عقار تجاري"),
    PropertyType.OTHER: B("Other", "أخرى"),
}

EVIDENCE_KINDS = {
    EvidenceKind.TITLE_DEED: B("Title deed", "سند الملكية"),
    EvidenceKind.COURT_RULING: B("Court ruling", "حكم قضائي"),
    EvidenceKind.IDENTITY_DOCUMENT: B("Identity document", "وثيقة هوية"),
    EvidenceKind.POWER_OF_ATTORNEY: B("Power of attorney", "وكالة"),
    EvidenceKind.PHOTO: B("Photograph", "صورة"),
    EvidenceKind.OTHER: B("Other", "أخرى"),
}
