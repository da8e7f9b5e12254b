"""First start: migrate, and load the shipped plan into an empty database."""

import logging
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.migrate import upgrade
from api.plans.loader import LoadReport, load_plan
from api.plans.models import ActionPlan
from api.plans.plan_file import parse_plan_file

logger = logging.getLogger(__name__)


def load_plan_path(session: Session, path: Path) -> LoadReport:
    """Parse then load; a file that does not validate raises before anything is written."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileNotFoundError(f"cannot read {path}: {exc}") from None
    return load_plan(session, parse_plan_file(text))


def prepare_database(engine: Engine, plan_file: Path) -> LoadReport | None:
    upgrade(engine)
    with Session(engine) as session, session.begin():
        if session.scalar(select(ActionPlan.id).limit(1)) is not None:
            return None
        report = load_plan_path(session, plan_file)
    logger.info("loaded %s into the empty database", plan_file)
    return report
