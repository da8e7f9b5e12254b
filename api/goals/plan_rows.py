"""The plan tree and what is written on it, as plain rows for progress: ORM objects for a
plan's goals and initiatives cost more than everything else a progress call does.

Each statement is built once and reads by the plan (its year, id or strategy), never by lists
of goal ids: binding a parameter per goal costs more than reading the rows. They run on the
session's connection, in its transaction, without the ORM's execution path, which costs more
per statement than the rows do: progress only reads, so nothing pending needs flushing first.

Rows come back as named tuples of columns, not ORM entities. Amounts are read as FLOAT, not
NUMERIC: the JSON has floats, and the driver's Decimal for each value, converted again, costs
more than the rest of the row (the database converts them exactly, as float() of the Decimal
does). JSON columns are read as text and parsed where needed."""

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Float,
    Integer,
    Row,
    Select,
    String,
    Text,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from api.goals.enums import Direction, GoalKind, MilestoneState, Pace, Unit
from api.goals.models import Goal, GoalComment, GoalTarget, Measurement, MilestoneNote
from api.goals.progress_schemas import Comment
from api.goals.rules import YearTarget
from api.kit.sql import DayNumber, Year
from api.plans.enums import InitiativeStatus
from api.plans.models import ActionPlan, Initiative, Objective, Track


def _rows(
    session: Session,
    statement: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]],
    parameters: dict[str, Any],
) -> Sequence[Row[*tuple[Any, ...]]]:
    # All at once: fetched one by one, each row costs the driver a call of its own.
    return session.connection().execute(statement, parameters).all()


def _goal_ids(kind: GoalKind | None = None) -> Select[Any]:
    """The ids of the plan's goals (of one kind)."""
    ids = select(Goal.id).where(Goal.action_plan_id == bindparam("plan_id"))
    return ids if kind is None else ids.where(Goal.kind == kind)


# ----------------------------------------------------------------------- plan, goals, tracks


def _amount(column: Any) -> Any:
    """An amount column read as a float (see the module docstring)."""
    return cast(column, Float())


@dataclass(frozen=True)
class PlanRow:
    id: int
    year: int
    title: str
    strategy_id: int


class GoalRow(NamedTuple):
    """A goal as progress reads it."""

    id: int
    initiative_id: int | None
    key: str
    label: str | None
    text: str
    kind: GoalKind
    metric: str | None
    unit: Unit | None
    direction: Direction | None
    pace: Pace | None
    baseline_year: int | None
    baseline_value: float | None
    milestone_state: MilestoneState | None
    due_on: date | None
    metric_params: dict[str, Any]  # parsed from the JSON text, the statement's last column


@cache
def _plan_goals_statement() -> Select[*tuple[Any, ...]]:
    """The plan of a year and its goals in position order, in one statement: the plan's
    columns on each goal's row, and one row without a goal for a plan that has none."""
    return (
        select(
            ActionPlan.id,
            ActionPlan.year,
            ActionPlan.title,
            ActionPlan.strategy_id,
            Goal.id,
            Goal.initiative_id,
            Goal.key,
            Goal.label,
            Goal.text,
            Goal.kind,
            Goal.metric,
            Goal.unit,
            Goal.direction,
            Goal.pace,
            Goal.baseline_year,
            _amount(Goal.baseline_value),
            Goal.milestone_state,
            Goal.due_on,
            cast(Goal.metric_params, Text),
        )
        .outerjoin(Goal, Goal.action_plan_id == ActionPlan.id)
        .where(ActionPlan.year == bindparam("year"))
        .order_by(Goal.position, Goal.id)
    )


_PLAN_COLUMNS = 4  # the plan's columns come first on each row of `_plan_goals_statement`


def plan_and_goals(session: Session, year: int) -> tuple[PlanRow, list[GoalRow]] | None:
    """The plan of `year` and its goals in position order; None where there is no plan."""
    rows = _rows(session, _plan_goals_statement(), {"year": year})
    if not rows:
        return None
    plan = PlanRow(*rows[0][:_PLAN_COLUMNS])
    goals = [
        GoalRow._make((*row[_PLAN_COLUMNS:-1], json.loads(row[-1])))
        for row in rows
        if row[_PLAN_COLUMNS] is not None
    ]
    return plan, goals


