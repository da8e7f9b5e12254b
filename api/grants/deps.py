"""Loader for routes that take a grant programme's id: the programme, or 404."""

from typing import Annotated

from fastapi import Depends

from api.grants import service
from api.grants.models import GrantProgramme
from api.kit.common import Id
from api.kit.db import SessionDep


def _programme(session: SessionDep, programme_id: Id) -> GrantProgramme:
    return service.get_programme(session, programme_id)


ProgrammeDep = Annotated[GrantProgramme, Depends(_programme)]
