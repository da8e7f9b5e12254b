"""Surveys and their results: plain functions over a Session."""

from collections import Counter, defaultdict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from api.events.models import Event
from api.kit.errors import ConflictError, NotFoundError, unknown_reference
from api.surveys.enums import QuestionKind, SurveyKind
from api.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyImport,
    SurveyQuestion,
    SurveyResponse,
)
from api.surveys.schemas import QuestionResult, SurveyCreate, SurveyResults, SurveyUpdate

LEVEL_STOR = 4  # "stor" on the 1–5 scale; "meget stor" is 5


def list_surveys_query(year: int | None = None, kind: SurveyKind | None = None) -> Select[Survey]:
    query = (
        select(Survey)
        .options(selectinload(Survey.questions))
        .order_by(Survey.year.desc(), Survey.title, Survey.id)
    )
    if year is not None:
        query = query.where(Survey.year == year)
    if kind is not None:
        query = query.where(Survey.kind == kind)
    return query


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"No survey with id {survey_id}.")
    return survey


def respondents(session: Session, survey_ids: list[int]) -> dict[int, int]:
    if not survey_ids:
        return {}
    query = (
        select(SurveyResponse.survey_id, func.count())
        .where(SurveyResponse.survey_id.in_(survey_ids))
        .group_by(SurveyResponse.survey_id)
    )
    return {survey_id: count for survey_id, count in session.execute(query)}


def _check_event(session: Session, event_id: int | None) -> None:
    if event_id is not None and session.get(Event, event_id) is None:
        raise unknown_reference("event_id", f"der findes intet arrangement med id {event_id}")


def create_survey(session: Session, data: SurveyCreate) -> Survey:
    _check_event(session, data.event_id)
    survey = Survey(
        title=data.title,
        year=data.year,
        kind=data.kind,
        event_id=data.event_id,
        description=data.description,
        questions=[
            SurveyQuestion(position=n, key=q.key, text=q.text, kind=q.kind)
            for n, q in enumerate(data.questions, start=1)
        ],
    )
    session.add(survey)
    session.flush()
    return survey


def update_survey(session: Session, survey: Survey, data: SurveyUpdate) -> Survey:
    changes = data.model_dump(exclude_unset=True)
    if "event_id" in changes:
        _check_event(session, changes["event_id"])
    for name, value in changes.items():
        setattr(survey, name, value)
    session.flush()
    return survey


def delete_survey(session: Session, survey: Survey) -> None:
    """Only a survey without answers goes; one with answers is part of the goals' history."""
    if respondents(session, [survey.id]).get(survey.id):
        raise ConflictError(
            f"The survey {survey.title!r} has answers; it is kept as the goals' evidence."
        )
    session.delete(survey)
    session.flush()


def list_imports_query(survey_id: int) -> Select[SurveyImport]:
    return (
        select(SurveyImport)
        .where(SurveyImport.survey_id == survey_id)
        .order_by(SurveyImport.imported_at.desc(), SurveyImport.id.desc())
    )


def results(session: Session, survey: Survey, *, with_texts: bool) -> SurveyResults:
    """Per question: the answers' distribution, the share at 'stor' or above, yes share."""
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    texts: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.value, SurveyAnswer.text)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyAnswer.response_id)
    )
    for question_id, value, text in rows:
        if value is not None:
            counts[question_id][value] += 1
        if text:
            texts[question_id].append(text)
    span = session.execute(
        select(
            func.count(),
            func.min(SurveyResponse.submitted_on),
            func.max(SurveyResponse.submitted_on),
        ).where(SurveyResponse.survey_id == survey.id)
    ).one()
    questions = []
    for question in survey.questions:
        given = counts[question.id]
        total = sum(given.values())
        scale = question.kind is QuestionKind.scale
        yes_no = question.kind is QuestionKind.yes_no
        high = sum(n for value, n in given.items() if value >= LEVEL_STOR)
        questions.append(
            QuestionResult(
                key=question.key,
                text=question.text,
                kind=question.kind,
                answers=total
                if question.kind is not QuestionKind.free_text
                else len(texts[question.id]),
                distribution=(
                    {str(v): given[v] for v in range(1, 6)}
                    if scale
                    else {"ja": given[1], "nej": given[0]}
                    if yes_no
                    else {}
                ),
                share_at_least_stor=_share(high, total) if scale else None,
                share_yes=_share(given[1], total) if yes_no else None,
                texts=texts[question.id] if with_texts else [],
            )
        )
    return SurveyResults(
        survey_id=survey.id,
        respondents=span[0],
        submitted_from=span[1],
        submitted_to=span[2],
        questions=questions,
    )


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