class TrackRow(NamedTuple):
    """A track with one of the plan's initiatives on it (all None for a track without)."""

    track_id: int
    track_number: int
    track_title: str
    id: int | None
    number: int | None
    title: str | None
    short_title: str | None
    goal_label: str | None
    status: InitiativeStatus | None


@cache
def _tracks_statement() -> Select[*tuple[Any, ...]]:
    """The strategy's tracks in number order, each with the plan's initiatives on it in number
    order: a row per initiative, and one without an initiative for a track that has none."""
    return (
        select(
            Track.id,
            Track.number,
            Track.title,
            Initiative.id,
            Initiative.number,
            Initiative.title,
            Initiative.short_title,
            Initiative.goal_label,
            Initiative.status,
        )
        .join(Objective, Objective.id == Track.objective_id)
        .outerjoin(
            Initiative,
            and_(
                Initiative.track_id == Track.id,
                Initiative.action_plan_id == bindparam("plan_id"),
            ),
        )
        .where(Objective.strategy_id == bindparam("strategy_id"))
        .order_by(Track.number, Track.id, Initiative.number)
    )


def tracks_with_initiatives(session: Session, plan: PlanRow) -> list[TrackRow]:
    """The rows of `_tracks_statement` for the plan."""
    parameters = {"plan_id": plan.id, "strategy_id": plan.strategy_id}
    return [TrackRow(*row) for row in _rows(session, _tracks_statement(), parameters)]


# ------------------------------------------------------ what the goals have: targets, values, words


ID_SPAN = 2**32  # ids are 32-bit integers, so day x ID_SPAN + id orders as (day, id)


def _newest_per_year_ids() -> Select[Any]:
    """The ids of the newest measurement of each measurable goal of the plan in each calendar
    year, up to a date. The newest of a goal's year is the one with the greatest (day, id)
    (NEWEST_FIRST): one pass of grouping finds it as the greatest day x ID_SPAN + id, where
    ranking with a window function would sort all the rows (slower by half in PostgreSQL, by
    two thirds in SQLite). The database picks them, so years of history never travel."""
    newest = func.max(
        cast(DayNumber(Measurement.measured_on), BigInteger) * ID_SPAN + Measurement.id
    )
    return (
        select(newest % ID_SPAN)
        .where(
            Measurement.goal_id.in_(_goal_ids(GoalKind.measurable)),
            Measurement.measured_on <= bindparam("until"),
        )
        .group_by(Measurement.goal_id, Year(Measurement.measured_on))
    )


# The kinds of row of `_goal_data_statement`, in the order a note and a comment of the same day
# are read in.
_TARGET, _MEASUREMENT, _NOTE, _COMMENT = range(4)


