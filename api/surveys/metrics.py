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
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from api.goals.enums import Unit
from api.goals.formatting import format_day
from api.goals.registry import Aggregation, Contribution, MetricRequest, register
from api.kit.danish import local_day, local_day_start
from api.surveys.enums import SCALE_WORDS, SURVEY_KIND_LABELS, SurveyKind
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


def _share_answers(params: ShareParams, request: MetricRequest) -> Select[Any]:
    """The answers a share of the period counts."""
    query = _answers(params.question, request.start.year, request.end.year, request.end)
    if params.survey_kind is not None:
        query = query.where(Survey.kind == params.survey_kind)
    return query


def _baseline_year(session: Session, params: ShareParams, request: MetricRequest) -> int | None:
    """The year of the newest baseline survey asking the question, up to the period's."""
    return session.scalar(
        select(func.max(Survey.year))
        .join(SurveyQuestion, SurveyQuestion.survey_id == Survey.id)
        .where(
            Survey.kind == SurveyKind.baseline,
            SurveyQuestion.key == params.question,
            Survey.year <= request.end.year,
        )
    )


def _baseline_answers(params: ShareParams, year: int, request: MetricRequest) -> Select[Any]:
    return _answers(params.question, year, year, request.end).where(
        Survey.kind == SurveyKind.baseline
    )


def _respondents(params: RespondentParams, request: MetricRequest) -> ColumnElement[bool]:
    """The responses the period counts, as a condition on SurveyResponse joined to Survey."""
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
    return and_(*conditions)


def _share_columns(level: int) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return (
        func.count(SurveyAnswer.value),
        func.sum(case((SurveyAnswer.value >= level, 1), else_=0)),
    )


def _share(high: Any, answered: Any) -> float | None:
    return round(100 * float(high or 0) / answered, 1) if answered else None


# ------------------------------------------------------------------------- contributions


def _seen(*columns: Any) -> Select[Any]:
    """Responses with their survey: what the metrics look at, before their rules."""
    received = SurveyResponse.submitted_on, SurveyResponse.created_at
    return (
        select(SurveyResponse.id, Survey.title, Survey.kind, *received, *columns)
        .select_from(SurveyResponse)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .order_by(SurveyResponse.id)
    )


def _received_on(row: Any) -> date:
    return row.submitted_on or local_day(row.created_at)


def _not_counted(row: Any, kind: SurveyKind | None, end: date, otherwise: str) -> str:
    """Why a response the metric looked at does not count (its rule already said it does not)."""
    if kind is not None and row.kind is not kind:
        wanted, actual = SURVEY_KIND_LABELS[kind], SURVEY_KIND_LABELS[row.kind]
        return f"Undersøgelsen er en {actual}, ikke en {wanted}"
    received = _received_on(row)
    if received > end:
        return f"Modtaget {format_day(received)}, efter {format_day(end)}"
    return otherwise


def _scale(value: int) -> str:
    return f"{value} ({SCALE_WORDS[value][0]})" if value in SCALE_WORDS else str(value)


def _answer_items(
    session: Session,
    params: ShareParams,
    counting: Select[Any],
    seen: Select[Any],
    end: date,
    group: str | None = None,
) -> list[Contribution]:
    """The answers `seen` found, counted where `counting` (the metric's own query) has them."""
    counted = set(session.scalars(counting.with_only_columns(SurveyAnswer.response_id)))
    kind = SurveyKind.baseline if group == "baseline" else params.survey_kind
    items = []
    for row in session.execute(seen):
        label = f"{row.title}, besvarelse {row.id}"
        if row.id in counted:
            high = row.value >= params.level
            where = "på eller over" if high else "under"
            reason = f"Svar {_scale(row.value)}: {where} {_scale(params.level)}"
        else:
            no_answer = "Intet svar på skalaen (ved ikke eller blankt)"
            reason, high = _not_counted(row, kind, end, no_answer), False
        day = _received_on(row)
        items.append(
            Contribution(
                "survey_answer", row.id, day, label, float(high), row.id in counted, reason, group
            )
        )
    return items


