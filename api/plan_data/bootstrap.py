"""First start: migrate, and load the shipped plan into an empty database."""

import logging
import sys
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.auth.audit import set_actor
from api.auth.permissions import Actor, ActorKind
from api.auth.service import create_first_admin
from api.config import Settings
from api.kit.migrate import upgrade
from api.plan_data.loader import LoadReport, load_plan
from api.plan_data.plan_file import parse_plan_file
from api.plans.models import ActionPlan

logger = logging.getLogger(__name__)


def load_plan_path(session: Session, path: Path) -> LoadReport:
    """Parse then load; a file that does not validate raises before anything is written."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileNotFoundError(f"cannot read {path}: {exc}") from None
    return load_plan(session, parse_plan_file(text))


def prepare_database(engine: Engine, settings: Settings) -> None:
    """Migrate; then on an empty database load the plan, and without users create an admin."""
    upgrade(engine)
    with Session(engine) as session, session.begin():
        set_actor(session, Actor(ActorKind.system, None, "first start", frozenset()))
        if session.scalar(select(ActionPlan.id).limit(1)) is None:
            load_plan_path(session, settings.plan_file)
            logger.info("loaded %s into the empty database", settings.plan_file)
        password = create_first_admin(session, settings.initial_admin_email)
    if password:
        _announce_admin(settings.initial_admin_email, password)


def _announce_admin(email: str, password: str) -> None:
    """Printed once, to the console of whoever started the service; never stored in clear."""
    lines = [
        "No users existed, so an administrator was created:",
        f"  e-mail:      {email}",
        f"  adgangskode: {password}",
        "Log in and create the staff users; this password is not shown again.",
    ]
    width = max(len(line) for line in lines) + 2
    print("\n".join(["", "*" * width, *lines, "*" * width, ""]), file=sys.stderr, flush=True)
