"""The committee report as plain data: every goal of a plan at a date, grouped as the plan is.

`build_report` turns the plan's progress into a `Report`; `api.reports.html` and
`api.reports.xlsx` lay it out. Values stay numbers here; each layout formats them its own way.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from babel.dates import format_date
from sqlalchemy.orm import Session

from api.goals.enums import Direction, GoalKind, Pace, Unit
from api.goals.formatting import LOCALE, format_day, format_value
from api.goals.progress import plan_progress
from api.goals.progress_schemas import GoalProgress, PlanProgress, StatusCounts
from api.goals.rules import YearTarget, describe_target
from api.plans.models import ActionPlan
from api.reports.basis import GoalBasis, plan_basis

ORGANISATION = "Erhverv Lejre"
PLAN_LEVEL = "Hele planen"  # the "track" of the plan-level goals
NO_VALUE = "–"

# Every status a goal can have, in the order a summary lists them: the measurable goals'
# (api.goals.rules.Status), then the milestones' states (api.goals.enums.MilestoneState).
STATUS_LABELS = {
    "achieved": "Nået",
    "on_track": "På sporet",
    "at_risk": "I risiko",
    "off_track": "Bagud",
    "not_due": "Ikke forfalden",
    "overdue": "Overskredet",
    "no_data": "Ingen data",
    "no_target": "Intet mål",
    "not_started": "Ikke startet",
    "in_progress": "I gang",
    "done": "Gennemført",
    "dropped": "Opgivet",
}
# The colour that goes with each label (never instead of it): good, watch, bad, open, none.
STATUS_TONES = {
    "achieved": "good",
    "on_track": "good",
    "at_risk": "watch",
    "off_track": "bad",
    "not_due": "open",
    "overdue": "bad",
    "no_data": "none",
    "no_target": "none",
    "not_started": "open",
    "in_progress": "open",
    "done": "good",
    "dropped": "none",
}
UNIT_NAMES = {Unit.dkk: "kr.", Unit.percent: "%", Unit.count: "antal"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def format_long_day(day: date) -> str:
    """2026-11-26 → '26. november 2026'."""
    return format_date(day, format="d. MMMM y", locale=LOCALE)


def display(value: float | None, unit: Unit | None) -> str:
    """A value as the report prints it: '3.000.000 kr.', '80 %', '6', or a dash for none."""
    return NO_VALUE if value is None else format_value(value, unit)


@dataclass(frozen=True)
class ReportGoal:
    key: str
    track: str  # "Spor 1: Klimaomstilling", or PLAN_LEVEL
    initiative: str  # "1.1 Vejledning om tilskudsmuligheder", or "" at plan level
    label: str | None
    text: str
    kind: GoalKind
    unit: Unit | None
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_upper: float | None
    direction: Direction | None
    pace: Pace | None
    actual: float | None
    status: str
    explanation: str

    @property
    def wording(self) -> str:
        """The goal as one text: its label, if any, before its own words."""
        return f"{self.label}: {self.text}" if self.label else self.text

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def tone(self) -> str:
        return STATUS_TONES.get(self.status, "none")

    @property
    def baseline_text(self) -> str:
        if self.baseline is None:
            return NO_VALUE
        if self.baseline_year is None:
            return display(self.baseline, self.unit)
        return f"{display(self.baseline, self.unit)} ({self.baseline_year})"

    @property
    def target_text(self) -> str:
        if self.target is None or self.unit is None or self.direction is None:
            return NO_VALUE if self.pace is not Pace.monthly else "Hver måned"
        return describe_target(
            YearTarget(self.target, self.target_upper), self.unit, self.direction
        )

    @property
    def actual_text(self) -> str:
        return display(self.actual, self.unit)


@dataclass(frozen=True)
class ReportInitiative:
    code: str  # "1.1"
    title: str
    goals: list[ReportGoal]

    @property
    def heading(self) -> str:
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class ReportTrack:
    number: int
    title: str
    initiatives: list[ReportInitiative]

    @property
    def heading(self) -> str:
        return f"Spor {self.number}: {self.title}"


@dataclass(frozen=True)
class FigureYear:
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class Figure:
    """A plan-level figure ("Tilskudsmidler") with its target and actual for each year."""

    key: str
    name: str
    text: str
    unit: Unit | None
    years: dict[int, FigureYear]

    @property
    def unit_name(self) -> str:
        return UNIT_NAMES.get(self.unit, "") if self.unit else ""

    # The table names the unit once, by the figure; its cells hold bare numbers.
    def target_text(self, year: int) -> str:
        point = self.years.get(year)
        return display(point.target if point else None, None)

    def actual_text(self, year: int) -> str:
        point = self.years.get(year)
        return display(point.actual if point else None, None)


@dataclass(frozen=True)
class StatusCount:
    status: str
    status_label: str
    tone: str
    count: int


@dataclass(frozen=True)
class Report:
    year: int
    title: str  # "Status på Handlingsplan for 2026 – Erhverv Lejre"
    subtitle: str  # the strategy and the body the plan answers to, where known
    evaluated_on: date
    summary: list[StatusCount]
    total: int
    figure_years: list[int]
    figures: list[Figure]
    plan_goals: list[ReportGoal]
    tracks: list[ReportTrack] = field(default_factory=list)
    basis: list[GoalBasis] = field(default_factory=list)  # the appendix

    @property
    def evaluated_on_text(self) -> str:
        return format_long_day(self.evaluated_on)

    @property
    def goals(self) -> list[ReportGoal]:
        """Every goal of the plan: plan-level first, then by track and initiative."""
        tracked = [g for t in self.tracks for i in t.initiatives for g in i.goals]
        return [*self.plan_goals, *tracked]


def plan_report(session: Session, plan: ActionPlan, evaluated_on: date) -> Report:
    """The report of `plan` as it stands at `evaluated_on`."""
    progress = plan_progress(session, plan.year, evaluated_on)
    parts = [plan.strategy.name if plan.strategy else None, plan.approval_body]
    report = build_report(progress, subtitle=" · ".join(p for p in parts if p))
    return replace(report, basis=plan_basis(session, plan, evaluated_on))


def build_report(progress: PlanProgress, *, subtitle: str = "") -> Report:
    plan_goals = [_goal(g, PLAN_LEVEL, "") for g in progress.goals]
    tracks = []
    for track in progress.tracks:
        heading = f"Spor {track.number}: {track.title}"
        initiatives = [
            ReportInitiative(
                code=initiative.code,
                title=initiative.title,
                goals=[
                    _goal(g, heading, f"{initiative.code} {initiative.title}")
                    for g in initiative.goals
                ],
            )
            for initiative in track.initiatives
        ]
        tracks.append(ReportTrack(number=track.number, title=track.title, initiatives=initiatives))
    figures = [_figure(g) for g in progress.goals if g.kind is GoalKind.measurable]
    return Report(
        year=progress.year,
        title=f"Status på {progress.title} – {ORGANISATION}",
        subtitle=subtitle,
        evaluated_on=progress.evaluated_on,
        summary=_summary(progress.summary),
        total=progress.summary.total,
        figure_years=sorted({year for f in figures for year in f.years}),
        figures=figures,
        plan_goals=plan_goals,
        tracks=tracks,
    )


def _goal(goal: GoalProgress, track: str, initiative: str) -> ReportGoal:
    return ReportGoal(
        key=goal.key,
        track=track,
        initiative=initiative,
        label=goal.label,
        text=goal.text,
        kind=goal.kind,
        unit=goal.unit,
        baseline=goal.baseline.value if goal.baseline else None,
        baseline_year=goal.baseline.year if goal.baseline else None,
        target=goal.target,
        target_upper=goal.target_upper,
        direction=goal.direction,
        pace=goal.pace,
        actual=goal.actual,
        status=goal.status,
        explanation=_explanation(goal),
    )


NO_COMMENT = "Ingen kommentar fra den ansvarlige."


def _explanation(goal: GoalProgress) -> str:
    """The status's own explanation; with the comment of the measurement the actual comes from;
    and where the goal is at risk, off track or overdue, the written status (or its absence)."""
    text = goal.explanation
    if goal.comment_needed:
        comment = goal.comment
        written = (
            f"Status fra {comment.author} {format_day(comment.written_on)}: {comment.text}"
            if comment
            else NO_COMMENT
        )
        text = f"{text} {written}"
    recorded = goal.recorded
    if goal.actual_source == "measurement" and recorded is not None and recorded.comment:
        text = f"{text} Kommentar: {recorded.comment}"
    return text


def _figure(goal: GoalProgress) -> Figure:
    return Figure(
        key=goal.key,
        name=goal.label or goal.text,
        text=goal.text,
        unit=goal.unit,
        years={p["year"]: FigureYear(p["target"], p["actual"]) for p in goal.series},
    )


def _summary(counts: StatusCounts) -> list[StatusCount]:
    """The statuses that occur, in STATUS_LABELS order, with how many goals have each."""
    return [
        StatusCount(status, label, STATUS_TONES[status], getattr(counts, status))
        for status, label in STATUS_LABELS.items()
        if getattr(counts, status)
    ]


def report_filename(year: int, evaluated_on: date, extension: str) -> str:
    """handlingsplan-2026-status-2026-11-26.xlsx"""
    return f"handlingsplan-{year}-status-{evaluated_on.isoformat()}.{extension}"
