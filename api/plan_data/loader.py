"""Load a plan file into the database (create or update, never duplicate); `plan_export` writes
it back."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from api.config import get_settings
from api.events.models import Event, EventSeries
from api.goals.enums import MeasurementSource
from api.goals.models import Goal, Measurement
from api.goals.service import target_columns
from api.plan_data.plan_file import (
    FileError,
    GoalIn,
    InitiativeIn,
    MeasurementIn,
    ObjectiveIn,
    OrganizationIn,
    PlanEventIn,
    PlanFile,
    PlanFileError,
    PlanIn,
    PlanSeriesIn,
    StrategyIn,
)
from api.plans.enums import PlanStatus
from api.plans.models import ActionPlan, Initiative, Objective, Organization, Strategy, Track

PLAN_FILE_AUTHOR = "plan file"


@dataclass
class LoadReport:
    """What a load did, per kind of record; `kept` lists records the file no longer names."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set only the attributes that differ; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


_Model = TypeVar("_Model")


def _upsert(
    session: Session,
    report: LoadReport,
    kind: str,
    obj: _Model | None,
    cls: type[_Model],
    values: dict[str, Any],
) -> _Model:
    if obj is None:
        obj = cls(**values)
        session.add(obj)
        report.count(kind, "created")
    else:
        report.count(kind, "updated" if _assign(obj, values) else "unchanged")
    return obj


def load_plan(session: Session, plan_file: PlanFile) -> LoadReport:
    """Bring the database in line with the file, in the caller's transaction."""
    report = LoadReport()
    strategy = _load_strategy(session, report, plan_file.strategy)
    tracks = {o.track.number: o.track for o in strategy.objectives}
    organizations = _load_organizations(session, report, plan_file.organizations)
    plan = _load_plan_row(session, report, strategy, plan_file.plan)
    session.flush()
    existing_goals = {g.key: g for g in plan.goals}
    seen_goals: set[str] = set()
    for position, goal_in in enumerate(plan_file.plan.goals):
        _load_goal(session, report, plan, None, goal_in, position, existing_goals)
        seen_goals.add(goal_in.key)
    existing = {(i.track.number, i.number): i for i in plan.initiatives}
    for initiative_in in plan_file.plan.initiatives:
        initiative = _load_initiative(
            session, report, plan, tracks, organizations, initiative_in, existing
        )
        for position, goal_in in enumerate(initiative_in.goals):
            _load_goal(session, report, plan, initiative, goal_in, position, existing_goals)
            seen_goals.add(goal_in.key)
    by_code = {f"{i.track.number}.{i.number}": i for i in plan.initiatives}
    series = _load_series(session, report, plan_file.plan.series)
    for event_in in plan_file.plan.events:
        _load_event(session, report, event_in, by_code, series)
    named = {(i.track, i.number) for i in plan_file.plan.initiatives}
    report.kept += [f"initiative {t}.{n}" for (t, n) in sorted(existing) if (t, n) not in named]
    report.kept += [f"goal {key}" for key in sorted(existing_goals) if key not in seen_goals]
    session.flush()
    return report


def _load_strategy(session: Session, report: LoadReport, data: StrategyIn) -> Strategy:
    strategy = session.scalar(
        select(Strategy)
        .where(Strategy.name == data.name)
        .options(selectinload(Strategy.objectives).selectinload(Objective.track))
    )
    strategy = _upsert(
        session,
        report,
        "strategy",
        strategy,
        Strategy,
        data.model_dump(exclude={"objectives"}),
    )
    by_number = {o.number: o for o in strategy.objectives}
    for objective_in in data.objectives:
        objective = _load_objective(
            session, report, by_number.get(objective_in.number), objective_in
        )
        if objective.strategy is None:
            strategy.objectives.append(objective)
    return strategy


def _load_objective(
    session: Session, report: LoadReport, objective: Objective | None, data: ObjectiveIn
) -> Objective:
    values = data.model_dump(exclude={"track"})
    if objective is None:
        objective = Objective(**values)
        report.count("objective", "created")
    else:
        report.count("objective", "updated" if _assign(objective, values) else "unchanged")
    track_values = data.track.model_dump()
    if objective.track is None:
        objective.track = Track(**track_values)
        report.count("track", "created")
    else:
        changed = _assign(objective.track, track_values)
        report.count("track", "updated" if changed else "unchanged")
    return objective


def _load_organizations(
    session: Session, report: LoadReport, data: list[OrganizationIn]
) -> dict[str, Organization]:
    names = [o.name for o in data]
    found = {
        o.name: o for o in session.scalars(select(Organization).where(Organization.name.in_(names)))
    }
    for name in names:
        if name in found:
            report.count("organization", "unchanged")
        else:
            found[name] = Organization(name=name)
            session.add(found[name])
            report.count("organization", "created")
    return found


def _load_plan_row(
    session: Session, report: LoadReport, strategy: Strategy, data: PlanIn
) -> ActionPlan:
    plan = session.scalar(
        select(ActionPlan)
        .where(ActionPlan.year == data.year)
        .options(
            selectinload(ActionPlan.initiatives).selectinload(Initiative.track),
            selectinload(ActionPlan.initiatives).selectinload(Initiative.partners),
            selectinload(ActionPlan.goals).selectinload(Goal.targets),
        )
    )
    values: dict[str, Any] = {
        "strategy": strategy,
        "title": data.title,
        "description": data.description,
        "approval_body": data.approval_body,
    }
    # Approval only moves forward: a file can approve a plan but never un-approve it.
    if data.status is PlanStatus.approved:
        values |= {
            "status": data.status,
            "approved_on": data.approved_on,
            "approved_by": data.approved_by,
        }
    return _upsert(session, report, "plan", plan, ActionPlan, {"year": data.year, **values})


