"""Forms of the intake screens: registration/editing of a claim, and the claim search.

The forms only turn text into typed values (dates, numbers, enum members) and check
what the database would otherwise refuse (lengths, ranges); the rules of a valid claim
live in `claims.operations.validate_claim`, whose errors the view puts back next to
the fields named here.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from claims.domain import (
    ClaimBasis,
    ClaimInput,
    ClaimState,
    EvidenceKind,
    EvidenceStatus,
    IdentityDocument,
    ParcelIdentity,
    ParcelInput,
    PartyInput,
    PartyRole,
    PropertyType,
    QualityFlag,
    Remedy,
    ReviewFinding,
)
from claims.matching import ConflictKind
from claims.matching.normalise import InvalidParcelNumber, fold_digits, parse_parcel_number
from claims.parcels import parse_decimal
from commission.boundary import refusal_text
from commission.forms import CleanForm, CleanSubform
from commission.governorates import BY_CODE, resolve_governorate

STATE_LABELS = {
    ClaimState.REGISTERED: _l("registered"),
    ClaimState.SCREENING: _l("screening"),
    ClaimState.INCOMPLETE: _l("incomplete"),
    ClaimState.ANNULLED: _l("annulled"),
    ClaimState.INADMISSIBLE: _l("inadmissible"),
    ClaimState.RESPONDENT_NOTICE: _l("respondent notified"),
    ClaimState.UNDER_REVIEW: _l("under review"),
    ClaimState.HEARING_SCHEDULED: _l("hearing scheduled"),
    ClaimState.DECISION_DRAFTED: _l("decision drafted"),
    ClaimState.DECISION_ISSUED: _l("decision issued"),
    ClaimState.APPEALED: _l("appealed"),
    ClaimState.APPEAL_DECIDED: _l("appeal decided"),
    ClaimState.FINAL: _l("final"),
    ClaimState.CLOSED: _l("closed"),
    ClaimState.WITHDRAWN: _l("withdrawn"),
}
#: What the public status look-up tells a claimant about each state: the state in plain
#: words, then the next step. Nothing in them names a person or the property.
PUBLIC_STATUS = {
    ClaimState.REGISTERED: (
        _l("Your claim is registered."),
        _l("An adjudicator will check that it is complete and can be examined."),
    ),
    ClaimState.SCREENING: (
        _l("An adjudicator is checking that your claim is complete and can be examined."),
        _l("If documents are missing, your office will tell you which."),
    ),
    ClaimState.INCOMPLETE: (
        _l("Documents are missing from your claim."),
        _l("Bring the missing documents to your office before the deadline you were given."),
    ),
    ClaimState.ANNULLED: (
        _l("Your claim was annulled: the missing documents did not arrive in time."),
        _l("You may appeal within 30 days of being notified. Ask your office how."),
    ),
    ClaimState.INADMISSIBLE: (
        _l("Your claim was found inadmissible."),
        _l("You may appeal within 30 days of being notified. Ask your office how."),
    ),
    ClaimState.RESPONDENT_NOTICE: (
        _l("The present occupant of the property has been told of your claim and may answer."),
        _l("When the answer arrives, or the time to answer ends, your claim is examined."),
    ),
    ClaimState.UNDER_REVIEW: (
        _l("Your claim is being examined."),
        _l("The commission may call a hearing, or prepare its decision."),
    ),
    ClaimState.HEARING_SCHEDULED: (
        _l("A hearing on your claim is scheduled."),
        _l("Your office will tell you the date and place. Bring your identity document."),
    ),
    ClaimState.DECISION_DRAFTED: (
        _l("A decision on your claim is being prepared."),
        _l("A senior adjudicator checks the decision before it is issued."),
    ),
    ClaimState.DECISION_ISSUED: (
        _l("A decision on your claim has been issued."),
        _l(
            "Collect the decision letter at your office. You may appeal within 30 days of "
            "being notified."
        ),
    ),
    ClaimState.APPEALED: (
        _l("An appeal against the decision on your claim is being examined."),
        _l("You will be told the outcome of the appeal."),
    ),
    ClaimState.APPEAL_DECIDED: (
        _l("The appeal against the decision on your claim has been decided."),
        _l("Your office will tell you the outcome and what follows."),
    ),
    ClaimState.FINAL: (
        _l("The decision on your claim is final."),
        _l("Your office will tell you how the decision is carried out."),
    ),
    ClaimState.CLOSED: (
        _l("Your claim is closed."),
        _l("Nothing more is needed from you. Ask your office if you have questions."),
    ),
    ClaimState.WITHDRAWN: (
        _l("Your claim was withdrawn."),
        _l("If you did not ask for this, contact your office."),
    ),
}
BASIS_LABELS = {
    ClaimBasis.CONFISCATION: _l("Confiscation"),
    ClaimBasis.FORCED_RELOCATION: _l("Forced relocation"),
    ClaimBasis.CONFLICT_DISPLACEMENT: _l("Conflict displacement (2014 onwards)"),
    ClaimBasis.OTHER: _l("Other"),
}
REMEDY_LABELS = {
    Remedy.RESTITUTION: _l("Restitution of the property"),
    Remedy.COMPENSATION: _l("Compensation"),
}
PROPERTY_TYPE_LABELS = {
    PropertyType.HOUSE: _l("House"),
    PropertyType.APARTMENT: _l("Apartment"),
    PropertyType.RESIDENTIAL_LAND: _l("Residential land"),
    PropertyType.AGRICULTURAL_LAND: _l("Agricultural land"),
    PropertyType.COMMERCIAL: _l("Commercial property"),
    PropertyType.OTHER: _l("Other"),
}
IDENTITY_DOCUMENT_LABELS = {
    IdentityDocument.NATIONAL_ID: _l("National (unified) ID card"),
    IdentityDocument.CIVIL_STATUS_ID: _l("Civil status ID"),
    IdentityDocument.NATIONALITY_CERTIFICATE: _l("Nationality certificate"),
    IdentityDocument.PASSPORT: _l("Passport"),
    IdentityDocument.OTHER: _l("Other"),
}
EVIDENCE_KIND_LABELS = {
    EvidenceKind.TITLE_DEED: _l("Title deed"),
    EvidenceKind.COURT_RULING: _l("Court ruling"),
    EvidenceKind.IDENTITY_DOCUMENT: _l("Identity document"),
    EvidenceKind.POWER_OF_ATTORNEY: _l("Power of attorney"),
    EvidenceKind.PHOTO: _l("Photograph"),
    EvidenceKind.OTHER: _l("Other"),
}
QUALITY_FLAG_LABELS = {
    QualityFlag.PARCEL_UNIDENTIFIED: _l("Parcel not yet identified"),
    QualityFlag.NO_IDENTITY_NUMBER: _l("No identity number"),
    QualityFlag.DATE_YEAR_ONLY: _l("A date known only by its year"),
    QualityFlag.PROPERTY_TYPE_FROM_TEXT: _l("Property type read from words"),
    QualityFlag.PROPERTY_TYPE_MISSING: _l("No property type"),
    QualityFlag.CLAIM_BASIS_MISSING: _l("No basis of the claim"),
}
ROLE_LABELS = {
    PartyRole.CLAIMANT: _l("Claimant"),
    PartyRole.RESPONDENT: _l("Respondent / current occupant"),
    PartyRole.REPRESENTATIVE: _l("Representative"),
}

#: Evidence rows a new form offers before "Add another file" is needed.
EVIDENCE_ROWS = 2
#: The database stores these as 32-bit integers.


def governorate_name(code: str) -> str:
    governorate = BY_CODE.get(code)
    if governorate is None:
        return code
    return governorate.name_ar if str(get_locale()) == "ar" else governorate.name_en


UNKNOWN_GOVERNORATE = _l("No governorate has this name or code.")


def governorate_code(entered: str | None) -> str:
    """The code of a governorate chosen from the list or written any way the resolver
    reads ("Ninawa", "محافظة نينوى", "IQ BG", "BGD"); "" for no choice. A spelling that
    names no governorate is refused with the field's "not a valid choice"."""
    if not entered:
        return ""
    return resolve_governorate(entered).code


