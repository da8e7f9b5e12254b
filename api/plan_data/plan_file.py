"""The plan file format (YAML): its schema, and parsing that reports errors by field and line."""

from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from api.events.enums import EventKind
from api.goals.schemas import GOAL_KEY_PATTERN, GoalDefinition
from api.plans.enums import InitiativeStatus, PlanStatus

FORMAT: Final = "erhverv-lejre-plan/1"


class FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackIn(FileModel):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""


class ObjectiveIn(FileModel):
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    track: TrackIn


class StrategyIn(FileModel):
    name: str = Field(min_length=1, max_length=200)
    start_year: int = Field(ge=1900, le=2200)
    end_year: int = Field(ge=1900, le=2200)
    adopted_by: str | None = None
    adopted: str | None = None
    description: str = ""
    objectives: list[ObjectiveIn] = Field(min_length=1)


class OrganizationIn(FileModel):
    name: str = Field(min_length=1, max_length=200)


class MeasurementIn(FileModel):
    measured_on: date
    value: float
    comment: str | None = None


class GoalIn(GoalDefinition):
    key: str = Field(pattern=GOAL_KEY_PATTERN, max_length=100)
    measurements: list[MeasurementIn] = Field(default_factory=list)


class InitiativeIn(FileModel):
    track: int = Field(ge=1, description="The track's number.")
    number: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=300)
    short_title: str | None = Field(default=None, max_length=300)
    goal_label: str | None = Field(default=None, max_length=300)
    description: str = ""
    status: InitiativeStatus = InitiativeStatus.planned
    responsible: str | None = Field(default=None, max_length=200)
    partners: list[str] = Field(default_factory=list)
    goals: list[GoalIn] = Field(default_factory=list)


class PlanSeriesIn(FileModel):
    """An event series the plan's goals and events refer to by its key."""

    key: str = Field(pattern=GOAL_KEY_PATTERN, max_length=100)
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None


class PlanEventIn(FileModel):
    """An event the plan itself dates: with a month only (tentative) or with days."""

    key: str = Field(pattern=GOAL_KEY_PATTERN, max_length=100)
    title: str = Field(min_length=1, max_length=300)
    kind: EventKind
    description: str = ""
    series: str | None = Field(
        default=None, pattern=GOAL_KEY_PATTERN, max_length=100, description="A key of plan.series."
    )
    initiative: str | None = Field(
        default=None, pattern=r"^\d+\.\d+$", description="The initiative's code, e.g. '3.5'."
    )
    month: str | None = Field(
        default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM: date not fixed."
    )
    starts_on: date | None = None
    ends_on: date | None = None

    @model_validator(mode="after")
    def _when(self) -> Self:
        if (self.month is None) == (self.starts_on is None):
            raise ValueError("give either month (date not fixed yet) or starts_on")
        if self.month is not None and self.ends_on is not None:
            raise ValueError("ends_on goes with starts_on, not with month")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class PlanIn(FileModel):
    year: int = Field(ge=1900, le=2200)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    approval_body: str | None = None
    status: PlanStatus = PlanStatus.draft
    approved_on: date | None = None
    approved_by: str | None = None
    series: list[PlanSeriesIn] = Field(
        default_factory=list,
        description="The event series the goals (metric_params.series) and events refer to.",
    )
    goals: list[GoalIn] = Field(default_factory=list)
    initiatives: list[InitiativeIn] = Field(default_factory=list)
    events: list[PlanEventIn] = Field(
        default_factory=list, description="Only events the plan itself dates."
    )


class PlanFile(FileModel):
    format: Literal["erhverv-lejre-plan/1"]
    strategy: StrategyIn
    organizations: list[OrganizationIn] = Field(default_factory=list)
    plan: PlanIn


@dataclass(frozen=True)
class FileError:
    field: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}, " if self.line else ""
        return f"{where}{self.field or '(file)'}: {self.message}"


