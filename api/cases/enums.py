"""Kinds of case and their decisions."""

from enum import StrEnum


class CaseKind(StrEnum):
    building_permit = "building_permit"  # byggetilladelse
    change_of_use = "change_of_use"  # ændret anvendelse
    demolition = "demolition"  # nedrivning
    other = "other"


# One case of a kind, as staff say it (contributions name each case by it).
CASE_KIND_LABELS = {
    CaseKind.building_permit: "Byggesag",
    CaseKind.change_of_use: "Sag om ændret anvendelse",
    CaseKind.demolition: "Nedrivningssag",
    CaseKind.other: "Anden sag",
}


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
