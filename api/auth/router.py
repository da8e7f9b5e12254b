"""Login and logout, the current user, and the admin's users, API tokens and audit log.

A login reads (throttle, user) on a read-only session, checks the password (Argon2, slow) in no
transaction at all, and only then writes the outcome in the request's own; an attempt that is
throttled writes nothing. The login route is async so that slowing an account under attack
holds no worker thread.
"""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import service as svc
from api.auth.audit import record_login_event
from api.auth.deps import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    CurrentActor,
    client_address,
    private,
    public,
    reading,
    requires,
    session_token,
)
from api.auth.models import ApiToken, User
from api.auth.permissions import ROLE_SCOPES, ActorKind, Scope
from api.auth.schemas import (
    AuditEntryRead,
    LoginRequest,
    Me,
    PasswordChange,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserCreate,
    UserCreated,
    UserRead,
    UserUpdate,
)
from api.kit.common import Id, IsoDateTime, QueryText
from api.kit.db import SessionDep
from api.kit.errors import problem
from api.kit.etags import IfMatch, change_if_match, created, set_etag
from api.kit.paging import Page, PageDep, paginate

router = APIRouter(tags=["auth"])
CSRF_COOKIE = "erhverv_csrf"
BAD_LOGIN = "Forkert e-mail eller adgangskode."
TOO_MANY = "For mange mislykkede forsøg. Prøv igen senere."


def _secure(request: Request) -> bool:
    # ERHVERV_PUBLIC_URL decides, whatever a proxy in front says; a direct https request too.
    return request.app.state.settings.https or request.url.scheme == "https"


def _cookies(request: Request) -> list[tuple[str, dict[str, Any]]]:
    """The cookies a login sets, with the attributes a deletion must repeat to be honoured."""
    secure = _secure(request)
    session_cookie = SECURE_SESSION_COOKIE if secure else SESSION_COOKIE
    return [
        (session_cookie, {"httponly": True, "secure": secure, "samesite": "lax", "path": "/"}),
        # Readable by the SPA after a reload; useless without the HttpOnly session cookie.
        (CSRF_COOKIE, {"httponly": False, "secure": secure, "samesite": "strict", "path": "/"}),
    ]


def _too_many(retry_after: int) -> JSONResponse:
    return problem(
        429,
        "too-many-requests",
        "Too many requests",
        TOO_MANY,
        headers={"Retry-After": str(retry_after)},
    )


def _me(session: SessionDep, actor: CurrentActor) -> Me:
    email = None
    if actor.kind is ActorKind.user and actor.id is not None:
        email = svc.get_user(session, actor.id).email
    return Me(
        kind=actor.kind,
        id=actor.id,
        name=actor.name,
        email=email,
        role=actor.role,
        scopes=sorted(actor.scopes),
        csrf_token=actor.csrf_token,
    )


@router.post(
    "/auth/login",
    dependencies=[public(), private()],
    response_model=Me,
    responses={401: {"description": "Wrong e-mail or password"}, 429: {"description": "Too many"}},
)
async def login(request: Request, session: SessionDep, data: LoginRequest) -> Response:
    """Log in with e-mail and password; sets the session cookie and returns the CSRF token.

    Five failures for one account from one address lock that pair out for a while (429); an
    account failing from many addresses answers slowly but is never locked."""
    settings = request.app.state.settings
    client = client_address(request)

    def look_up() -> tuple[svc.LoginCheck, User | None]:
        with reading(request) as reader:
            return svc.check_login(reader, settings, data.email, client), svc.find_user(
                reader, data.email
            )

    check, user = await run_in_threadpool(look_up)
    if check.retry_after:
        return _too_many(check.retry_after)
    if check.slow:
        await asyncio.sleep(settings.login_slowdown_seconds)
    ok = await run_in_threadpool(svc.password_matches, user, data.password)
    return await run_in_threadpool(_finish_login, request, session, data.email, user, ok)


def _finish_login(
    request: Request, session: SessionDep, email: str, user: User | None, ok: bool
) -> Response:
    settings = request.app.state.settings
    client = client_address(request)
    if user is None or not ok:
        locked = svc.record_failure(session, settings, email, client)
        record_login_event(session, "login_failed", email, client, None)
        if locked:
            record_login_event(session, "locked_out", email, client, None)
        # Answered, not raised: the failure must be committed to count towards throttling.
        return problem(401, "unauthorized", "Unauthorized", BAD_LOGIN)
    svc.forget_failures(session, email, client)
    token, csrf = svc.start_session(session, settings, user)
    record_login_event(session, "login", user.email, client, user.id)
    me = Me(
        kind=ActorKind.user,
        id=user.id,
        name=user.name,
        email=user.email,
        role=user.role,
        scopes=sorted(ROLE_SCOPES[user.role]),
        csrf_token=csrf,
    )
    response = JSONResponse(me.model_dump(mode="json"))
    (session_cookie, session_attrs), (csrf_cookie, csrf_attrs) = _cookies(request)
    response.set_cookie(session_cookie, token, **session_attrs)
    response.set_cookie(csrf_cookie, csrf, **csrf_attrs)
    return response


