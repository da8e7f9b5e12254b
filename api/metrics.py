"""Every domain's metrics module, listed once: importing this registers each metric, its
reference checks and its planner with the goal registry (`api.goals.registry`). The composition
roots import it (`api.main`, `api.cli`); the registry itself never imports a domain."""

from api.cases import metrics as cases_metrics
from api.events import metrics as events_metrics
from api.events import planned as events_calendar
from api.events import rhythm as events_rhythm
from api.goals import metrics as goals_metrics
from api.grants import metrics as grants_metrics
from api.surveys import metrics as surveys_metrics

__all__ = [
    "cases_metrics",
    "events_calendar",
    "events_metrics",
    "events_rhythm",
    "goals_metrics",
    "grants_metrics",
    "surveys_metrics",
]
