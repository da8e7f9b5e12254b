"""Every domain's models, imported once so metadata is complete (Alembic, tests).

Importing the audit module also registers its flush listener, so every change is audited;
importing data_version registers the one that moves the data's version with every write;
importing events' personal data registers registrations as activity for the GDPR purge.
"""

from api.auth import audit as auth_audit
from api.auth import models as auth_models
from api.cases import models as cases_models
from api.contacts import models as contacts_models
from api.events import models as events_models
from api.events import personal_data as events_personal_data
from api.goals import models as goals_models
from api.grants import models as grants_models
from api.kit.data_version import DataVersion
from api.kit.db import Base
from api.kit.idempotency import IdempotentAnswer
from api.plans import models as plans_models
from api.surveys import models as surveys_models

__all__ = [
    "Base",
    "DataVersion",
    "IdempotentAnswer",
    "auth_audit",
    "auth_models",
    "cases_models",
    "contacts_models",
    "events_models",
    "events_personal_data",
    "goals_models",
    "grants_models",
    "plans_models",
    "surveys_models",
]
