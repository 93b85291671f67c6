"""The fixed wording of letters in English and Arabic, and how dates and numbers read.

Plain constants rather than gettext catalogues: the renderer runs without Flask and
prints both languages at once. The labels of the domain's enums are their packages'
own (claims.labels, adjudication.labels); here is only what letters alone say. Arabic
dates use the month names current in Iraq and Arabic-Indic digits; claim numbers, parcel
numbers and codes stay as registered.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from commission.bilingual import Bilingual
from documents.letters import LetterKind

B = Bilingual

LETTER_TITLES = {
    LetterKind.RECEIPT: B("Receipt of claim registration", "إيصال تسجيل مطالبة"),
    LetterKind.RESPONDENT_NOTICE: B("Notice to the respondent", "إشعار إلى المدعى عليه"),
    LetterKind.DOCUMENT_REQUEST: B("Request for missing documents", "طلب استكمال المستندات"),
    LetterKind.HEARING_NOTICE: B("Notice of hearing", "إشعار بموعد جلسة"),
    LetterKind.DECISION: B("Decision", "قرار"),
    LetterKind.APPEAL_OUTCOME: B("Decision on appeal", "قرار في الطعن"),
    LetterKind.REGISTRY_EXTRACT_REQUEST: B(
        "Request for a real estate registry extract", "طلب صورة قيد عقاري"
    ),
}

#: Printed for a muqata'a or parcel number the claimant did not know.
TO_BE_IDENTIFIED = B("to be identified", "قيد التحديد")

CURRENCIES = {"IQD": B("IQD", "دينار عراقي"), "USD": B("USD", "دولار أمريكي")}

HEADINGS = {
    "parties": B("Parties", "الأطراف"),
    "property": B("Property", "العقار"),
    "claim": B("Claim", "المطالبة"),
    "evidence": B("Documents received", "المستندات المستلمة"),
    "next_steps": B("Next steps", "الخطوات التالية"),
    "notice": B("Notice", "الإشعار"),
    "documents": B("Documents required", "المستندات المطلوبة"),
    "hearing": B("Hearing", "الجلسة"),
    "decision": B("Decision", "القرار"),
    "reasons": B("Reasons", "الأسباب"),
    "legal_basis": B("Legal basis", "السند القانوني"),
    "appeal": B("Right of appeal", "حق الطعن"),
    "outcome": B("Outcome", "النتيجة"),
    "description": B("Description given by the claimant", "وصف العقار كما ذكره المدعي"),
    "search_note": B("For the search", "لغرض البحث"),
}

FIELDS = {
    "claim_number": B("Claim No.", "رقم المطالبة"),
    "claim_numbers": B("Claim Nos.", "أرقام المطالبات"),
    "date": B("Date", "التاريخ"),
    "reference": B("Reference", "المرجع"),
    "governorate": B("Governorate", "المحافظة"),
    "muqataa": B("Muqata'a", "المقاطعة"),
    "parcel_no": B("Parcel No.", "رقم القطعة"),
    "property_type": B("Property type", "نوع العقار"),
    "address": B("Address", "العنوان"),
    "filed_on": B("Filed on", "تاريخ التقديم"),
    "claim_basis": B("Basis of claim", "سبب المطالبة"),
    "remedy": B("Remedy sought", "الطلب"),
    "hearing_at": B("Date and time", "الموعد"),
    "place": B("Place", "المكان"),
    "kind": B("Document", "المستند"),
    "file": B("File", "الملف"),
    "sha256": B("SHA-256", "البصمة"),
    "compensation": B("Compensation", "مبلغ التعويض"),
    "drafted_by": B("Drafted by", "أعدّه"),
    "approved_by": B("Approved by", "صادق عليه"),
    "registered_by": B("Registered by", "سجّله"),
    "signed_by": B("For the office", "عن المكتب"),
    "decided_by": B("For the appeal panel", "عن هيئة الطعن"),
    "signature": B("Signature", "التوقيع"),
}

SENTENCES = {
    "receipt": B(
        "Your claim was registered under No. {claim} on {filed}. Quote this number in "
        "all correspondence with the Commission and keep this receipt.",
        "سُجّلت مطالبتكم بالرقم {claim} بتاريخ {filed}. يرجى ذكر هذا الرقم في جميع "
        "المراسلات مع الهيئة والاحتفاظ بهذا الإيصال.",
    ),
    "respondent_notice": B(
        "A claim concerning the property described below was filed on {filed}. You may "
        "submit a written answer, with any documents supporting it, to the {office} by "
        "{deadline}. If no answer is received by that date the claim will be examined "
        "on the documents on file.",
        "قُدّمت بتاريخ {filed} مطالبة تخص العقار المبيّن أدناه. يحق لكم تقديم رد مكتوب "
        "مع ما يؤيده من مستندات إلى {office} في موعد أقصاه {deadline}. وإذا لم يرد "
        "ردكم حتى ذلك التاريخ فستُنظر المطالبة بحسب المستندات المتوفرة.",
    ),
    "document_request": B(
        "Your claim cannot be decided without the documents listed below. Please submit "
        "them to the {office} by {deadline}. A claim whose documents are not received by "
        "that date may be annulled.",
        "لا يمكن البت في مطالبتكم دون المستندات المذكورة أدناه. يرجى تقديمها إلى "
        "{office} في موعد أقصاه {deadline}. ويجوز إبطال المطالبة إذا لم تصل المستندات "
        "حتى ذلك التاريخ.",
    ),
    "registry_extract_request": B(
        "To the Real Estate Registration Directorate in {governorate}. A claim before the "
        "Commission concerns the property described below; the claimant does not know its "
        "muqata'a and parcel number. Please search the register and send the {office} an "
        "extract of the property's entry: muqata'a, parcel number, area and the "
        "registered owners with the history of the entry.",
        "إلى مديرية التسجيل العقاري في {governorate}. تتعلق مطالبة مقدمة إلى الهيئة بالعقار "
        "المبيّن أدناه، ولا يعرف المدعي رقم المقاطعة ورقم القطعة. يرجى البحث في السجل "
        "وإرسال صورة قيد العقار إلى {office}، متضمنة المقاطعة ورقم القطعة والمساحة "
        "والمالكين المسجلين مع تسلسل القيد.",
    ),
    "hearing_notice": B(
        "You are invited to a hearing on the claim on {when} at {place}. Please bring "
        "your identity document and the originals of the documents you submitted. You "
        "may be represented by a lawyer or an authorised representative.",
        "أنتم مدعوون إلى جلسة للنظر في المطالبة يوم {when} في {place}. يرجى إحضار وثيقة "
        "الهوية وأصول المستندات المقدمة. ويجوز لكم الحضور بواسطة محامٍ أو وكيل مخوّل.",
    ),
    "decision": B(
        "The Commission, having examined the claim file, the evidence and the answers of "
        "the parties, decides as follows.",
        "بعد اطلاع الهيئة على ملف المطالبة والأدلة وأجوبة الأطراف، قررت ما يلي.",
    ),
    "decision_group": B(
        "The Commission examined these competing claims on the same property together "
        "and decides on each of them as follows.",
        "نظرت الهيئة في المطالبات المتنافسة التالية على العقار نفسه معاً، وقررت في كل منها ما يلي.",
    ),
    "compensation": B("Amount of compensation: {amount}.", "مبلغ التعويض: {amount}."),
    "appeal": B(
        "This decision was notified on {notified}. It may be appealed before {venue} "
        "until {deadline}. After that date it becomes final.",
        "بُلّغ هذا القرار بتاريخ {notified}. ويجوز الطعن فيه أمام {venue} حتى تاريخ "
        "{deadline}، ويصبح بعده قطعياً.",
    ),
    "appeal_outcome": B(
        "The appeal against the decision on the claim has been examined.",
        "نُظر في الطعن المقدم ضد القرار الصادر في المطالبة.",
    ),
}

FOOTER = {
    "page": B("Page {page} of {pages}", "الصفحة {page} من {pages}"),
    "code": B("Verification code: {code}", "رمز التحقق: {code}"),
    "verify": B(
        "Check this letter by its QR code or at:", "للتحقق من هذه الوثيقة امسح الرمز أو افتح:"
    ),
}

WATERMARK = B("TRAINING — NOT A LEGAL DOCUMENT", "تدريب — ليست وثيقة رسمية")
DRAFT_MARK = B("DRAFT — NOT ISSUED", "مسودة — غير صادرة")

_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
_MONTHS_AR = (
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
)
_ARABIC_DIGITS = str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫")


def arabic_digits(text: str) -> str:
    """ASCII digits (and thousands commas) as Arabic-Indic ones."""
    return text.translate(_ARABIC_DIGITS)


def format_date(value: date) -> Bilingual:
    return B(
        f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}",
        arabic_digits(f"{value.day} {_MONTHS_AR[value.month - 1]} {value.year}"),
    )


def format_datetime(value: datetime) -> Bilingual:
    day = format_date(value.date())
    clock = f"{value:%H:%M}"
    return B(f"{day.en}, {clock}", f"{day.ar}، الساعة {arabic_digits(clock)}")


def format_money(amount: Decimal, currency: str) -> Bilingual:
    names = CURRENCIES.get(currency, B(currency, currency))
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return B(f"{number} {names.en}", f"{arabic_digits(number)} {names.ar}")
