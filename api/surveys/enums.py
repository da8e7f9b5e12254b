"""Kinds of survey and question, and the scale's words."""

from enum import StrEnum


class SurveyKind(StrEnum):
    baseline = "baseline"  # baselinemåling
    satisfaction = "satisfaction"  # the biennial satisfaction survey
    event_evaluation = "event_evaluation"  # evaluation of one event


SURVEY_KIND_LABELS = {
    SurveyKind.baseline: "baselinemåling",
    SurveyKind.satisfaction: "tilfredshedsmåling",
    SurveyKind.event_evaluation: "evaluering af et arrangement",
}


class QuestionKind(StrEnum):
    scale = "scale"  # 1 (meget lille) … 5 (meget stor)
    yes_no = "yes_no"
    free_text = "free_text"


class RowOutcome(StrEnum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    duplicate = "duplicate"
    rejected = "rejected"


ACCEPTED = frozenset({RowOutcome.created, RowOutcome.updated, RowOutcome.unchanged})

# The scale as the survey tool words it; the first word of each step is what it exports.
SCALE_WORDS = {
    1: ("meget lille", "meget lav", "very low", "very small"),
    2: ("lille", "lav", "low", "small"),
    3: ("nogen", "middel", "hverken stor eller lille", "hverken/eller", "neutral", "medium"),
    4: ("stor", "høj", "high", "large"),
    5: ("meget stor", "meget høj", "very high", "very large"),
}
YES = ("ja", "yes", "j", "y", "1", "true", "sand")
NO = ("nej", "no", "n", "0", "false", "falsk")
NO_ANSWER = ("", "ved ikke", "vil ikke svare", "-", "n/a", "na", "don't know", "dont know")
