"""openapi.yaml: generated from the app, committed, and checked for drift by a test."""

from pathlib import Path

import yaml

from api.config import Settings

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


def render_openapi() -> str:
    from api.main import create_app

    app = create_app(Settings(database_url="sqlite://", migrate_on_start=False))
    return yaml.safe_dump(app.openapi(), allow_unicode=True, sort_keys=False, width=100)
