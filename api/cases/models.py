"""Cases from the case-processing system, and the service target per kind of case."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.cases.enums import CaseKind, Decision
from api.kit.db import Base, Timestamped, UTCDateTime, db_enum

# The service target the plan names: 50 days for building permits (Handlingsplan 2026, 3.3).
# Other kinds have a target only once staff set one (`case_targets`); until then their cases are
# decided but not measured against any target.
PLAN_TARGET_DAYS: dict[CaseKind, int] = {CaseKind.building_permit: 50}


class Case(Base, Timestamped):
    """One case as the source system last sent it; the source's own key is (source, external_id)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[CaseKind] = mapped_column(db_enum(CaseKind, "case_kind"))
    is_business: Mapped[bool] = mapped_column()
    received_on: Mapped[date] = mapped_column()
    # The day the application was complete (fyldestgørende): where the service clock starts.
    complete_on: Mapped[date | None] = mapped_column()
    decided_on: Mapped[date | None] = mapped_column()
    decision: Mapped[Decision | None] = mapped_column(db_enum(Decision, "case_decision"))
    # Days the clock stood still while the case waited on the applicant; deducted.
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    # Some case types are outside the service target altogether.
    counts_toward_target: Mapped[bool] = mapped_column(default=True)
    company_cvr: Mapped[str | None] = mapped_column(String(8), index=True)
    source_updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        CheckConstraint("paused_days >= 0", name="paused_days_not_negative"),
        # Covering the metrics: they read decided cases by kind, business and date, and open
        # ones by kind, from this index alone (no table read per case: a million cases).
        Index(
            "ix_cases_metrics",
            "kind",
            "is_business",
            "decided_on",
            "counts_toward_target",
            "complete_on",
            "paused_days",
        ),
    )


class CaseTarget(Base, Timestamped):
    """The service target in days staff set for a kind of case (over PLAN_TARGET_DAYS)."""

    __tablename__ = "case_targets"

    kind: Mapped[CaseKind] = mapped_column(db_enum(CaseKind, "case_target_kind"), primary_key=True)
    target_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("target_days > 0", name="target_days_positive"),)
