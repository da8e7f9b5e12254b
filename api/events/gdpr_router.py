"""HTTP layer of GDPR: a person's data as a download, and erasure by anonymising."""

from typing import Any

from fastapi import APIRouter, Response

from api.auth.deps import requires
from api.auth.permissions import Scope
from api.common import Id, set_etag
from api.db import SessionDep, WritingSessionDep
from api.events import contacts, gdpr
from api.events.schemas import PersonExport, PersonRead

router = APIRouter(tags=["events"])


@router.get(
    "/people/{person_id}/export",
    response_model=PersonExport,
    dependencies=[requires(Scope.personal_read)],
)
def export_person(session: WritingSessionDep, person_id: Id, response: Response) -> dict[str, Any]:
    """Everything held about a person, as a JSON download; the export is audited."""
    person = contacts.get_person(session, person_id)
    response.headers["Content-Disposition"] = f'attachment; filename="person-{person.id}.json"'
    return gdpr.export_person(session, person)


@router.post(
    "/people/{person_id}/erase",
    response_model=PersonRead,
    dependencies=[requires(Scope.write), requires(Scope.personal_read)],
)
def erase_person(session: SessionDep, person_id: Id, response: Response) -> object:
    """Erase a person by anonymising them; registrations and counts stay (409 if erased)."""
    person = gdpr.erase_person(session, contacts.get_person(session, person_id))
    set_etag(response, person.version)
    return person
