"""Typed settings, read from the environment with the prefix ERHVERV_."""

from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, HttpUrl, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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

    max_json_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body of an endpoint that takes no file (413 beyond); "
        "the case batch declares its own.",
    )
    max_upload_body_bytes: int = Field(
        default=50 * 1024 * 1024 + 64 * 1024,
        ge=1024,
        description="Largest multipart (file upload) body of any endpoint (413 beyond); "
        "each import may accept less.",
    )

    session_idle_minutes: int = Field(default=60, ge=1, description="Idle time that ends a login.")
    session_max_hours: int = Field(default=12, ge=1, description="A login's longest life.")
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins for one account from one address before that pair gets 429; "
        "as many from all addresses together slow the account's logins down, never lock it.",
    )
    login_max_failures_per_address: int = Field(
        default=20, ge=1, description="Failed logins from one address, any accounts, before 429."
    )
    login_window_minutes: int = Field(default=15, ge=1, description="The window they count in.")
    login_slowdown_seconds: float = Field(
        default=2.0,
        ge=0,
        description="How long a login for an account under attack (see login_max_failures) "
        "waits before it is answered.",
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (comma-separated) of the reverse proxies whose "
        "X-Forwarded-For names the client; empty: the header is ignored, from anyone.",
    )
    public_url: HttpUrl | None = Field(
        default=None,
        description="Where users reach the service; https://… makes cookies Secure and "
        "__Host-, and adds Strict-Transport-Security, whatever a proxy sends.",
    )
    token_requests_per_minute: int = Field(
        default=600,
        ge=1,
        description="The requests a minute an API token may send, unless the token has its own "
        "limit; more are answered 429 with Retry-After. Counted in each worker process. Staff "
        "logins are not limited.",
    )
    token_max_days: int = Field(
        default=365,
        ge=1,
        description="An API token's longest life; a token asked for without expiry gets it.",
    )
    initial_admin_email: str = Field(
        default="admin@erhverv.lejre.dk",
        description="E-mail of the admin created, with a printed password, on first start.",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        # "10.0.0.1, 10.1.0.0/16" in the environment; a list when built in code.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def https(self) -> bool:
        return self.public_url is not None and self.public_url.scheme == "https"

    def trusts_proxy(self, address: str) -> bool:
        return _in_networks(address, self.trusted_proxies)


def _in_networks(address: str, networks: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


@lru_cache
def get_settings() -> Settings:
    return Settings()
