"""The plan's and its initiatives' states."""

from enum import StrEnum


class PlanStatus(StrEnum):
    draft = "draft"
    approved = "approved"


class InitiativeStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"
