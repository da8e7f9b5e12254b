"""HTTP layer of the plan file: a plan as the YAML file `erhverv load-plan` reads."""

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

import api.plan_data.exporter as plan_export
from api.auth.deps import requires
from api.auth.permissions import Scope
from api.goals.plan_tree import get_full_plan
from api.kit.common import PlanYear
from api.kit.db import SessionDep
from api.plan_data.plan_file import dump_plan_file

router = APIRouter(tags=["plans"])


@router.get(
    "/plans/{year}/export",
    response_class=PlainTextResponse,
    responses={200: {"content": {"application/yaml": {}}, "description": "The plan file."}},
    dependencies=[requires(Scope.read)],
)
def export_plan(session: SessionDep, year: PlanYear) -> PlainTextResponse:
    """The plan as a plan file (YAML), the format `erhverv load-plan` reads."""
    plan = get_full_plan(session, year)
    text = dump_plan_file(plan_export.export_plan(session, plan))
    return PlainTextResponse(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{year}.yaml"'},
    )
