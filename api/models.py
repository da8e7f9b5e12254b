"""Every domain's models, imported once so metadata is complete (Alembic, tests)."""

from api.db import Base
from api.goals import models as goals_models
from api.plans import models as plans_models

__all__ = ["Base", "goals_models", "plans_models"]
