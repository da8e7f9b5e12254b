"""Request and response models of users, sessions, tokens and the audit log."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, EmailStr, Field

from api.auth.permissions import TOKEN_SCOPES, ActorKind, Role, Scope
from api.auth.secrets import MIN_PASSWORD_LENGTH
from api.kit.common import RequestBody, Schema


class LoginRequest(RequestBody):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1000)


class Me(BaseModel):
    kind: ActorKind
    id: int | None
    name: str
    email: str | None
    role: Role | None
    scopes: list[Scope]
    csrf_token: str | None = Field(
        description="Send as X-CSRF-Token on unsafe requests made with the session cookie."
    )


class PasswordChange(RequestBody):
    current_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=1000)


class UserRead(Schema):
    id: int
    email: str
    name: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime


class UserCreate(RequestBody):
    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str | None = Field(
        default=None,
        min_length=MIN_PASSWORD_LENGTH,
        max_length=1000,
        description="Left out: one is generated and returned once.",
    )


class UserCreated(UserRead):
    password: str | None = Field(description="The generated password, shown this once.")


class UserUpdate(RequestBody):
    not_null = frozenset({"name", "role", "is_active"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    is_active: bool | None = Field(default=None, description="false also ends its sessions.")


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[Scope]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    requests_per_minute: int | None = Field(description="Its own limit; null: the default.")


class TokenCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(
        min_length=1,
        description="Not admin: administration is for people, logged in.",
        json_schema_extra={
            "items": {"type": "string", "enum": [s.value for s in Scope if s in TOKEN_SCOPES]}
        },
    )
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        description="Lifetime in days. Left out or null: the longest allowed "
        "(ERHVERV_TOKEN_MAX_DAYS, default 365; the maximum here); longer than that is refused "
        "(422). Every token expires.",
    )
    requests_per_minute: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="The most requests a minute; left out or null: the service's default "
        "(ERHVERV_TOKEN_REQUESTS_PER_MINUTE, 600). More are answered 429 with Retry-After.",
    )


class TokenCreated(TokenRead):
    token: str = Field(description="The token, shown this once; send as Authorization: Bearer.")


class AuditEntryRead(Schema):
    id: int
    at: datetime
    actor_kind: ActorKind
    actor_id: int | None
    actor_name: str
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any]
