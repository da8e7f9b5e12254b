"""Loader for routes that take a survey's id: the survey, or 404."""

from typing import Annotated

from fastapi import Depends

from api.kit.common import Id
from api.kit.db import SessionDep
from api.surveys import service
from api.surveys.models import Survey


def _survey(session: SessionDep, survey_id: Id) -> Survey:
    return service.get_survey(session, survey_id)


SurveyDep = Annotated[Survey, Depends(_survey)]