class PlanFileError(ValueError):
    """The file is not a valid plan; `errors` says where."""

    def __init__(self, errors: list[FileError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice instead of silently keeping the last."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a validation error's location through the YAML tree to a line number."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            match = node.value[part] if part < len(node.value) else None
        else:
            match = None
        if match is None:
            break
        node = match
        line = node.start_mark.line + 1
    return line


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_plan_file(text: str) -> PlanFile:
    """Parse and validate a plan file, or raise PlanFileError naming field and line."""
    try:
        root = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlanFileError([FileError("", line, str(exc.problem or exc))]) from None
    except yaml.YAMLError as exc:
        raise PlanFileError([FileError("", None, str(exc))]) from None
    if not isinstance(data, dict):
        raise PlanFileError([FileError("", 1, "the file must be a YAML mapping")])
    try:
        plan_file = PlanFile.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            message = err["msg"].removeprefix("Value error, ")
            errors.append(FileError(_field(loc), _line_of(root, loc), message))
        raise PlanFileError(errors) from None
    problems = check_references(plan_file)
    if problems:
        raise PlanFileError([FileError(_field(loc), _line_of(root, loc), m) for loc, m in problems])
    return plan_file


def check_references(plan_file: PlanFile) -> list[tuple[tuple[Any, ...], str]]:
    """The rules across sections: numbers unique, references resolve, keys unique."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    strategy, plan = plan_file.strategy, plan_file.plan
    if strategy.end_year < strategy.start_year:
        problems.append((("strategy", "end_year"), "end_year is before start_year"))
    if not strategy.start_year <= plan.year <= strategy.end_year:
        problems.append(
            (
                ("plan", "year"),
                f"{plan.year} is outside the strategy's years "
                f"{strategy.start_year}-{strategy.end_year}",
            )
        )
    track_numbers: set[int] = set()
    for i, objective in enumerate(strategy.objectives):
        if objective.track.number in track_numbers:
            problems.append((("strategy", "objectives", i, "track", "number"), "duplicate track"))
        track_numbers.add(objective.track.number)
    names = [o.name for o in plan_file.organizations]
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append((("organizations", i, "name"), f"organisation {name!r} listed twice"))
    keys: set[str] = set()
    for i, goal in enumerate(plan.goals):
        problems += _goal_key_problem(keys, goal.key, ("plan", "goals", i, "key"))
    seen: set[tuple[int, int]] = set()
    for i, initiative in enumerate(plan.initiatives):
        loc = ("plan", "initiatives", i)
        if initiative.track not in track_numbers:
            problems.append(((*loc, "track"), f"no track number {initiative.track}"))
        if (initiative.track, initiative.number) in seen:
            problems.append(
                ((*loc, "number"), f"initiative {initiative.track}.{initiative.number} twice")
            )
        seen.add((initiative.track, initiative.number))
        for j, partner in enumerate(initiative.partners):
            if partner not in names:
                problems.append(((*loc, "partners", j), f"{partner!r} is not in organizations"))
        for j, goal in enumerate(initiative.goals):
            problems += _goal_key_problem(keys, goal.key, (*loc, "goals", j, "key"))
    problems += _series_problems(plan)
    codes = {f"{i.track}.{i.number}" for i in plan.initiatives}
    event_keys: set[str] = set()
    for i, event in enumerate(plan.events):
        if event.initiative is not None and event.initiative not in codes:
            problems.append(
                (("plan", "events", i, "initiative"), f"no initiative {event.initiative}")
            )
        if event.key in event_keys:
            problems.append((("plan", "events", i, "key"), f"event key {event.key!r} twice"))
        event_keys.add(event.key)
    return problems


def _series_problems(plan: PlanIn) -> list[tuple[tuple[Any, ...], str]]:
    """Series keys and names unique; every series a goal or event names is declared."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    keys: set[str] = set()
    names: set[str] = set()
    for i, series in enumerate(plan.series):
        if series.key in keys:
            problems.append(
                (("plan", "series", i, "key"), f"seriens nøgle {series.key!r} står to gange")
            )
        if series.name.casefold() in names:
            problems.append(
                (("plan", "series", i, "name"), f"seriens navn {series.name!r} står to gange")
            )
        keys.add(series.key)
        names.add(series.name.casefold())
    goals: list[tuple[tuple[Any, ...], GoalIn]] = [
        (("plan", "goals", j), g) for j, g in enumerate(plan.goals)
    ]
    for i, initiative in enumerate(plan.initiatives):
        goals += [
            (("plan", "initiatives", i, "goals", j), g) for j, g in enumerate(initiative.goals)
        ]
    used = [((*loc, "metric_params", "series"), g.metric_params.get("series")) for loc, g in goals]
    used += [(("plan", "events", i, "series"), e.series) for i, e in enumerate(plan.events)]
    for loc, key in used:
        if key is not None and key not in keys:
            problems.append((loc, f"serien {key!r} står ikke i plan.series"))
    return problems


def _goal_key_problem(
    keys: set[str], key: str, loc: tuple[Any, ...]
) -> list[tuple[tuple[Any, ...], str]]:
    if key in keys:
        return [(loc, f"goal key {key!r} is used twice")]
    keys.add(key)
    return []


def dump_plan_file(plan_file: PlanFile) -> str:
    data = plan_file.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
