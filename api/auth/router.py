"""Login and logout, the current user, and the admin's users, API tokens and audit log."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from api.auth import service as svc
from api.auth.deps import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    CurrentActor,
    public,
    requires,
    session_token,
)
from api.auth.models import User
from api.auth.permissions import ActorKind, Scope
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
from api.common import IfMatch, Page, PageDep, check_if_match, paginate, set_etag
from api.db import SessionDep
from api.errors import problem

router = APIRouter(tags=["auth"])
CSRF_COOKIE = "erhverv_csrf"
BAD_LOGIN = "Forkert e-mail eller adgangskode."


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
    dependencies=[public()],
    response_model=Me,
    responses={401: {"description": "Wrong e-mail or password"}, 429: {"description": "Too many"}},
)
def login(request: Request, session: SessionDep, data: LoginRequest) -> Response:
    """Log in with e-mail and password; sets the session cookie and returns the CSRF token."""
    settings = request.app.state.settings
    client = _client(request)
    throttle = svc.check_throttle(session, settings, data.email, client)
    if throttle:
        return problem(
            429,
            "too-many-requests",
            "Too many requests",
            "For mange mislykkede forsøg. Prøv igen senere.",
            headers={"Retry-After": str(throttle.retry_after)},
        )
    user = svc.authenticate_password(session, data.email, data.password, client)
    if user is None:
        # Answered, not raised: the failure must be committed to count towards throttling.
        return problem(401, "unauthorized", "Unauthorized", BAD_LOGIN)
    token, csrf = svc.start_session(session, settings, user)
    me = Me(
        kind=ActorKind.user,
        id=user.id,
        name=user.name,
        email=user.email,
        role=user.role,
        scopes=sorted(svc.ROLE_SCOPES[user.role]),
        csrf_token=csrf,
    )
    response = JSONResponse(me.model_dump(mode="json"))
    secure = request.url.scheme == "https"
    response.set_cookie(
        SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        token,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    # Readable by the SPA after a reload; useless without the HttpOnly session cookie.
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=False, secure=secure, samesite="strict", path="/"
    )
    return response


@router.post(
    "/auth/logout", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.read)]
)
def logout(request: Request, session: SessionDep, response: Response) -> None:
    """End this login session."""
    token = session_token(request)
    if token:
        svc.end_session(session, token)
    for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/")


@router.get("/auth/me", response_model=Me, dependencies=[requires(Scope.read)])
def me(session: SessionDep, actor: CurrentActor) -> Me:
    """Who is logged in (or which token is used), with role and permissions."""
    return _me(session, actor)


@router.post(
    "/auth/password", status_code=status.HTTP_204_NO_CONTENT, dependencies=[requires(Scope.read)]
)
def change_password(session: SessionDep, actor: CurrentActor, data: PasswordChange) -> Response:
    """Change your own password; ends all your sessions, so log in again."""
    if actor.kind is not ActorKind.user or actor.id is None:
        return problem(403, "forbidden", "Forbidden", "Only staff users have passwords.")
    user = svc.get_user(session, actor.id)
    if not svc.change_password(session, user, data.current_password, data.new_password):
        return problem(
            422,
            "validation-error",
            "Invalid input",
            "Den nuværende adgangskode er forkert.",
            errors=[{"field": "current_password", "message": "wrong password"}],
        )
    return Response(status_code=204)


@router.get("/users", response_model=Page[UserRead], dependencies=[requires(Scope.admin)])
def list_users(session: SessionDep, page: PageDep) -> dict:
    """List staff users."""
    return paginate(session, svc.list_users_query(), page, User.updated_at)


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserCreated,
    dependencies=[requires(Scope.admin)],
)
def create_user(session: SessionDep, data: UserCreate, response: Response) -> dict:
    """Create a staff user; a generated password is returned this once."""
    user, password = svc.create_user(session, data)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    set_etag(response, user.version)
    return {**UserRead.model_validate(user).model_dump(), "password": password}


@router.get("/users/{user_id}", response_model=UserRead, dependencies=[requires(Scope.admin)])
def get_user(session: SessionDep, user_id: int, response: Response) -> object:
    """Get one staff user."""
    user = svc.get_user(session, user_id)
    set_etag(response, user.version)
    return user


@router.patch("/users/{user_id}", response_model=UserRead, dependencies=[requires(Scope.admin)])
def update_user(
    session: SessionDep,
    user_id: int,
    data: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> object:
    """Change a user's name, role or whether they may log in (If-Match required)."""
    user = svc.get_user(session, user_id)
    check_if_match(if_match, user.version)
    svc.update_user(session, user, data)
    set_etag(response, user.version)
    return user


@router.get("/tokens", response_model=Page[TokenRead], dependencies=[requires(Scope.admin)])
def list_tokens(session: SessionDep, page: PageDep) -> dict:
    """List API tokens (never the tokens themselves)."""
    return paginate(session, svc.list_tokens_query(), page)


@router.post(
    "/tokens",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenCreated,
    dependencies=[requires(Scope.admin)],
)
def create_token(
    session: SessionDep, actor: CurrentActor, data: TokenCreate, response: Response
) -> dict:
    """Create an API token for a machine client; the token is shown this once."""
    token, raw = svc.create_token(session, data, created_by=actor.name)
    response.headers["Location"] = f"/api/v1/tokens/{token.id}"
    return {**TokenRead.model_validate(token).model_dump(), "token": raw}


@router.get("/tokens/{token_id}", response_model=TokenRead, dependencies=[requires(Scope.admin)])
def get_token(session: SessionDep, token_id: int) -> object:
    """Get one API token's details."""
    return svc.get_token(session, token_id)


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[requires(Scope.admin)],
)
def revoke_token(session: SessionDep, token_id: int) -> None:
    """Revoke an API token; it stops working at once."""
    svc.revoke_token(session, svc.get_token(session, token_id))


@router.get("/audit", response_model=Page[AuditEntryRead], dependencies=[requires(Scope.admin)])
def list_audit(
    session: SessionDep,
    page: PageDep,
    entity: Annotated[str | None, Query(description="Table, e.g. goals.")] = None,
    entity_id: Annotated[str | None, Query()] = None,
    actor_kind: Annotated[ActorKind | None, Query()] = None,
    actor_id: Annotated[int | None, Query()] = None,
    since: Annotated[datetime | None, Query(description="From this time.")] = None,
    until: Annotated[datetime | None, Query(description="Before this time.")] = None,
) -> dict:
    """The audit log, newest first, filtered by entity, actor and time."""
    query = svc.list_audit_query(entity, entity_id, actor_kind, actor_id, since, until)
    return paginate(session, query, page)