@router.post(
    "/auth/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.read)]
)
def logout(request: Request, session: SessionDep, actor: CurrentActor, response: Response) -> None:
    """End this login session."""
    token = session_token(request)
    if token:
        svc.end_session(session, token)
    if actor.kind is ActorKind.user and actor.id is not None:
        email = svc.get_user(session, actor.id).email
        record_login_event(session, "logout", email, client_address(request), actor.id)
    # Deleted with the attributes they were set with, or a browser keeps a Secure cookie.
    for name, attrs in _cookies(request):
        response.delete_cookie(name, **attrs)
    if _secure(request):
        response.delete_cookie(SESSION_COOKIE, path="/")  # one set before the site had https


@router.get("/auth/me", response_model=Me, dependencies=[requires(Scope.read), private()])
def me(session: SessionDep, actor: CurrentActor) -> Me:
    """Who is logged in (or which token is used), with role and permissions."""
    return _me(session, actor)


@router.post(
    "/auth/password", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.read)]
)
def change_password(
    request: Request, session: SessionDep, actor: CurrentActor, data: PasswordChange
) -> Response:
    """Change your own password; ends all your sessions, so log in again. Wrong current
    passwords are throttled as failed logins are (429)."""
    if actor.kind is not ActorKind.user or actor.id is None:
        return problem(403, "forbidden", "Forbidden", "Kun medarbejdere har en adgangskode.")
    settings = request.app.state.settings
    client = client_address(request)
    with reading(request) as reader:
        user = svc.get_user(reader, actor.id)
        check = svc.check_login(reader, settings, user.email, client)
    if check.retry_after:
        return _too_many(check.retry_after)
    if not svc.password_matches(user, data.current_password):
        if svc.record_failure(session, settings, user.email, client):
            record_login_event(session, "locked_out", user.email, client, None)
        record_login_event(session, "password_change_failed", user.email, client, None)
        return problem(
            422,
            "validation-error",
            "Invalid input",
            "Den nuværende adgangskode er forkert.",
            errors=[{"field": "current_password", "message": "forkert adgangskode"}],
        )
    svc.set_password(session, svc.get_user(session, actor.id), data.new_password)
    return Response(status_code=204)


@router.get("/users", response_model=Page[UserRead], dependencies=[requires(Scope.admin)])
def list_users(session: SessionDep, page: PageDep) -> dict[str, Any]:
    """List staff users."""
    return paginate(session, svc.list_users_query(), page, User.updated_at)


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserCreated,
    dependencies=[requires(Scope.admin)],
)
def create_user(session: SessionDep, data: UserCreate, response: Response) -> dict[str, Any]:
    """Create a staff user; a generated password is returned this once."""
    user, password = svc.create_user(session, data)
    created(response, f"/api/v1/users/{user.id}", user.version)
    return {**UserRead.model_validate(user).model_dump(), "password": password}


@router.get("/users/{user_id}", response_model=UserRead, dependencies=[requires(Scope.admin)])
def get_user(session: SessionDep, user_id: Id, response: Response) -> User:
    """Get one staff user."""
    user = svc.get_user(session, user_id)
    set_etag(response, user.version)
    return user


@router.patch("/users/{user_id}", response_model=UserRead, dependencies=[requires(Scope.admin)])
def update_user(
    session: SessionDep,
    user_id: Id,
    data: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> User:
    """Change a user's name, role or whether they may log in (If-Match required)."""
    user = svc.get_user(session, user_id)
    change_if_match(response, if_match, user, lambda: svc.update_user(session, user, data))
    return user


@router.get("/tokens", response_model=Page[TokenRead], dependencies=[requires(Scope.admin)])
def list_tokens(session: SessionDep, page: PageDep) -> dict[str, Any]:
    """List API tokens (never the tokens themselves)."""
    return paginate(session, svc.list_tokens_query(), page)


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenCreated,
    dependencies=[requires(Scope.admin)],
)
def create_token(
    request: Request,
    session: SessionDep,
    actor: CurrentActor,
    data: TokenCreate,
    response: Response,
) -> dict[str, Any]:
    """Create an API token for a machine client; the token is shown this once."""
    max_days = request.app.state.settings.token_max_days
    token, raw = svc.create_token(session, data, created_by=actor.name, max_days=max_days)
    created(response, f"/api/v1/tokens/{token.id}")
    return {**TokenRead.model_validate(token).model_dump(), "token": raw}


@router.get("/tokens/{token_id}", response_model=TokenRead, dependencies=[requires(Scope.admin)])
def get_token(session: SessionDep, token_id: Id) -> ApiToken:
    """Get one API token's details."""
    return svc.get_token(session, token_id)


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.admin)],
)
def revoke_token(session: SessionDep, token_id: Id) -> None:
    """Revoke an API token; it stops working at once."""
    svc.revoke_token(session, svc.get_token(session, token_id))


@router.get("/audit", response_model=Page[AuditEntryRead], dependencies=[requires(Scope.admin)])
def list_audit(
    session: SessionDep,
    page: PageDep,
    entity: Annotated[QueryText | None, Query(description="Table, e.g. goals.")] = None,
    entity_id: Annotated[QueryText | None, Query()] = None,
    actor_kind: Annotated[ActorKind | None, Query()] = None,
    actor_id: Annotated[Id | None, Query()] = None,
    since: Annotated[IsoDateTime | None, Query(description="From this time.")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Before this time.")] = None,
) -> dict[str, Any]:
    """The audit log, newest first, filtered by entity, actor and time."""
    query = svc.list_audit_query(entity, entity_id, actor_kind, actor_id, since, until)
    return paginate(session, query, page)
