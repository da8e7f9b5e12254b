"""Goals (mål) keep the plan's own words; measurable ones also carry metric, unit and targets."""

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.goals.enums import Direction, GoalKind, MeasurementSource, MilestoneState, Pace, Unit
from api.kit.db import Base, Timestamped, Value, db_enum

if TYPE_CHECKING:
    from api.plans.models import ActionPlan, Initiative


class Goal(Base, Timestamped):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("action_plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), index=True
    )
    # None for the plan-level figures (tilskudsmidler, aktiviteter).
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[GoalKind] = mapped_column(db_enum(GoalKind, "goal_kind"))
    metric: Mapped[str | None] = mapped_column(String(100))
    metric_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    unit: Mapped[Unit | None] = mapped_column(db_enum(Unit, "goal_unit"))
    direction: Mapped[Direction | None] = mapped_column(db_enum(Direction, "goal_direction"))
    pace: Mapped[Pace | None] = mapped_column(db_enum(Pace, "goal_pace"))
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[float | None] = mapped_column(Value)
    milestone_state: Mapped[MilestoneState | None] = mapped_column(
        db_enum(MilestoneState, "milestone_state")
    )
    # A milestone's deadline; the plan year's last day where none is set.
    due_on: Mapped[date | None]
    version: Mapped[int] = mapped_column()

    action_plan: Mapped["ActionPlan"] = relationship(back_populates="goals")
    initiative: Mapped["Initiative | None"] = relationship(back_populates="goals")
    targets: Mapped[list["GoalTarget"]] = relationship(
        order_by="GoalTarget.year", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    def set_targets(self, targets: dict[int, dict[str, Any]]) -> bool:
        """Make the targets exactly `targets` (year → column values), in place: a year's row is
        kept, not re-inserted, so the unique (goal, year) constraint never sees two rows at
        once. True if anything changed."""
        by_year = {t.year: t for t in self.targets}
        changed = False
        for year, target in list(by_year.items()):
            if year not in targets:
                self.targets.remove(target)
                changed = True
        for year, values in targets.items():
            row = by_year.get(year)
            if row is None:
                self.targets.append(GoalTarget(year=year, **values))
                changed = True
                continue
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
                    changed = True
        return changed

    @property
    def baseline(self) -> dict[str, float | None] | None:
        if self.baseline_value is None:
            return None
        return {"year": self.baseline_year, "value": self.baseline_value}


class GoalTarget(Base):
    __tablename__ = "goal_targets"
    __table_args__ = (UniqueConstraint("goal_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"))
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Value)
    # A range target ("3-4 forløb"): `value` is the least, `upper` the most.
    upper: Mapped[float | None] = mapped_column(Value)
    # Phasing staff set: the whole target due on a date, or a share due each month.
    due_on: Mapped[date | None]
    monthly_profile: Mapped[list[float] | None] = mapped_column(JSON)


class Measurement(Base, Timestamped):
    """A dated value for a goal: entered by staff, imported, or history from the plan."""

    __tablename__ = "measurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    measured_on: Mapped[date]
    value: Mapped[float] = mapped_column(Value)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[MeasurementSource] = mapped_column(
        db_enum(MeasurementSource, "measurement_source"), default=MeasurementSource.manual
    )
    entered_by: Mapped[str] = mapped_column(String(200))

    goal: Mapped[Goal] = relationship()


class GoalComment(Base, Timestamped):
    """A dated written status on a goal by the one who answers for it: shown beside a goal that
    is at risk, off track or overdue, in the app and in the committee report."""

    __tablename__ = "goal_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    written_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))


class MilestoneNote(Base, Timestamped):
    """A dated note on a qualitative goal, with the state it moved the goal to."""

    __tablename__ = "milestone_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goals.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date]
    state: Mapped[MilestoneState] = mapped_column(db_enum(MilestoneState, "milestone_note_state"))
    text: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(200))
