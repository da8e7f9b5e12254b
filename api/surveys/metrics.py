"""Survey metrics for goals: the share answering at or above a level, respondents, and the
change against the baseline survey.

The rules, written down once:

- A goal names a question by its key (`ivaerksaettervejledning` …); every survey that asks a
  question with that key counts, so the same question can be asked year after year.
- A survey belongs to a period by its year; a response received after the period's end (the
  evaluation date) does not count yet: received is the day it was submitted, or where the file
  does not say, the day it was imported.
- The share is the scale answers at or above `level` (4 = "stor", so "stor" or "meget stor")
  among all scale answers to the question, in %; "ved ikke" and blank are no answer. A period
  without a single answer has no data (None).
- The change is the share in the period less the share in the newest baseline survey (kind
  `baseline`) of a year up to the period's, in percentage points.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from api.danish import local_day_start
from api.enums import Unit
from api.goals.registry import MetricRequest, register
from api.surveys.enums import SurveyKind
from api.surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

QuestionKeyField = Field(min_length=1, max_length=100, description="The question's key.")


class ShareParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = QuestionKeyField
    level: int = Field(default=4, ge=1, le=5, description="4: 'stor' or 'meget stor'.")
    survey_kind: SurveyKind | None = Field(default=None, description="Only surveys of a kind.")


class RespondentParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(default=None, max_length=100, description="Who answered it.")
    survey_kind: SurveyKind | None = None


def received_by(until: date) -> ColumnElement[bool]:
    """Responses received by the end of `until`: submitted by then, or, undated, imported by
    then (so progress as of a past date never counts an answer that came in later)."""
    return or_(
        SurveyResponse.submitted_on <= until,
        and_(
            SurveyResponse.submitted_on.is_(None),
            SurveyResponse.created_at < local_day_start(until + timedelta(days=1)),
        ),
    )


def _answers(question: str, first_year: int, last_year: int, until: date) -> Select[Any]:
    """Answers to the question in surveys of the years, given by the day `until`."""
    return (
        select(SurveyAnswer.value)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(
            SurveyQuestion.key == question,
            Survey.year.between(first_year, last_year),
            received_by(until),
            SurveyAnswer.value.is_not(None),
        )
    )


def _share_columns(level: int) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return (
        func.count(SurveyAnswer.value),
        func.sum(case((SurveyAnswer.value >= level, 1), else_=0)),
    )


def _share(high: Any, answered: Any) -> float | None:
    return round(100 * float(high or 0) / answered, 1) if answered else None


class SurveyShareMetric:
    key: ClassVar[str] = "survey_share_at_least"
    title: ClassVar[str] = "Andel svar på eller over et niveau"
    description: ClassVar[str] = (
        "Andel (%) af svarene på et spørgsmål (efter nøgle) i årets undersøgelser, der ligger på "
        "eller over niveauet på skalaen 1-5 (4: stor eller meget stor)."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.percent})
    params_model: ClassVar[type[BaseModel]] = ShareParams
    reads_measurements: ClassVar[bool] = False

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        parts = []
        for index, request in enumerate(requests):
            assert isinstance(request.params, ShareParams)
            params = request.params
            query = _answers(params.question, request.start.year, request.end.year, request.end)
            if params.survey_kind is not None:
                query = query.where(Survey.kind == params.survey_kind)
            parts.append(query.with_only_columns(literal(index), *_share_columns(params.level)))
        values: list[float | None] = [None] * len(requests)
        for index, answered, high in session.execute(union_all(*parts)):
            values[index] = _share(high, answered)
        return values


class SurveyChangeMetric:
    key: ClassVar[str] = "survey_change_vs_baseline"
    title: ClassVar[str] = "Ændring mod baselinemålingen"
    description: ClassVar[str] = (
        "Andelen på eller over niveauet i årets undersøgelser minus andelen i den seneste "
        "baselinemåling, i procentpoint."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.percent})
    params_model: ClassVar[type[BaseModel]] = ShareParams
    reads_measurements: ClassVar[bool] = False

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        values: list[float | None] = []
        share = SurveyShareMetric()
        for request in requests:
            assert isinstance(request.params, ShareParams)
            params = request.params
            now = share.compute(session, [request])[0]
            baseline_year = session.scalar(
                select(func.max(Survey.year))
                .join(SurveyQuestion, SurveyQuestion.survey_id == Survey.id)
                .where(
                    Survey.kind == SurveyKind.baseline,
                    SurveyQuestion.key == params.question,
                    Survey.year <= request.end.year,
                )
            )
            if now is None or baseline_year is None:
                values.append(None)
                continue
            base_query = _answers(params.question, baseline_year, baseline_year, request.end)
            answered, high = session.execute(
                base_query.where(Survey.kind == SurveyKind.baseline).with_only_columns(
                    *_share_columns(params.level)
                )
            ).one()
            base = _share(high, answered)
            values.append(None if base is None else round(now - base, 1))
        return values


class SurveyRespondentsMetric:
    key: ClassVar[str] = "survey_respondents"
    title: ClassVar[str] = "Besvarelser"
    description: ClassVar[str] = (
        "Antal besvarelser i årets undersøgelser (af en slags, eller dem der har besvaret et "
        "bestemt spørgsmål)."
    )
    units: ClassVar[frozenset[Unit]] = frozenset({Unit.count})
    params_model: ClassVar[type[BaseModel]] = RespondentParams
    reads_measurements: ClassVar[bool] = False

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        values: list[float | None] = []
        for request in requests:
            assert isinstance(request.params, RespondentParams)
            params = request.params
            conditions = [
                Survey.year.between(request.start.year, request.end.year),
                received_by(request.end),
            ]
            if params.survey_kind is not None:
                conditions.append(Survey.kind == params.survey_kind)
            if params.question is not None:
                answered = (
                    select(SurveyAnswer.response_id)
                    .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
                    .where(SurveyQuestion.key == params.question)
                )
                conditions.append(SurveyResponse.id.in_(answered))
            count = session.scalar(
                select(func.count())
                .select_from(SurveyResponse)
                .join(Survey, Survey.id == SurveyResponse.survey_id)
                .where(and_(*conditions))
            )
            values.append(float(count) if count else None)
        return values


for _metric in (SurveyShareMetric(), SurveyChangeMetric(), SurveyRespondentsMetric()):
    register(_metric)
