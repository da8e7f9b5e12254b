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
    # The login session's row, and whether its (or the token's) last use is due to be written:
    # written only once the request is allowed, so a refused one writes nothing.
    session_id: int | None = field(default=None, repr=False, compare=False)
    touch_due: bool = field(default=False, repr=False, compare=False)
    # A token's own limit of requests a minute, where it has one.
    requests_per_minute: int | None = field(default=None, repr=False, compare=False)
    # The data version, read in the same statement as the caller (api.kit.read_cache answers a
    # read at it without another visit to the database).
    data_version: int | None = field(default=None, repr=False, compare=False)

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def label(self) -> str:
        return f"{self.kind.value}:{self.id}" if self.id is not None else self.kind.value


# What each scope allows, in the words a user reads in an error message.
SCOPE_WORDS: dict[Scope, str] = {
    Scope.read: "læse planen og dens tal",
    Scope.personal_read: "se personoplysninger",
    Scope.write: "ændre data",
    Scope.grants_write: "indlæse tilskud",
    Scope.cases_write: "indberette sager",
    Scope.admin: "administrere brugere, API-nøgler og auditloggen",
}
ROLE_WORDS: dict[Role, str] = {
    Role.viewer: "en læser",
    Role.editor: "en redaktør",
    Role.admin: "en administrator",
}


def describe_scope(scope: Scope) -> str:
    return f"»{SCOPE_WORDS[scope]}« ({scope.value})"


SYSTEM = Actor(ActorKind.system, None, "system", frozenset(Scope))