def _load_initiative(
    session: Session,
    report: LoadReport,
    plan: ActionPlan,
    tracks: dict[int, Track],
    organizations: dict[str, Organization],
    data: InitiativeIn,
    existing: dict[tuple[int, int], Initiative],
) -> Initiative:
    values = data.model_dump(exclude={"track", "partners", "goals"})
    values |= {"track": tracks[data.track], "action_plan": plan}
    initiative = existing.get((data.track, data.number))
    partners = [organizations[name] for name in data.partners]
    if initiative is None:
        initiative = Initiative(**values, partners=partners)
        session.add(initiative)
        report.count("initiative", "created")
        return initiative
    changed = _assign(initiative, values)
    if {p.name for p in initiative.partners} != set(data.partners):
        initiative.partners = partners
        changed = True
    report.count("initiative", "updated" if changed else "unchanged")
    return initiative


def _local_midnight(day: date) -> datetime:
    """The start of a day where the municipality is, in UTC: the plan's dates are local."""
    zone = ZoneInfo(get_settings().timezone)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _event_span(data: PlanEventIn) -> tuple[datetime, datetime]:
    if data.month is not None:
        year, month = (int(part) for part in data.month.split("-"))
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        return _local_midnight(first), _local_midnight(after)
    assert data.starts_on is not None  # the schema requires month or starts_on
    last = data.ends_on or data.starts_on
    return _local_midnight(data.starts_on), _local_midnight(last + timedelta(days=1))


def _load_series(
    session: Session, report: LoadReport, data: list[PlanSeriesIn]
) -> dict[str, EventSeries]:
    """The plan's event series by key: created, or named and described as the file says."""
    found = {
        s.key: s
        for s in session.scalars(
            select(EventSeries).where(EventSeries.key.in_([d.key for d in data]))
        )
    }
    for n, item in enumerate(data):
        other = session.scalar(
            select(EventSeries.key).where(
                func.lower(EventSeries.name) == item.name.lower(), EventSeries.key != item.key
            )
        )
        if other is not None:
            message = f"navnet {item.name!r} bruges af serien med nøglen {other!r}"
            raise PlanFileError([FileError(f"plan.series[{n}].name", None, message)])
        values = {"name": item.name, "description": item.description}
        series = _upsert(session, report, "series", found.get(item.key), EventSeries, values)
        series.key = item.key
        found[item.key] = series
    session.flush()
    return found


def _load_event(
    session: Session,
    report: LoadReport,
    data: PlanEventIn,
    by_code: dict[str, Initiative],
    series: dict[str, EventSeries],
) -> None:
    """Create the plan's dated events; once staff fix a tentative date, the file leaves it."""
    event = session.scalar(select(Event).where(Event.plan_key == data.key))
    values: dict[str, Any] = {
        "title": data.title,
        "kind": data.kind,
        "description": data.description,
        "series": series[data.series] if data.series else None,
    }
    if event is None or event.tentative:
        starts_at, ends_at = _event_span(data)
        values |= {"starts_at": starts_at, "ends_at": ends_at, "tentative": data.month is not None}
    initiatives = [by_code[data.initiative]] if data.initiative else []
    if event is None:
        session.add(Event(plan_key=data.key, initiatives=initiatives, **values))
        report.count("event", "created")
        return
    changed = _assign(event, values)
    if [i.id for i in event.initiatives] != [i.id for i in initiatives]:
        event.initiatives = initiatives
        changed = True
    report.count("event", "updated" if changed else "unchanged")


def goal_values(goal_in: GoalIn) -> dict[str, Any]:
    """A goal definition as column values (baseline split, targets apart)."""
    values = goal_in.model_dump(exclude={"key", "measurements", "baseline", "targets"})
    baseline = goal_in.baseline
    values["baseline_year"] = baseline.year if baseline else None
    values["baseline_value"] = baseline.value if baseline else None
    return values


def _load_goal(
    session: Session,
    report: LoadReport,
    plan: ActionPlan,
    initiative: Initiative | None,
    data: GoalIn,
    position: int,
    existing: dict[str, Goal],
) -> None:
    values = goal_values(data) | {"position": position, "initiative": initiative}
    goal = existing.get(data.key)
    if goal is None:
        goal = Goal(key=data.key, action_plan=plan, **values)
        session.add(goal)
        report.count("goal", "created")
        changed = False
    else:
        changed = _assign(goal, values)
    changed = goal.set_targets(target_columns(data)) or changed
    if goal.id is not None:
        report.count("goal", "updated" if changed else "unchanged")
    _load_measurements(session, report, goal, data.measurements)


def _load_measurements(
    session: Session, report: LoadReport, goal: Goal, data: list[MeasurementIn]
) -> None:
    """The file owns the measurements it brought (source=plan); staff entries stay untouched."""
    stored: dict[Any, Measurement] = {}
    if goal.id is not None:
        rows = session.scalars(
            select(Measurement).where(
                Measurement.goal_id == goal.id, Measurement.source == MeasurementSource.plan
            )
        )
        stored = {m.measured_on: m for m in rows}
    for item in data:
        values = item.model_dump()
        row = stored.pop(item.measured_on, None)
        if row is None:
            session.add(
                Measurement(
                    goal=goal, source=MeasurementSource.plan, entered_by=PLAN_FILE_AUTHOR, **values
                )
            )
            report.count("measurement", "created")
        else:
            report.count("measurement", "updated" if _assign(row, values) else "unchanged")
    for row in stored.values():
        session.delete(row)
        report.count("measurement", "deleted")
