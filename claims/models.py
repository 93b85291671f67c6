"""Claims, the parcels they concern, their parties and evidence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from claims.domain import (
    CandidateStatus,
    ClaimBasis,
    ClaimState,
    EvidenceKind,
    EvidenceStatus,
    IdentityDocument,
    ImportStatus,
    ParcelChangeKind,
    PartyRole,
    PropertyType,
    QualityFlag,
    Remedy,
    ReviewFinding,
    RowVerdict,
)
from claims.matching import ConflictKind, InvalidParcelNumber, parse_parcel_number
from commission.accounts.models import Office, User
from commission.audit import Audited
from commission.db import Base, UTCDateTime, utcnow, values_in
from commission.workspaces import WorkspaceScoped


class Parcel(WorkspaceScoped, Audited, Base):
    """A cadastral parcel as the commission identified it; every claim on the same parcel
    key shares one row. What each claim says about its property (type, number as
    entered, area) is the claim's own; this row changes only through
    `claims.operations.correct_parcel`, which records the change on every claim on it."""

    __tablename__ = "parcel"
    __table_args__ = (
        UniqueConstraint("workspace_id", "parcel_key"),
        Index("ix_parcel_workspace_area", "workspace_id", "governorate_code", "muqataa_no"),
        Index("ix_parcel_workspace_number", "workspace_id", "parcel_no", "parcel_sub"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    governorate_code: Mapped[str] = mapped_column(String(16))
    district: Mapped[str] = mapped_column(String(100), default="")
    #: Cadastral district (muqata'a) number and name.
    muqataa_no: Mapped[str] = mapped_column(String(20))
    muqataa_name: Mapped[str] = mapped_column(String(100), default="")
    #: Normalised main number and optional sub-number (345 and 6 for 345/6).
    parcel_no: Mapped[int] = mapped_column(Integer)
    parcel_sub: Mapped[int | None] = mapped_column(Integer)
    #: The area as identified (e.g. from the registry extract).
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    #: governorate|muqata'a|number[/sub], the identity of the parcel across claims.
    parcel_key: Mapped[str] = mapped_column(String(80))

    claims: Mapped[list[Claim]] = relationship(back_populates="parcel")

    @property
    def number_display(self) -> str:
        return self.display_number(self.parcel_no, self.parcel_sub)

    @staticmethod
    def display_number(parcel_no: int, parcel_sub: int | None) -> str:
        """345/6, or 345 without a sub-number."""
        return f"{parcel_no}/{parcel_sub}" if parcel_sub else str(parcel_no)

    def __repr__(self) -> str:
        return f"<Parcel {self.parcel_key}>"


class Claim(WorkspaceScoped, Audited, Base):
    __tablename__ = "claim"
    __table_args__ = (
        UniqueConstraint("workspace_id", "number"),
        UniqueConstraint("workspace_id", "office_id", "year", "seq"),
        UniqueConstraint("workspace_id", "import_ref"),
        UniqueConstraint("workspace_id", "submission_id"),
        CheckConstraint(f"state IN {values_in(ClaimState)}", name="state"),
        CheckConstraint(f"claim_basis IN {values_in(ClaimBasis)}", name="claim_basis"),
        CheckConstraint(f"remedy IN {values_in(Remedy)}", name="remedy"),
        CheckConstraint(f"property_type IN {values_in(PropertyType)}", name="property_type"),
        CheckConstraint(
            "dispossession_on IS NULL OR dispossession_on <= filed_on",
            name="dispossessed_before_filing",
        ),
        # Keyset pagination: newest first within a workspace, and within an office.
        Index("ix_claim_workspace_list", "workspace_id", "id"),
        Index("ix_claim_workspace_office_list", "workspace_id", "office_id", "id"),
        Index("ix_claim_workspace_governorate_list", "workspace_id", "governorate_code", "id"),
        # Work queues: a user's cases, the unassigned, the deadlines falling due.
        Index("ix_claim_workspace_assignee", "workspace_id", "assigned_to_id", "id"),
        Index("ix_claim_workspace_deadline", "workspace_id", "deadline_on"),
        # A claim number's tail ("000023", "23") searched across offices and years.
        Index("ix_claim_workspace_seq", "workspace_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: OFFICE-YEAR-SEQUENCE, e.g. BGD-2026-000123; gap-free per office and year.
    number: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[ClaimState] = mapped_column(String(30), default=ClaimState.REGISTERED)
    filed_on: Mapped[date] = mapped_column(Date)
    claim_basis: Mapped[ClaimBasis] = mapped_column(String(30))
    dispossession_on: Mapped[date | None] = mapped_column(Date)
    remedy: Mapped[Remedy] = mapped_column(String(20))
    #: The identified parcel; None while the parcel is to be identified (the claimant
    #: did not know the muqata'a and parcel number).
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcel.id"), index=True)
    #: The identified parcel's governorate, else the one the claim states; copied here so
    #: a governorate's list pages walk one index.
    governorate_code: Mapped[str] = mapped_column(String(16))
    # The property as the claim describes it: the claim's own, never changed by another
    # claim's registration or by a correction of the parcel.
    property_type: Mapped[PropertyType] = mapped_column(String(30))
    stated_governorate_code: Mapped[str] = mapped_column(String(16))
    stated_district: Mapped[str] = mapped_column(String(100), default="")
    stated_muqataa_no: Mapped[str] = mapped_column(String(20), default="")
    stated_muqataa_name: Mapped[str] = mapped_column(String(100), default="")
    #: The parcel number as entered, in any script (e.g. ٣٤٥/٦); may be empty.
    stated_parcel_no: Mapped[str] = mapped_column(String(40), default="")
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    address: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: The `ref` of the imported row this claim came from; makes imports idempotent.
    import_ref: Mapped[str | None] = mapped_column(String(100))
    #: The ODK/KoboToolbox submission this claim was collected in (its instanceID,
    #: `uuid:…`); makes importing a field export twice harmless.
    submission_id: Mapped[str | None] = mapped_column(String(100))
    #: The property type as the source wrote it ("vacant plot", "قطعة أرض") when that
    #: was a word mapped to the parcel's type rather than the type's code.
    property_type_as_entered: Mapped[str] = mapped_column(String(100), default="")
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set by every edit, so an edit that changes only parties or evidence still
    #: updates this row and so moves its version on.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: Optimistic lock: a form carries the version it showed; a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: The adjudicator who screens, reviews and drafts (see adjudication.workflow).
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the claim entered its current state (the age shown in the queues).
    state_since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The deadline the current state waits for: documents requested, the respondent's
    #: answer, or the end of the appeal window; None when nothing is due.
    deadline_on: Mapped[date | None] = mapped_column(Date)
    #: The lead claim this one was closed as a duplicate of (the same claimant filing
    #: twice for one property): the lead carries the one decision for both.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)

    office: Mapped[Office] = relationship(lazy="joined")
    parcel: Mapped[Parcel | None] = relationship(back_populates="claims", lazy="joined")
    registered_by: Mapped[User | None] = relationship(foreign_keys=[registered_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    duplicate_of: Mapped[Claim | None] = relationship(
        remote_side=[id], foreign_keys=[duplicate_of_id], back_populates="duplicates"
    )
    duplicates: Mapped[list[Claim]] = relationship(
        foreign_keys=[duplicate_of_id], back_populates="duplicate_of", order_by="Claim.id"
    )
    parties: Mapped[list[Party]] = relationship(
        back_populates="claim", order_by="Party.id", cascade="all, delete-orphan", lazy="selectin"
    )
    # Loaded when read (the claim page), not with every list of claims, which shows none;
    # a page that shows several claims' evidence asks for it (selectinload).
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="claim", order_by="Evidence.id", cascade="save-update, merge"
    )
    quality_flags: Mapped[list[ClaimQualityFlag]] = relationship(
        back_populates="claim", order_by="ClaimQualityFlag.flag", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_editable(self) -> bool:
        """Registration data may change only before screening starts."""
        return self.state == ClaimState.REGISTERED

    @property
    def is_parcel_identified(self) -> bool:
        return self.parcel_id is not None

    def parcel_differences(self) -> set[str]:
        """What the claim states differently from its identified parcel: the names of
        the fields (governorate, district, muqataa_no, muqataa_name, parcel_no, area_m2)."""
        parcel = self.parcel
        if parcel is None:
            return set()
        differ = set()
        if self.stated_governorate_code != parcel.governorate_code:
            differ.add("governorate")
        for field in ("district", "muqataa_no", "muqataa_name"):
            stated = getattr(self, f"stated_{field}")
            if stated and stated != getattr(parcel, field):
                differ.add(field)
        if self.stated_parcel_no:
            try:
                stated = parse_parcel_number(self.stated_parcel_no)
            except InvalidParcelNumber:
                stated = None
            if stated is None or (stated.main, stated.sub) != (parcel.parcel_no, parcel.parcel_sub):
                differ.add("parcel_no")
        if (
            self.area_m2 is not None
            and parcel.area_m2 is not None
            and self.area_m2 != parcel.area_m2
        ):
            differ.add("area_m2")
        return differ

    def parties_in(self, role: PartyRole) -> list[Party]:
        return [party for party in self.parties if party.role == role]

    @property
    def claimants(self) -> list[Party]:
        return self.parties_in(PartyRole.CLAIMANT)

    def __repr__(self) -> str:
        return f"<Claim {self.number} {self.state}>"


class ClaimQualityFlag(WorkspaceScoped, Audited, Base):
    """Something an imported claim lacks or had guessed (see `QualityFlag`); indexed by
    flag so that lists can show the claims a clerk still has to complete."""

    __tablename__ = "claim_quality_flag"
    __table_args__ = (
        UniqueConstraint("claim_id", "flag"),
        CheckConstraint(f"flag IN {values_in(QualityFlag)}", name="flag"),
        Index("ix_claim_quality_flag_lookup", "workspace_id", "flag", "claim_id"),
        # Carries the flag, so that reading one claim's flags is covered by this index
        # as well as by the lookup index, and SQLite picks this one by its claim.
        Index("ix_claim_quality_flag_claim_workspace", "claim_id", "workspace_id", "flag"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    flag: Mapped[QualityFlag] = mapped_column(String(40))

    claim: Mapped[Claim] = relationship(back_populates="quality_flags")

    def __repr__(self) -> str:
        return f"<ClaimQualityFlag {self.claim_id} {self.flag}>"


class ParcelChange(WorkspaceScoped, Audited, Base):
    """A change of a claim's parcel, one row per affected claim: the claim's parcel
    identified or replaced, or the shared parcel row corrected. The claim's history shows
    it; the audit log holds the same change field by field."""

    __tablename__ = "parcel_change"
    __table_args__ = (
        CheckConstraint(f"kind IN {values_in(ParcelChangeKind)}", name="kind"),
        Index("ix_parcel_change_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcel.id"), index=True)
    kind: Mapped[ParcelChangeKind] = mapped_column(String(20))
    #: The parcel before and after, as one line each ("IQ-BG · 12 Karrada · 345/6");
    #: `before` is empty when the parcel was identified for the first time.
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parcel: Mapped[Parcel] = relationship()
    changed_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ParcelChange claim={self.claim_id} {self.kind}>"


class RegistryExtractRequest(WorkspaceScoped, Audited, Base):
    """A request to the real estate registry for the extract of a claim's property, sent
    while its parcel is to be identified; the letter `registry_extract_request` prints it."""

    __tablename__ = "registry_extract_request"
    __table_args__ = (
        Index("ix_registry_extract_request_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    #: What the registry is asked to search by, beyond the claim's own description.
    note: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    claim: Mapped[Claim] = relationship()
    requested_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<RegistryExtractRequest claim={self.claim_id}>"


class ClaimCounter(WorkspaceScoped, Base):
    """The last number given per office and year, advanced inside the registering
    transaction, so numbers are gap-free and two registrations never share one."""

    __tablename__ = "claim_counter"
    __table_args__ = (UniqueConstraint("workspace_id", "office_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<ClaimCounter office={self.office_id} {self.year}: {self.last_seq}>"


class Party(WorkspaceScoped, Audited, Base):
    __tablename__ = "party"
    __table_args__ = (
        CheckConstraint(f"role IN {values_in(PartyRole)}", name="role"),
        CheckConstraint(
            "share_percent IS NULL OR (share_percent > 0 AND share_percent <= 100)",
            name="share_percent",
        ),
        Index("ix_party_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    role: Mapped[PartyRole] = mapped_column(String(20))
    #: The Iraqi four-part name, in Arabic script as entered.
    given_name: Mapped[str] = mapped_column(String(100))
    father_name: Mapped[str] = mapped_column(String(100), default="")
    grandfather_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    #: The same name in Latin letters, as the person spells it (optional).
    latin_name: Mapped[str] = mapped_column(String(200), default="")
    id_document_type: Mapped[IdentityDocument | None] = mapped_column(String(30))
    id_document_number: Mapped[str] = mapped_column(String(50), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    #: Claimants' shares of the property; co-claimants' shares sum to 100.
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    #: An heir claiming for a deceased owner, named in `deceased_owner_name`.
    is_heir: Mapped[bool] = mapped_column(Boolean, default=False)
    deceased_owner_name: Mapped[str] = mapped_column(String(200), default="")
    #: For a representative: the document that gives authority (e.g. a power of attorney).
    authority_document: Mapped[str] = mapped_column(String(200), default="")

    claim: Mapped[Claim] = relationship(back_populates="parties")

    @property
    def full_name(self) -> str:
        parts = (self.given_name, self.father_name, self.grandfather_name, self.family_name)
        return " ".join(part for part in parts if part)

    def __repr__(self) -> str:
        return f"<Party {self.role} {self.full_name!r}>"


class Evidence(WorkspaceScoped, Audited, Base):
    """An uploaded scan. The bytes live content-addressed under QAYD_DATA_DIR; this row
    is never overwritten or silently dropped."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(f"kind IN {values_in(EvidenceKind)}", name="kind"),
        CheckConstraint(f"status IN {values_in(EvidenceStatus)}", name="status"),
        # Superseded or void evidence says who marked it, when and why.
        CheckConstraint(
            "status = 'current' OR (status_changed_by_id IS NOT NULL "
            "AND status_changed_at IS NOT NULL AND status_reason <> '')",
            name="status_reason",
        ),
        Index("ix_evidence_claim_workspace", "claim_id", "workspace_id"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    kind: Mapped[EvidenceKind] = mapped_column(String(30))
    #: The uploader's file name, kept only as display text (never used as a path).
    original_filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    media_type: Mapped[str] = mapped_column(String(50))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: What the clerk noted on receiving it (e.g. "original seen, copy filed").
    note: Mapped[str] = mapped_column(Text, default="")
    #: The claim's state when a later document came in (add_evidence); None for files
    #: filed with the registration form.
    added_in_state: Mapped[ClaimState | None] = mapped_column(String(30))
    status: Mapped[EvidenceStatus] = mapped_column(String(20), default=EvidenceStatus.CURRENT)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    claim: Mapped[Claim] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    status_changed_by: Mapped[User | None] = relationship(foreign_keys=[status_changed_by_id])

    @property
    def is_current(self) -> bool:
        return self.status == EvidenceStatus.CURRENT

    def __repr__(self) -> str:
        return f"<Evidence {self.kind} {self.sha256[:12]}>"


class ClaimMatchKey(WorkspaceScoped, Base):
    """One blocking key of a claim (see claims.matching.blocking), kept current on every
    registration and edit, so a claim's conflict candidates come from index look-ups."""

    __tablename__ = "claim_match_key"
    __table_args__ = (
        # The key first: leading with the workspace, the index also served a look-up by
        # the workspace alone, which PostgreSQL without statistics took for the keys'
        # look-up and read every key of the workspace.
        Index("ix_claim_match_key_lookup", "key", "workspace_id"),
        Index("ix_claim_match_key_claim_workspace", "claim_id", "workspace_id"),
        UniqueConstraint("claim_id", "key"),
    )
    workspace_keys = ("claim_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    key: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<ClaimMatchKey {self.claim_id} {self.key}>"


class PartySearchKey(WorkspaceScoped, Base):
    """One search key of a party (see claims.matching.search): a word of its name's
    skeleton or its identity document number, kept current with the claim's match keys,
    so that searching by name or number is an index probe."""

    __tablename__ = "party_search_key"
    __table_args__ = (
        # The claim and party ids in the index: a search walks one key's claims newest
        # first, and checks the other words of each party, without reading the key rows.
        Index("ix_party_search_key_lookup", "workspace_id", "key", "claim_id", "party_id"),
        # Also the index that checks a second word of the query on the same party.
        UniqueConstraint("party_id", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    key: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<PartySearchKey {self.party_id} {self.key}>"


class ConflictCandidate(WorkspaceScoped, Audited, Base):
    """A pair of claims that may be about the same parcel, awaiting an adjudicator.

    The pair is stored once, lower claim id first. A dismissed pair remembers the
    versions of both claims it was dismissed at, and is raised again only when one of
    them has changed since.
    """

    __tablename__ = "conflict_candidate"
    __table_args__ = (
        UniqueConstraint("claim_a_id", "claim_b_id"),
        CheckConstraint("claim_a_id < claim_b_id", name="ordered_pair"),
        CheckConstraint(f"kind IN {values_in(ConflictKind)}", name="kind"),
        CheckConstraint(f"status IN {values_in(CandidateStatus)}", name="status"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score"),
        # A reviewed pair records who reviewed it, when and why.
        CheckConstraint(
            "status = 'open' OR (reviewed_by_id IS NOT NULL AND reviewed_at IS NOT NULL "
            "AND review_note <> '')",
            name="reviewed",
        ),
        Index("ix_conflict_candidate_queue", "workspace_id", "status", "id"),
        Index("ix_conflict_candidate_claim_a_workspace", "claim_a_id", "workspace_id"),
        Index("ix_conflict_candidate_claim_b_workspace", "claim_b_id", "workspace_id"),
    )
    workspace_keys = ("claim_a_id", "claim_b_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    kind: Mapped[ConflictKind] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    #: One reason per line, strongest first, as the matcher wrote them.
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[CandidateStatus] = mapped_column(String(20), default=CandidateStatus.OPEN)
    #: The claims' versions when the pair was last scored or dismissed.
    claim_a_version: Mapped[int] = mapped_column(Integer)
    claim_b_version: Mapped[int] = mapped_column(Integer)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the adjudicator confirmed or dismissed the pair.
    review_note: Mapped[str] = mapped_column(Text, default="")
    #: What the review found (None while open, and for pairs reviewed before findings
    #: were recorded).
    finding: Mapped[ReviewFinding | None] = mapped_column(String(30))

    claim_a: Mapped[Claim] = relationship(foreign_keys=[claim_a_id])
    claim_b: Mapped[Claim] = relationship(foreign_keys=[claim_b_id])

    def other(self, claim: Claim) -> Claim:
        return self.claim_b if claim.id == self.claim_a_id else self.claim_a

    @classmethod
    def touching(cls, claim_ids) -> ColumnElement[bool]:
        """The pairs with one of `claim_ids` on either side, found by one index look-up per
        side. An OR of the two sides is costed above the queue's (workspace_id, status)
        index by a planner without statistics, which then reads every open pair."""
        return cls.id.in_(
            select(cls.id)
            .where(cls.claim_a_id.in_(claim_ids))
            .union_all(select(cls.id).where(cls.claim_b_id.in_(claim_ids)))
        )

    @property
    def reason_lines(self) -> list[str]:
        return self.reasons.splitlines()

    def __repr__(self) -> str:
        return f"<ConflictCandidate {self.claim_a_id}~{self.claim_b_id} {self.kind} {self.status}>"


class ConflictGroup(WorkspaceScoped, Audited, Base):
    """Claims that compete for one parcel, as confirmed pair by pair by adjudicators; they
    are decided together. A confirmed pair joining two groups merges them."""

    __tablename__ = "conflict_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    formed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[ConflictGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    @property
    def claims(self) -> list[Claim]:
        return sorted((member.claim for member in self.members), key=lambda claim: claim.number)

    def __repr__(self) -> str:
        return f"<ConflictGroup {self.id}: {len(self.members)} claims>"


class ConflictGroupMember(WorkspaceScoped, Audited, Base):
    """A claim's place in its conflict group. Kept apart from the claim row so that joining
    a group does not bump the claim's version under a clerk's open form."""

    __tablename__ = "conflict_group_member"
    __table_args__ = (
        Index("ix_conflict_group_member_group_workspace", "group_id", "workspace_id"),
    )
    workspace_keys = ("group_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("conflict_group.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), unique=True)
    #: The confirmed pair that brought the claim in.
    pair_id: Mapped[int] = mapped_column(ForeignKey("conflict_candidate.id"))

    group: Mapped[ConflictGroup] = relationship(back_populates="members")
    claim: Mapped[Claim] = relationship()

    def __repr__(self) -> str:
        return f"<ConflictGroupMember group={self.group_id} claim={self.claim_id}>"


class ConflictScan(WorkspaceScoped, Base):
    """One batch scan of a workspace (`flask conflicts scan`). The scan works one
    governorate at a time and records each one done, so an interrupted scan continues
    where it stopped."""

    __tablename__ = "conflict_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Pairs written that were not known before.
    new_pairs: Mapped[int] = mapped_column(Integer, default=0)

    shards: Mapped[list[ConflictScanShard]] = relationship(
        back_populates="scan", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<ConflictScan {self.id} {'done' if self.finished_at else 'running'}>"


class ConflictScanShard(WorkspaceScoped, Base):
    """One governorate of a scan, written when it is done."""

    __tablename__ = "conflict_scan_shard"
    __table_args__ = (UniqueConstraint("scan_id", "governorate_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("conflict_scan.id"), index=True)
    governorate_code: Mapped[str] = mapped_column(String(16))
    claims: Mapped[int] = mapped_column(Integer)
    new_pairs: Mapped[int] = mapped_column(Integer)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    scan: Mapped[ConflictScan] = relationship(back_populates="shards")

    def __repr__(self) -> str:
        return f"<ConflictScanShard {self.scan_id} {self.governorate_code}>"


class ImportBatch(WorkspaceScoped, Audited, Base):
    """One run of `flask claims import` over one file (a dry run too).

    Rows are checked and staged first (`ImportRow`, committed in chunks, holding no
    lock anyone waits on), then the good ones are published in one transaction.
    """

    __tablename__ = "import_batch"
    __table_args__ = (CheckConstraint(f"status IN {values_in(ImportStatus)}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[ImportStatus] = mapped_column(String(20), default=ImportStatus.STAGING)
    is_dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    is_partial: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The claim numbers the publication gave, per office and year: published claims
    #: are created with a provisional negative sequence (-1, -2 … in file order) and
    #: numbered at the end, all at once, so the office counters are held only for that
    #: moment. JSON: {"BGD-2026": [first_seq, last_seq], …}.
    numbering: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<ImportBatch {self.id} {self.file_name!r} {self.status}>"


class ImportRow(WorkspaceScoped, Base):
    """One row of an import file, as checked: its verdict, the parsed record to publish
    (JSON of the ClaimInput) or the reasons it cannot be published. A published row's
    claim is the one whose `import_ref` is the row's ref, or, for a row of a field
    export, whose `submission_id` is."""

    __tablename__ = "import_row"
    __table_args__ = (
        CheckConstraint(f"verdict IN {values_in(RowVerdict)}", name="verdict"),
        Index("ix_import_row_batch_verdict_line", "batch_id", "verdict", "line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    line: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(100), default="")
    verdict: Mapped[RowVerdict] = mapped_column(String(20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    #: The ClaimInput as JSON, for a good row.
    record: Mapped[str | None] = mapped_column(Text)
    #: [[column, message], …] for a bad row.
    errors: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ImportRow {self.batch_id}:{self.line} {self.verdict}>"
