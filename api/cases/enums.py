"""Kinds of case and their decisions."""

from enum import StrEnum


class CaseKind(StrEnum):
    building_permit = "building_permit"  # byggetilladelse
    change_of_use = "change_of_use"  # ændret anvendelse
    demolition = "demolition"  # nedrivning
    other = "other"


class Decision(StrEnum):
    granted = "granted"  # tilladelse
    conditional = "conditional"  # tilladelse med vilkår
    refused = "refused"  # afslag
    withdrawn = "withdrawn"  # trukket tilbage / henlagt
    other = "other"


class ItemOutcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"  # the same as stored: a retry
    stale = "stale"  # older than the stored case (by source_updated_at): not applied
    rejected = "rejected"  # invalid; see the errors


ACCEPTED = frozenset({ItemOutcome.created, ItemOutcome.updated, ItemOutcome.unchanged})
