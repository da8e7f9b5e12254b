"""Who is asking, and may they: each route declares `dependencies=[requires(Scope.X)]`.

The caller is found on a read-only connection of its own, on the event loop
(api.kit.db.read_on_loop), before the request's session has begun: a request refused 401 or 403
never opens a writing transaction (on SQLite, the write lock), so anonymous traffic cannot
queue behind or in front of real writers. What an allowed request writes about its caller (a
token's or a login's last use, at most once a minute) goes into a short transaction of its
own, skipped when another writer holds the lock: a read never waits for it.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request, params
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from api.auth import service
from api.auth.audit import set_actor
from api.auth.permissions import ROLE_WORDS, Actor, ActorKind, Scope, describe_scope
from api.auth.rate_limit import TokenLimiter
from api.auth.secrets import same
from api.config import Settings
from api.kit.db import READ_ONLY_METHODS, SessionDep, read_on_loop, write_unless_busy
from api.kit.errors import DomainError, TooManyRequestsError
from api.kit.read_cache import remember_version
from api.kit.security_headers import NO_STORE

SESSION_COOKIE = "erhverv_session"
SECURE_SESSION_COOKIE = "__Host-erhverv_session"
CSRF_HEADER = "X-CSRF-Token"

_bearer = HTTPBearer(auto_error=False, description="API token of a machine client.")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="Staff login session.")


class UnauthorizedError(DomainError):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class ForbiddenError(DomainError):
    status, slug, title = 403, "forbidden", "Forbidden"


def session_token(request: Request) -> str | None:
    return request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@contextmanager
def reading(request: Request) -> Iterator[Session]:
    """A session for reads only, apart from the request's: a plain BEGIN, which on SQLite
    takes no write lock and waits for no writer. Never write in it: on SQLite a read
    transaction that then writes fails, rather than waits, when another wrote meanwhile."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    # Closing ends its transaction and keeps what was loaded readable (rollback would not).
    with factory() as session:
        yield session


def client_address(request: Request) -> str:
    """The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
    address in X-Forwarded-For that is not one (the ones left of it could be made up)."""
    settings = _settings(request)
    peer = request.client.host if request.client else "unknown"
    if not settings.trusted_proxies or not settings.trusts_proxy(peer):
        return peer
    chain = [
        part.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for part in header.split(",")
        if part.strip()
    ]
    for address in reversed(chain):
        if not settings.trusts_proxy(address):
            return address
    return chain[0] if chain else peer


async def current_actor(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    _cookie_value: Annotated[str | None, Depends(_cookie)],
) -> Actor:
    """The user of the session cookie or the client of the bearer token; 401 otherwise."""
    settings = _settings(request)
    if bearer is not None:
        credentials = bearer.credentials
        actor = _find(
            request,
            lambda reader: service.resolve_token(reader, credentials, settings.token_max_days),
        )
        if actor is None:
            raise UnauthorizedError("API-nøglen er ukendt, udløbet eller tilbagekaldt.")
        _count_request(request, actor, settings)
    else:
        token = session_token(request)
        actor = None
        if token:
            actor = _find(request, lambda reader: service.resolve_session(reader, settings, token))
        if actor is None:
            raise UnauthorizedError("Log ind først: der er ingen gyldig session.")
        sent = request.headers.get(CSRF_HEADER, "")
        if request.method not in READ_ONLY_METHODS and not (
            actor.csrf_token and same(sent, actor.csrf_token)
        ):
            raise ForbiddenError(f"{CSRF_HEADER}-headeren mangler eller er forkert.")
    # Only kept for the audit log: the request's transaction has not begun.
    set_actor(session, actor)
    return actor


def _find(request: Request, find: Callable[[Connection], Actor | None]) -> Actor | None:
    """The caller, on the event loop itself (`read_on_loop`): a trip to the thread pool would
    cost more than this one read. For a read, the data version read with it is kept, so that
    a read served from memory (api.kit.read_cache) needs no other visit to the database."""
    actor = read_on_loop(request.app.state, find)
    if actor is not None and request.method in READ_ONLY_METHODS:
        remember_version(request, actor.data_version or 0)
    return actor


def _count_request(request: Request, actor: Actor, settings: Settings) -> None:
    """A token's request counts against its limit a minute; over it, 429 with Retry-After."""
    limit = actor.requests_per_minute or settings.token_requests_per_minute
    limiter: TokenLimiter = request.app.state.token_limiter
    wait = limiter.wait(actor.id or 0, limit)
    if wait:
        raise TooManyRequestsError(
            f"Denne API-nøgle må sende {limit} forespørgsler i minuttet; prøv igen om "
            f"{wait} sekunder.",
            headers={"Retry-After": str(wait)},
        )


CurrentActor = Annotated[Actor, Depends(current_actor)]


def requires(scope: Scope) -> params.Depends:
    """The permission a route needs; the one place each route states it."""

    async def check(request: Request, actor: CurrentActor, session: SessionDep) -> Actor:
        if not actor.can(scope):
            if actor.kind is ActorKind.user and actor.role:
                who = ROLE_WORDS[actor.role]
            else:
                who = "denne API-nøgle"
            raise ForbiddenError(
                f"Dette kræver tilladelsen {describe_scope(scope)}, som {who} ikke har."
            )
        if scope in PRIVATE_SCOPES:
            mark_private(request)
        if actor.touch_due and not session.info.get(_TOUCHED):
            session.info[_TOUCHED] = True
            factory: sessionmaker[Session] = request.app.state.session_factory
            await run_in_threadpool(write_unless_busy, factory, lambda w: service.touch(w, actor))
        return actor

    check.__name__ = f"requires_{scope.value.replace(':', '_')}"
    dependency: params.Depends = Depends(check)
    return dependency


_TOUCHED = "erhverv_actor_touched"
# Routes that need these answer with personal data or secrets: never stored by a cache.
PRIVATE_SCOPES = frozenset({Scope.personal_read, Scope.admin})


def mark_private(request: Request) -> None:
    """Answer with Cache-Control: no-store (set by api.kit.security_headers, on every answer of
    the request, a file download or an error included)."""
    request.scope[NO_STORE] = True


def private() -> params.Depends:
    """Marks a route that answers with its caller's own data (/auth/me, login)."""

    def mark(request: Request) -> None:
        mark_private(request)

    dependency: params.Depends = Depends(mark)
    return dependency


def public() -> params.Depends:
    """Marks a route that anyone may call (login, health)."""

    def allow() -> None:
        return None

    dependency: params.Depends = Depends(allow)
    return dependency
