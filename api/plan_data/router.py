"""HTTP layer of the plan file: a plan as the YAML file `erhverv load-plan` reads."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

import api.plan_data.exporter as plan_export
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.kit.common import PlanYear
from api.kit.db import SessionDep
from api.plan_data.plan_file import dump_plan_file
from api.plans import service as svc

router = APIRouter(tags=["plans"])


@router.get(
    "/plans/{year}/export",
    response_class=PlainTextResponse,
    responses={200: {"content": {"application/yaml": {}}, "description": "The plan file."}},
    dependencies=[requires(Scope.read)],
)
def export_plan(session: SessionDep, year: PlanYear) -> PlainTextResponse:
    """The plan as a plan file (YAML), the format `erhverv load-plan` reads."""
    plan = svc.get_plan(session, year, full=True)
    text = dump_plan_file(plan_export.export_plan(session, plan))
    return PlainTextResponse(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{year}.yaml"'},
    )
