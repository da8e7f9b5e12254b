"""Grant themes and the outcomes an import row can have."""

from enum import StrEnum


class GrantTheme(StrEnum):
    climate = "climate"
    digital = "digital"
    growth = "growth"
    competence = "competence"
    other = "other"


class RowOutcome(StrEnum):
    created = "created"  # a new grant
    updated = "updated"  # a known grant whose amount, company, programme or date changed
    unchanged = "unchanged"  # a known grant, as stored
    duplicate = "duplicate"  # the same grant as an earlier row of the file: not applied
    rejected = "rejected"  # invalid; see the messages


ACCEPTED = frozenset({RowOutcome.created, RowOutcome.updated, RowOutcome.unchanged})
