"""The rulings of decisions and appeals in English and Arabic, as the commission
states them on its letters.

Plain values, no Flask: the letter renderer prints both languages at once.
"""

from __future__ import annotations

from adjudication.domain import AppealOutcome, Outcome
from commission.bilingual import Bilingual

B = Bilingual

OUTCOMES = {
    Outcome.RESTITUTION: B(
        "The claim is accepted: the property is to be restored to the claimant.",
        "قبول المطالبة وإعادة العقار إلى المدعي.",
    ),
    Outcome.COMPENSATION: B(
        "The claim is accepted: the claimant is to be compensated.",
        "قبول المطالبة وتعويض المدعي.",
    ),
    Outcome.REJECTION: B("The claim is rejected on its merits.", "رد المطالبة موضوعاً."),
    Outcome.INADMISSIBLE: B("The claim is inadmissible.", "رد المطالبة شكلاً لعدم قبولها."),
}

APPEAL_OUTCOMES = {
    AppealOutcome.UPHELD: B(
        "The appeal is dismissed and the decision is upheld.",
        "رد الطعن وتصديق القرار المطعون فيه.",
    ),
    AppealOutcome.OVERTURNED: B(
        "The appeal is accepted and the decision is overturned.",
        "قبول الطعن ونقض القرار المطعون فيه.",
    ),
    AppealOutcome.REMANDED: B(
        "The decision is set aside and the claim is sent back for a new examination.",
        "نقض القرار وإعادة المطالبة لإعادة النظر فيها.",
    ),
}
