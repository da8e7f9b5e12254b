"""Who is asking, and may they: each route declares `dependencies=[requires(Scope.X)]`."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from api.auth import service
from api.auth.audit import set_actor
from api.auth.permissions import Actor, ActorKind, Scope
from api.auth.secrets import same
from api.config import Settings
from api.db import SessionDep
from api.errors import DomainError

SESSION_COOKIE = "erhverv_session"
SECURE_SESSION_COOKIE = "__Host-erhverv_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

_bearer = HTTPBearer(auto_error=False, description="API token of a machine client.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Staff login session.")


class UnauthorizedError(DomainError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class ForbiddenError(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def current_actor(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _cookie_value: Annotated[str | None, Depends(_cookie)],
) -> Actor:
    """The user of the session cookie or the client of the bearer token; 401 otherwise."""
    if bearer is not None:
        actor = service.resolve_token(session, bearer.credentials)
        if actor is None:
            raise UnauthorizedError("The API token is unknown, expired or revoked.")
    else:
        token = session_token(request)
        actor = service.resolve_session(session, _settings(request), token) if token else None
        if actor is None:
            raise UnauthorizedError("Log in first: no valid session.")
        sent = request.headers.get(CSRF_HEADER, "")
        if request.method not in SAFE_METHODS and not (
            actor.csrf_token and same(sent, actor.csrf_token)
        ):
            raise ForbiddenError(f"Missing or wrong {CSRF_HEADER} header for this session.")
    set_actor(session, actor)
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def requires(scope: Scope) -> object:
    """The permission a route needs; the one place each route states it."""

    def check(actor: CurrentActor) -> Actor:
        if not actor.can(scope):
            who = actor.role.value if actor.kind is ActorKind.user and actor.role else actor.kind
            raise ForbiddenError(f"This needs the '{scope.value}' permission, which {who} lacks.")
        return actor

    check.__name__ = f"requires_{scope.value.replace(':', '_')}"
    return Depends(check)


def public() -> object:
    """Marks a route that anyone may call (login, health)."""

    def allow() -> None:
        return None

    return Depends(allow)