def _answers_seen(question: str, first_year: int, last_year: int) -> Select[Any]:
    return (
        _seen(SurveyAnswer.value)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.key == question, Survey.year.between(first_year, last_year))
    )


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
    aggregation: ClassVar[Aggregation] = "share"

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        if not requests:
            return []
        parts = []
        for index, request in enumerate(requests):
            assert isinstance(request.params, ShareParams)
            params = request.params
            query = _share_answers(params, request)
            parts.append(query.with_only_columns(literal(index), *_share_columns(params.level)))
        values: list[float | None] = [None] * len(requests)
        for index, answered, high in session.execute(union_all(*parts)):
            values[index] = _share(high, answered)
        return values

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """Each answer to the question in the period's surveys: 1 at or above the level, else 0."""
        assert isinstance(request.params, ShareParams)
        params = request.params
        seen = _answers_seen(params.question, request.start.year, request.end.year)
        counting = _share_answers(params, request)
        return _answer_items(session, params, counting, seen, request.end)


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
    aggregation: ClassVar[Aggregation] = "change"

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        values: list[float | None] = []
        share = SurveyShareMetric()
        for request in requests:
            assert isinstance(request.params, ShareParams)
            params = request.params
            now = share.compute(session, [request])[0]
            baseline_year = _baseline_year(session, params, request)
            if now is None or baseline_year is None:
                values.append(None)
                continue
            base_query = _baseline_answers(params, baseline_year, request)
            answered, high = session.execute(
                base_query.with_only_columns(*_share_columns(params.level))
            ).one()
            base = _share(high, answered)
            values.append(None if base is None else round(now - base, 1))
        return values

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """The period's answers (group "period") and the baseline survey's ("baseline")."""
        assert isinstance(request.params, ShareParams)
        params = request.params
        items = SurveyShareMetric().contributions(session, request)
        items = [replace(item, group="period") for item in items]
        year = _baseline_year(session, params, request)
        if year is not None:
            seen = _answers_seen(params.question, year, year).where(
                Survey.kind == SurveyKind.baseline
            )
            counting = _baseline_answers(params, year, request)
            items += _answer_items(session, params, counting, seen, request.end, "baseline")
        return items


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
    aggregation: ClassVar[Aggregation] = "sum"

    def compute(self, session: Session, requests: Sequence[MetricRequest]) -> list[float | None]:
        values: list[float | None] = []
        for request in requests:
            assert isinstance(request.params, RespondentParams)
            count = session.scalar(
                select(func.count())
                .select_from(SurveyResponse)
                .join(Survey, Survey.id == SurveyResponse.survey_id)
                .where(_respondents(request.params, request))
            )
            values.append(float(count) if count else None)
        return values

    def contributions(self, session: Session, request: MetricRequest) -> list[Contribution]:
        """Each response to the period's surveys: 1 where it counts."""
        assert isinstance(request.params, RespondentParams)
        params = request.params
        counted = _respondents(params, request)
        seen = _seen(case((counted, True), else_=False).label("counted")).where(
            Survey.year.between(request.start.year, request.end.year)
        )
        unanswered = f"Har ikke besvaret spørgsmålet '{params.question}'"
        return [
            Contribution(
                "survey_response",
                row.id,
                _received_on(row),
                f"{row.title}, besvarelse {row.id}",
                1.0,
                bool(row.counted),
                "Besvarelse modtaget " + format_day(_received_on(row))
                if row.counted
                else _not_counted(row, params.survey_kind, request.end, unanswered),
            )
            for row in session.execute(seen)
        ]


for _metric in (SurveyShareMetric(), SurveyChangeMetric(), SurveyRespondentsMetric()):
    register(_metric)
