"""Roles, scopes and the actor behind a request: who may do what, decided in one place."""

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


class Scope(StrEnum):
    read = "read"  # plan data, progress, aggregate figures
    personal_read = "personal:read"  # names and contact data of people
    write = "write"  # plan data, events, registrations, measurements, imports
    grants_write = "grants:write"  # the grant import
    cases_write = "cases:write"  # the case-processing system's pushes
    admin = "admin"  # users, API tokens, the audit log


ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.viewer: frozenset({Scope.read}),
    Role.editor: frozenset(
        {Scope.read, Scope.personal_read, Scope.write, Scope.grants_write, Scope.cases_write}
    ),
    Role.admin: frozenset(Scope),
}

# What a machine client's token may be given; never admin.
TOKEN_SCOPES = frozenset(Scope) - {Scope.admin}


class ActorKind(StrEnum):
    user = "user"
    token = "token"
    system = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    id: int | None
    name: str
    scopes: frozenset[Scope]
    role: Role | None = None
    # Set for cookie sessions: unsafe requests must echo it in X-CSRF-Token.
    csrf_token: str | None = field(default=None, repr=False)

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.id}" if self.id is not None else self.kind.value


SYSTEM = Actor(ActorKind.system, None, "system", frozenset(Scope))