@cache
def _goal_data_statement() -> CompoundSelect[Any]:
    """What the plan's goals have, in one statement of one row shape (kind, goal, id, year,
    value, upper, day, text, author, state): their targets, the newest measurement of each
    measurable goal in each calendar year up to a date, milestones' notes (all: their dated
    state history) and goals' comments up to the date. One statement, not four: each would
    cost a round trip, a plan and the driver's and SQLAlchemy's overhead of its own.

    The monthly profile is text: nearly every target has none (a JSON null), and decoding JSON
    for each of them would cost more than the rest of the row. A note's state is text too, made
    a MilestoneState in Python: the column's enum type would convert every row's NULL."""
    no_int, no_amount = cast(null(), Integer()), cast(null(), Float())
    no_text, no_state = cast(null(), Text()), cast(null(), String())
    targets = (
        select(
            literal(_TARGET).label("kind"),
            GoalTarget.goal_id,
            GoalTarget.id,
            GoalTarget.year,
            _amount(GoalTarget.value).label("value"),
            _amount(GoalTarget.upper).label("upper"),
            GoalTarget.due_on.label("day"),
            cast(GoalTarget.monthly_profile, Text).label("text"),
            no_text.label("author"),
            no_state.label("state"),
        )
        .join(Goal, Goal.id == GoalTarget.goal_id)
        .where(Goal.action_plan_id == bindparam("plan_id"))
    )
    measurements = select(
        literal(_MEASUREMENT),
        Measurement.goal_id,
        Measurement.id,
        Year(Measurement.measured_on),
        _amount(Measurement.value),
        no_amount,
        Measurement.measured_on,
        Measurement.comment,
        Measurement.entered_by,
        no_state,
    ).where(Measurement.id.in_(_newest_per_year_ids()))
    notes = select(
        literal(_NOTE),
        MilestoneNote.goal_id,
        MilestoneNote.id,
        no_int,
        no_amount,
        no_amount,
        MilestoneNote.noted_on,
        MilestoneNote.text,
        MilestoneNote.entered_by,
        cast(MilestoneNote.state, String()),
    ).where(MilestoneNote.goal_id.in_(_goal_ids(GoalKind.milestone)))
    comments = select(
        literal(_COMMENT),
        GoalComment.goal_id,
        GoalComment.id,
        no_int,
        no_amount,
        no_amount,
        GoalComment.written_on,
        GoalComment.text,
        GoalComment.author,
        no_state,
    ).where(
        GoalComment.goal_id.in_(_goal_ids()),
        GoalComment.written_on <= bindparam("until"),
    )
    return union_all(targets, measurements, notes, comments)


class MeasurementRow(NamedTuple):
    """The newest measurement of a goal in a calendar year."""

    value: float
    measured_on: date
    comment: str | None
    entered_by: str


class NoteRow(NamedTuple):
    """A milestone's note, or a goal's comment (which has no state)."""

    day: date
    kind: int  # _NOTE or _COMMENT: on the same day a note is read first
    id: int
    goal_id: int
    state: MilestoneState | None
    text: str
    author: str


@dataclass
class GoalData:
    targets: dict[int, dict[int, YearTarget]]  # goal id → year → target
    recorded: dict[tuple[int, int], MeasurementRow]  # (goal id, year) → newest measurement
    notes: dict[int, list[NoteRow]]  # a milestone's notes, oldest first
    comments: dict[int, Comment]  # each goal's newest written status by the date


def goal_data(session: Session, plan: PlanRow, until: date) -> GoalData:
    """The plan's goals' targets and their newest measurement in each calendar year up to
    `until`; milestones' dated state history; and each goal's newest written status by
    `until`: its newest comment or, for a milestone, note (a comment wins a note of the same
    day)."""
    targets: dict[int, dict[int, YearTarget]] = defaultdict(dict)
    recorded: dict[tuple[int, int], MeasurementRow] = {}
    written: list[NoteRow] = []
    parameters = {"plan_id": plan.id, "until": until}
    for kind, goal_id, id_, year, value, upper, day, text, author, state in _rows(
        session, _goal_data_statement(), parameters
    ):
        if kind == _TARGET:
            monthly = None if text is None or text == "null" else json.loads(text)
            targets[goal_id][year] = YearTarget(value, upper, day, monthly)
        elif kind == _MEASUREMENT:
            recorded[goal_id, year] = MeasurementRow(value, day, text, author)
        else:
            note_state = None if state is None else MilestoneState(state)
            written.append(NoteRow(day, kind, id_, goal_id, note_state, text, author))
    notes: dict[int, list[NoteRow]] = defaultdict(list)
    newest: dict[int, NoteRow] = {}
    for note in sorted(written, key=lambda n: (n.day, n.kind, n.id)):  # the newest wins
        if note.kind == _NOTE:
            notes[note.goal_id].append(note)
        if note.day <= until:
            newest[note.goal_id] = note
    comments = {
        goal_id: Comment(text=note.text, written_on=note.day, author=note.author)
        for goal_id, note in newest.items()
    }
    return GoalData(targets, recorded, notes, comments)
