"""Letters of every kind with realistic content, short or long enough for two pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from adjudication.domain import AppealOutcome, Outcome
from claims.domain import ClaimBasis, EvidenceKind, PartyRole, PropertyType, Remedy
from commission.bilingual import Bilingual
from documents.letters import (
    AppealOutcomeContent,
    DecisionLetterContent,
    DocumentRequestContent,
    EvidenceItem,
    HearingNoticeContent,
    Money,
    OfficeHeading,
    OutcomeLine,
    ParcelFacts,
    PartyLine,
    ReceiptContent,
    RespondentNoticeContent,
    Signatory,
)

VERIFY_BASE_URL = "https://qayd.example.org/verify/"

CLAIMANT = "محمد عبد الرحمن الجبوري"
RESPONDENT = "Khalid Hassan Al-Obaidi"
KURDISH_NAME = "ڕێبوار عەبدوڵڵا"

ARABIC_REASONS_OPENING = "ثبت للهيئة من سند الملكية المؤرخ في ١٢/٣/١٩٧٨"
ARABIC_REASONS = (
    f"{ARABIC_REASONS_OPENING} أن العقار المرقم 345/6 مقاطعة 12 الكرادة كان مسجلاً باسم "
    "والد المدعي، وأنه صودر بموجب قرار مجلس قيادة الثورة (المنحل) رقم 1 لسنة 1980 دون "
    "تعويض. ولم يقدم المدعى عليه Khalid Hassan Al-Obaidi ما يثبت انتقال الملكية إليه بصورة "
    "قانونية، إذ إن عقد البيع المؤرخ في 2004 لم يسجل في دائرة التسجيل العقاري."
)
ENGLISH_REASONS = (
    "The title deed of 1978 shows the parcel registered in the name of the claimant's "
    "father. The confiscation order of 1980 was issued without compensation and falls "
    "within the provisions on property taken for political reasons. The respondent "
    "relies on a sale contract of 2004 that was never entered in the real estate "
    "registry; an unregistered contract does not transfer ownership of real property."
)

COMMISSION = Bilingual(
    "Commission for the Resolution of Real Property Disputes", "هيئة حل نزاعات الملكية العقارية"
)
OFFICE = OfficeHeading("BGD", Bilingual("Baghdad Office", "مكتب بغداد"))
PARCEL = ParcelFacts(
    governorate=Bilingual("Baghdad", "بغداد"),
    muqataa_no="12",
    muqataa_name="الكرادة",
    parcel_no="345/6",
    property_type=PropertyType.HOUSE,
    address="محلة 905، زقاق 14، دار 22",
)
ADJUDICATOR = Signatory(
    Bilingual("Zainab Kareem Mahdi", "زينب كريم مهدي"), Bilingual("Adjudicator", "المحقق القضائي")
)
REVIEWER = Signatory(
    Bilingual("Ali Hussein al-Musawi", "علي حسين الموسوي"),
    Bilingual("Senior adjudicator", "رئيس المحققين"),
)


def _common(claim_numbers=("BGD-2026-000123",), parties=None) -> dict:
    return dict(
        commission=COMMISSION,
        office=OFFICE,
        claim_numbers=tuple(claim_numbers),
        issued_on=date(2026, 3, 14),
        document_id="BGD-L-2026-004512",
        parties=parties
        or (
            PartyLine(CLAIMANT, PartyRole.CLAIMANT),
            PartyLine(RESPONDENT, PartyRole.RESPONDENT),
            PartyLine(KURDISH_NAME, PartyRole.REPRESENTATIVE),
        ),
        parcel=PARCEL,
    )


def _long(text: str, times: int) -> str:
    return "\n\n".join([text] * times)


def receipt(*, long: bool = False) -> ReceiptContent:
    files = [
        EvidenceItem(EvidenceKind.TITLE_DEED, "title_deed_1978_scan.pdf", "3fa9c2e81b04"),
        EvidenceItem(EvidenceKind.IDENTITY_DOCUMENT, "national_id_front_back.jpg", "9b1d07aa52ce"),
        EvidenceItem(EvidenceKind.COURT_RULING, "حكم_محكمة_بداءة_الكرادة.pdf", "0c44e1f9d2b7"),
    ]
    return ReceiptContent(
        **_common(),
        filed_on=date(2026, 3, 14),
        claim_basis=ClaimBasis.CONFISCATION,
        remedy=Remedy.RESTITUTION,
        evidence=tuple(files * (12 if long else 1)),
        next_steps=(
            "The respondent will be notified and has 45 days to answer. You will be "
            "informed in writing of any hearing.\n\nسيتم إشعار المدعى عليه وله مهلة ٤٥ "
            "يوماً للرد، وستُبلَّغون كتابياً بموعد أي جلسة."
        ),
        registered_by=Signatory(
            Bilingual("Huda Salim Jasim", "هدى سالم جاسم"),
            Bilingual("Registration clerk", "موظفة التسجيل"),
        ),
    )


def respondent_notice(*, long: bool = False) -> RespondentNoticeContent:
    parties = (PartyLine(CLAIMANT, PartyRole.CLAIMANT), PartyLine(RESPONDENT, PartyRole.RESPONDENT))
    return RespondentNoticeContent(
        **_common(parties=parties * (14 if long else 1)),
        filed_on=date(2026, 2, 2),
        claim_basis=ClaimBasis.FORCED_RELOCATION,
        remedy=Remedy.COMPENSATION,
        answer_deadline=date(2026, 4, 28),
        signed_by=ADJUDICATOR,
    )


def document_request(*, long: bool = False) -> DocumentRequestContent:
    documents = (
        "Certified copy of the title deed (سند الملكية) issued by the real estate registry",
        "صورة مصدقة من شهادة الوفاة للمالك الأصلي وقسام شرعي",
        "Power of attorney for the representative, certified by a notary",
    )
    return DocumentRequestContent(
        **_common(),
        documents=documents * (10 if long else 1),
        deadline=date(2026, 4, 30),
        signed_by=ADJUDICATOR,
    )


def hearing_notice(*, long: bool = False) -> HearingNoticeContent:
    parties = (PartyLine(CLAIMANT, PartyRole.CLAIMANT), PartyLine(RESPONDENT, PartyRole.RESPONDENT))
    return HearingNoticeContent(
        **_common(parties=parties * (16 if long else 1)),
        hearing_at=datetime(2026, 4, 7, 10, 30),
        place=Bilingual("Baghdad OfficeHeading, hearing room 2", "مكتب بغداد، قاعة الجلسات ٢"),
        signed_by=ADJUDICATOR,
    )


def decision(*, long: bool = False, group: bool = False, reasons: str | None = None):
    outcomes = [OutcomeLine("BGD-2026-000123", Outcome.RESTITUTION)]
    claim_numbers = ["BGD-2026-000123"]
    if group:
        outcomes += [
            OutcomeLine("BGD-2026-000124", Outcome.COMPENSATION, Money(Decimal("25000000"), "IQD")),
            OutcomeLine("BGD-2026-000131", Outcome.REJECTION),
        ]
        claim_numbers += ["BGD-2026-000124", "BGD-2026-000131"]
    if reasons is None:
        reasons = _long(f"{ARABIC_REASONS}\n\n{ENGLISH_REASONS}", 3 if long else 1)
    return DecisionLetterContent(
        **_common(claim_numbers=claim_numbers),
        outcomes=tuple(outcomes),
        reasons=reasons,
        legal_provisions=(
            "Law No. 13 of 2010 (Property Claims Commission), article 4",
            "قانون هيئة دعاوى الملكية رقم 13 لسنة 2010، المادة 5/ثانياً",
        ),
        legal_basis=("The confiscation was made for political reasons and without compensation."),
        drafted_by=ADJUDICATOR,
        approved_by=REVIEWER,
        notified_on=date(2026, 3, 16),
        appeal_deadline=date(2026, 4, 15),
        appeal_venue=Bilingual("the Cassation Committee in Baghdad", "هيئة التمييز في بغداد"),
    )


def appeal_outcome(*, long: bool = False) -> AppealOutcomeContent:
    return AppealOutcomeContent(
        **_common(),
        appeal_outcome=AppealOutcome.REMANDED,
        reasons=_long(f"{ENGLISH_REASONS}\n\n{ARABIC_REASONS}", 4 if long else 1),
        decided_by=REVIEWER,
    )


ALL_KINDS = {
    "receipt": receipt,
    "respondent_notice": respondent_notice,
    "document_request": document_request,
    "hearing_notice": hearing_notice,
    "decision": decision,
    "appeal_outcome": appeal_outcome,
}