def _choices(labels: dict, *, blank=None) -> list[SelectChoice]:
    choices = [SelectChoice(str(member), label) for member, label in labels.items()]
    return ([SelectChoice("", blank)] if blank is not None else []) + choices


def _governorate_choices(blank) -> list[SelectChoice]:
    by_name = sorted(BY_CODE, key=governorate_name)
    return [SelectChoice("", blank)] + [
        SelectChoice(code, governorate_name(code)) for code in by_name
    ]


#: Party fields that go between the form and PartyInput/Party unchanged.
PARTY_TEXT_FIELDS = (
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "latin_name",
    "id_document_number",
    "contact",
)


FINDING_LABELS = {
    ReviewFinding.DUPLICATE_FILING: _l("duplicate filing"),
    ReviewFinding.COMPETING_CLAIMS: _l("competing claims"),
    ReviewFinding.NOT_THE_SAME_PROPERTY: _l("not the same property"),
}

CONFLICT_KIND_LABELS = {
    ConflictKind.COMPETING: _l("competing claim: same parcel, another claimant"),
    ConflictKind.DUPLICATE: _l("duplicate: same parcel, same claimant"),
    ConflictKind.COUNTERCLAIM: _l("counterclaim: this claimant is the other's respondent"),
}


class NumberField(StringField):
    """A decimal number typed with ASCII or Arabic-Indic digits and either decimal
    separator (12.5, ١٢٫٥, 12,5); `data` is a Decimal or None, the text is kept for
    re-display."""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        try:
            self.data = parse_decimal(valuelist[0])
        except ValueError:
            raise ValueError(self.gettext("Write a number, e.g. 250 or 12.5.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"


def _is_parcel_number(form, field):
    if field.data:
        try:
            parse_parcel_number(field.data)
        except InvalidParcelNumber as invalid:
            raise ValidationError(refusal_text(invalid)) from None


def _name(label, max_length=100):
    return StringField(label, validators=[Length(max=max_length)], filters=[_strip])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PartyForm(CleanSubform):
    """A person in the claim; the four-part name is the Iraqi one, in Arabic script."""

    given_name = _name(_l("Given name"))
    father_name = _name(_l("Father's name"))
    grandfather_name = _name(_l("Grandfather's name"))
    family_name = _name(_l("Family or tribe name"))
    latin_name = _name(_l("Name in Latin letters"), 200)
    id_document_type = SelectField(
        _l("Identity document"),
        choices=_choices(IDENTITY_DOCUMENT_LABELS, blank=_l("— none —")),
        default="",
    )
    id_document_number = _name(_l("Document number"), 50)
    contact = _name(_l("Telephone or address for notices"), 200)

    def is_blank(self) -> bool:
        return not any(
            (field.data or "").strip() if isinstance(field.data, str) else field.data
            for field in self
        )

    def party_input(self, role: PartyRole) -> PartyInput:
        values = {name: getattr(self, name).data or "" for name in PARTY_TEXT_FIELDS}
        document_type = self.id_document_type.data
        return PartyInput(
            role=role,
            id_document_type=IdentityDocument(document_type) if document_type else None,
            **values,
        )


class ClaimantForm(PartyForm):
    share_percent = NumberField(_l("Share (%)"), render_kw={"inputmode": "decimal"})
    is_heir = BooleanField(_l("Heir of a deceased owner"))
    deceased_owner_name = _name(_l("Name of the deceased owner"), 200)

    def party_input(self, role: PartyRole = PartyRole.CLAIMANT) -> PartyInput:
        party = super().party_input(role)
        party.share_percent = self.share_percent.data
        party.is_heir = bool(self.is_heir.data)
        party.deceased_owner_name = self.deceased_owner_name.data or ""
        return party


class RepresentativeForm(PartyForm):
    authority_document = _name(_l("Proof of authority (e.g. power of attorney no.)"), 200)


class EvidenceRowForm(CleanSubform):
    kind = SelectField(
        _l("Kind of document"),
        choices=_choices(EVIDENCE_KIND_LABELS),
        default=str(EvidenceKind.TITLE_DEED),
    )
    file = FileField(_l("Scan (PDF, JPEG, PNG or TIFF)"))


class AddEvidenceForm(CleanForm):
    """A document filed on a claim after registration (a requested deed, say)."""

    kind = SelectField(
        _l("Kind of document"),
        choices=_choices(EVIDENCE_KIND_LABELS),
        default=str(EvidenceKind.TITLE_DEED),
    )
    file = FileField(
        _l("Scan (PDF, JPEG, PNG or TIFF)"),
        validators=[DataRequired(message=_l("Choose the file."))],
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("What it is and how it came in, e.g. original seen, copy filed."),
        validators=[Length(max=2000)],
    )
    submit = SubmitField(_l("File the document"))


EVIDENCE_STATUS_LABELS = {
    EvidenceStatus.CURRENT: _l("current"),
    EvidenceStatus.SUPERSEDED: _l("Superseded"),
    EvidenceStatus.VOID: _l("Void"),
}


class MarkEvidenceForm(CleanForm):
    """Mark a filed document superseded or void; the file stays."""

    status = SelectField(
        _l("Mark as"),
        choices=[
            SelectChoice(EvidenceStatus.SUPERSEDED.value, _l("Superseded by a better copy")),
            SelectChoice(EvidenceStatus.VOID.value, _l("Void: should not have been filed")),
        ],
    )
    reason = StringField(
        _l("Reason"), validators=[DataRequired(message=_l("Give the reason.")), Length(max=2000)]
    )


class ClaimForm(CleanForm):
    """Registration and editing of one claim (the same form for both)."""

    #: The claim version the form was opened on; a save from an older one is refused.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    claimants = FieldList(FormField(ClaimantForm), min_entries=1)
    respondent = FormField(PartyForm)
    representative = FormField(RepresentativeForm)

    governorate_code = SelectField(
        _l("Governorate"),
        coerce=governorate_code,
        invalid_value_message=UNKNOWN_GOVERNORATE,
        validators=[InputRequired(_l("Choose the governorate."))],
    )
    district = _name(_l("District (qadha)"))
    muqataa_no = _name(_l("Muqata'a number"), 20)
    muqataa_name = _name(_l("Muqata'a name"))
    parcel_no = StringField(
        _l("Parcel number"),
        description=_l(
            "With a sub-number if it has one, e.g. 345/6. Leave the muqata'a or parcel "
            "number empty if the claimant does not know it: the parcel is then identified "
            "during screening."
        ),
        validators=[Length(max=40)],
        filters=[_strip],
    )
    area_m2 = NumberField(_l("Area (m²)"), render_kw={"inputmode": "decimal"})
    property_type = SelectField(_l("Property type"), choices=_choices(PROPERTY_TYPE_LABELS))
    address = TextAreaField(_l("Address of the property"), validators=[Length(max=2000)])

    claim_basis = SelectField(_l("Basis of the claim"), choices=_choices(BASIS_LABELS))
    dispossession_on = DateField(_l("Date of dispossession"), validators=[Optional()])
    remedy = SelectField(_l("Remedy sought"), choices=_choices(REMEDY_LABELS))
    filed_on = DateField(
        _l("Date filed"), validators=[InputRequired(_l("Give the date the claim was filed."))]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])

    evidence = FieldList(FormField(EvidenceRowForm), min_entries=EVIDENCE_ROWS)

    add_claimant = SubmitField(_l("Add another claimant"))
    add_evidence = SubmitField(_l("Add another file"))
    check_conflicts = SubmitField(_l("Check for conflicting claims"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.governorate_code.choices = _governorate_choices(_l("— choose —"))
        #: Errors about a group of fields ("claimants", "shares"), shown above the group.
        self.section_errors: dict[str, list] = {}
        #: Errors that name no field of this form (shown at the top, never dropped).
        self.general_errors: list = []

    def claim_input(self) -> tuple[ClaimInput, dict[int, Form]]:
        """The typed input, and which sub-form each party (by its index) came from."""
        parties: list[PartyInput] = []
        origin: dict[int, Form] = {}
        for entry in self.claimants:
            origin[len(parties)] = entry.form
            parties.append(entry.form.party_input())
        for role, field in (
            (PartyRole.RESPONDENT, self.respondent),
            (PartyRole.REPRESENTATIVE, self.representative),
        ):
            if not field.form.is_blank():
                origin[len(parties)] = field.form
                party = field.form.party_input(role)
                if role == PartyRole.REPRESENTATIVE:
                    party.authority_document = field.form.authority_document.data or ""
                parties.append(party)
        data = ClaimInput(
            parcel=ParcelInput(
                governorate_code=self.governorate_code.data,
                muqataa_no=self.muqataa_no.data or "",
                parcel_no=self.parcel_no.data or "",
                property_type=PropertyType(self.property_type.data),
                district=self.district.data or "",
                muqataa_name=self.muqataa_name.data or "",
                area_m2=self.area_m2.data,
            ),
            parties=parties,
            claim_basis=ClaimBasis(self.claim_basis.data),
            remedy=Remedy(self.remedy.data),
            filed_on=self.filed_on.data,
            dispossession_on=self.dispossession_on.data,
            address=self.address.data or "",
            description=self.description.data or "",
        )
        return data, origin


def claim_form_data(claim) -> dict:
    """A claim as the `data` of a ClaimForm, to prefill the edit form."""

    def party_data(party) -> dict:
        values = {name: getattr(party, name) for name in PARTY_TEXT_FIELDS}
        values["id_document_type"] = party.id_document_type or ""
        return values

    claimants = []
    for party in claim.parties_in(PartyRole.CLAIMANT):
        values = party_data(party)
        values.update(
            share_percent=party.share_percent,
            is_heir=party.is_heir,
            deceased_owner_name=party.deceased_owner_name,
        )
        claimants.append(values)
    respondents = claim.parties_in(PartyRole.RESPONDENT)
    representatives = claim.parties_in(PartyRole.REPRESENTATIVE)
    representative = {}
    if representatives:
        representative = party_data(representatives[0])
        representative["authority_document"] = representatives[0].authority_document
    return {
        "version": claim.version,
        "claimants": claimants,
        "respondent": party_data(respondents[0]) if respondents else {},
        "representative": representative,
        "governorate_code": claim.stated_governorate_code,
        "district": claim.stated_district,
        "muqataa_no": claim.stated_muqataa_no,
        "muqataa_name": claim.stated_muqataa_name,
        "parcel_no": claim.stated_parcel_no,
        "area_m2": claim.area_m2,
        "property_type": str(claim.property_type),
        "address": claim.address,
        "claim_basis": str(claim.claim_basis),
        "dispossession_on": claim.dispossession_on,
        "remedy": str(claim.remedy),
        "filed_on": claim.filed_on,
        "description": claim.description,
    }


class ClaimSearchForm(CleanForm):
    """The filters of the claim list, sent as GET parameters (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    number = StringField(_l("Claim number"), filters=[_strip], validators=[Length(max=40)])
    name = StringField(_l("Name of a party"), filters=[_strip], validators=[Length(max=200)])
    id_number = StringField(
        _l("Identity document number"), filters=[_strip], validators=[Length(max=50)]
    )
    governorate = SelectField(
        _l("Governorate"),
        coerce=governorate_code,
        invalid_value_message=UNKNOWN_GOVERNORATE,
        validators=[Optional()],
    )
    parcel_no = StringField(
        _l("Parcel number"), filters=[_strip], validators=[Length(max=40), _is_parcel_number]
    )
    state = SelectField(
        _l("State"), choices=_choices(STATE_LABELS, blank=_l("— any —")), validators=[Optional()]
    )
    parcel_to_identify = BooleanField(_l("Parcel to be identified"))
    quality_flag = SelectField(
        _l("Data to complete"),
        choices=_choices(QUALITY_FLAG_LABELS, blank=_l("— any —")),
        validators=[Optional()],
    )
    filed_from = DateField(_l("Filed from"), validators=[Optional()])
    filed_to = DateField(_l("Filed until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.governorate.choices = _governorate_choices(_l("— any —"))


class CandidateReviewForm(CleanForm):
    """What the review of one candidate pair found, the lead of a duplicate filing, and
    the reason."""

    decision = RadioField(
        _l("Finding"),
        choices=[
            SelectChoice(
                ReviewFinding.DUPLICATE_FILING,
                _l("Duplicate filing: same claimant, same property (one claim is closed)"),
            ),
            SelectChoice(
                ReviewFinding.COMPETING_CLAIMS,
                _l("Competing claims: same property, different claimants (decided together)"),
            ),
            SelectChoice(
                ReviewFinding.NOT_THE_SAME_PROPERTY, _l("Not the same property (dismiss)")
            ),
        ],
        validators=[InputRequired(message=_l("Choose what the review found."))],
    )
    #: The claim that leads a duplicate filing; the other is closed as its duplicate.
    lead = RadioField(_l("Lead claim (for a duplicate filing)"), validate_choice=False)
    next = HiddenField()
    note = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give the reason for the decision.")),
            Length(max=2000),
        ],
    )


class ParcelIdentityForm(CleanForm):
    """The parcel of a claim as identified (from the registry extract), or a correction of
    a shared parcel: the same fields, all numbers required."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    governorate_code = SelectField(
        _l("Governorate"),
        coerce=governorate_code,
        invalid_value_message=UNKNOWN_GOVERNORATE,
        validators=[InputRequired(_l("Choose the governorate."))],
    )
    district = _name(_l("District (qadha)"))
    muqataa_no = StringField(
        _l("Muqata'a number"),
        validators=[InputRequired(_l("The muqata'a number is required.")), Length(max=20)],
        filters=[_strip],
    )
    muqataa_name = _name(_l("Muqata'a name"))
    parcel_no = StringField(
        _l("Parcel number"),
        validators=[
            InputRequired(_l("The parcel number is required.")),
            Length(max=40),
            _is_parcel_number,
        ],
        filters=[_strip],
    )
    area_m2 = NumberField(_l("Area (m²)"), render_kw={"inputmode": "decimal"})
    reason = TextAreaField(
        _l("How the parcel was identified, or why it is corrected"),
        validators=[InputRequired(_l("Give the reason.")), Length(max=2000)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.governorate_code.choices = _governorate_choices(_l("— choose —"))

    def identity(self) -> ParcelIdentity:
        return ParcelIdentity(
            governorate_code=self.governorate_code.data,
            muqataa_no=self.muqataa_no.data or "",
            parcel_no=self.parcel_no.data or "",
            district=self.district.data or "",
            muqataa_name=self.muqataa_name.data or "",
            area_m2=self.area_m2.data,
        )


class RegistryExtractForm(CleanForm):
    note = TextAreaField(
        _l("What the registry should search by (optional)"), validators=[Length(max=2000)]
    )


def _fold_and_strip(value):
    return fold_digits(value).strip() if isinstance(value, str) else value


class StatusLookupForm(CleanForm):
    """The public status look-up: the claim number and two facts only the claimant (and
    the commission) know together."""

    number = StringField(
        _l("Claim number"),
        description=_l("As printed on your receipt, e.g. BGD-2026-000123."),
        filters=[_fold_and_strip],
        validators=[DataRequired(), Length(max=30)],
    )
    filed_year = StringField(
        _l("Year the claim was filed"),
        filters=[_fold_and_strip],
        validators=[
            DataRequired(),
            Regexp(r"^[0-9]{4}$", message=_l("Four digits, e.g. 2026.")),
        ],
    )
    id_digits = StringField(
        _l("Last four digits of the claimant's identity document number"),
        filters=[_fold_and_strip],
        validators=[
            DataRequired(),
            Regexp(r"^[0-9]{4}$", message=_l("Exactly four digits.")),
        ],
    )
