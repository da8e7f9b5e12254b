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
    sqlite_busy_timeout_ms: int = Field(
        default=5000,
        ge=0,
        description="On SQLite, how long a write waits for another to finish before the "
        "request is answered 503 (try again).",
    )

    session_idle_minutes: int = Field(default=60, ge=1, description="Idle time that ends a login.")
    session_max_hours: int = Field(default=12, ge=1, description="A login's longest life.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per account or address before 429."
    )
    login_window_minutes: int = Field(default=15, ge=1, description="The window they count in.")
    initial_admin_email: str = Field(
        default="admin@erhverv.lejre.dk",
        description="E-mail of the admin created, with a printed password, on first start.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
