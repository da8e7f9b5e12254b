"""Typed settings, read from the environment with the prefix ERHVERV_."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PLAN_FILE = PACKAGE_DIR / "plan_data" / "2026.yaml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ERHVERV_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./data/erhverv.db",
        description="SQLAlchemy URL; postgresql+psycopg://… for PostgreSQL.",
    )
    migrate_on_start: bool = Field(
        default=True, description="Run migrations and load the plan into an empty database."
    )
    plan_file: Path = Field(
        default=DEFAULT_PLAN_FILE, description="Plan loaded on first start when none exists."
    )
    frontend_dir: Path = Field(
        default=PACKAGE_DIR.parent / "frontend" / "dist",
        description="Built SPA served at /; the API works without it.",
    )
    timezone: str = Field(
        default="Europe/Copenhagen", description="Where 'today' is, for default evaluation dates."
    )
    sql_echo: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()
