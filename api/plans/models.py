"""Strategy → objectives (pejlemærker) → tracks (spor); action plans → initiatives (indsatser)."""

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.kit.db import Base, Timestamped, db_enum
from api.plans.enums import InitiativeStatus, PlanStatus

if TYPE_CHECKING:
    from api.goals.models import Goal


class Strategy(Base, Timestamped):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    start_year: Mapped[int]
    end_year: Mapped[int]
    adopted_by: Mapped[str | None] = mapped_column(String(200))
    adopted: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")

    objectives: Mapped[list["Objective"]] = relationship(
        back_populates="strategy", order_by="Objective.number", cascade="all, delete-orphan"
    )


class Objective(Base, Timestamped):
    __tablename__ = "objectives"
    __table_args__ = (UniqueConstraint("strategy_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")

    strategy: Mapped[Strategy] = relationship(back_populates="objectives")
    track: Mapped["Track"] = relationship(
        back_populates="objective", cascade="all, delete-orphan", uselist=False
    )


class Track(Base, Timestamped):
    """A spor: the line of work that pursues one objective."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(
        ForeignKey("objectives.id", ondelete="CASCADE"), unique=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    objective: Mapped[Objective] = relationship(back_populates="track")


class Organization(Base, Timestamped):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


initiative_partners = Table(
    "initiative_partners",
    Base.metadata,
    Column("initiative_id", ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class ActionPlan(Base, Timestamped):
    __tablename__ = "action_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="RESTRICT"))
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PlanStatus] = mapped_column(
        db_enum(PlanStatus, "plan_status"), default=PlanStatus.draft
    )
    approval_body: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[date | None]
    approved_by: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column()

    strategy: Mapped[Strategy] = relationship()
    initiatives: Mapped[list["Initiative"]] = relationship(
        back_populates="action_plan", cascade="all, delete-orphan", passive_deletes=True
    )
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="action_plan", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Initiative(Base, Timestamped):
    __tablename__ = "initiatives"
    __table_args__ = (UniqueConstraint("action_plan_id", "track_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="RESTRICT"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    short_title: Mapped[str | None] = mapped_column(String(300))
    goal_label: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[InitiativeStatus] = mapped_column(
        db_enum(InitiativeStatus, "initiative_status"), default=InitiativeStatus.planned
    )
    responsible: Mapped[str | None] = mapped_column(String(200))
    carried_over_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column()

    action_plan: Mapped[ActionPlan] = relationship(back_populates="initiatives")
    track: Mapped[Track] = relationship()
    partners: Mapped[list[Organization]] = relationship(
        secondary=initiative_partners, order_by=Organization.name
    )
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="initiative",
        order_by="Goal.position",
        cascade="all, delete",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def track_number(self) -> int:
        return self.track.number

    @property
    def code(self) -> str:
        return f"{self.track.number}.{self.number}"
