"""Authentication logic: users, sessions, tokens and login throttling. No FastAPI here."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from api.auth.models import ApiToken, AuditEntry, LoginFailure, User, UserSession
from api.auth.permissions import ROLE_SCOPES, TOKEN_SCOPES, Actor, ActorKind, Role, Scope
from api.auth.schemas import TokenCreate, UserCreate, UserUpdate
from api.auth.secrets import (
    digest,
    generate_password,
    hash_password,
    new_token,
    same,
    verify_password,
)
from api.config import Settings
from api.db import utcnow
from api.errors import ConflictError, InvalidInputError, NotFoundError

# Write a session's or token's "last seen" at most this often: reads stay reads.
TOUCH_INTERVAL = timedelta(seconds=60)
TOKEN_PREFIX = "erh_"
PREFIX_BYTES = 4


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"No user with id {user_id}.")
    return user


def list_users_query() -> Select[tuple[User]]:
    return select(User).order_by(User.name, User.id)


def create_user(session: Session, data: UserCreate) -> tuple[User, str | None]:
    """Create a user; returns the generated password when none was given."""
    email = normalise_email(str(data.email))
    if session.scalar(select(User.id).where(User.email == email)):
        raise ConflictError(f"A user with e-mail {email} exists already.")
    generated = None if data.password else generate_password()
    user = User(
        email=email,
        name=data.name,
        role=data.role,
        password_hash=hash_password(data.password or generated or ""),
    )
    session.add(user)
    session.flush()
    return user, generated


def update_user(session: Session, user: User, data: UserUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    for name in ("name", "role", "is_active"):
        if name in changes and changes[name] is None:
            raise InvalidInputError(
                f"{name} may not be null", errors=[{"field": name, "message": "may not be null"}]
            )
    for name, value in changes.items():
        setattr(user, name, value)
    if changes.get("is_active") is False:
        end_sessions(session, user.id)
    session.flush()
    return user


def change_password(session: Session, user: User, current: str, new: str) -> bool:
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    end_sessions(session, user.id)
    session.flush()
    return True


@dataclass(frozen=True)
class Throttle:
    retry_after: int  # seconds


def _failure_keys(email: str, client: str) -> list[str]:
    return [f"email:{normalise_email(email)}", f"ip:{client}"]


def check_throttle(
    session: Session, settings: Settings, email: str, client: str
) -> Throttle | None:
    """Too many recent failures for this account or this address: wait until one ages out."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    for key in _failure_keys(email, client):
        count, oldest = session.execute(
            select(func.count(LoginFailure.id), func.min(LoginFailure.at)).where(
                LoginFailure.key == key, LoginFailure.at >= since
            )
        ).one()
        if count >= settings.login_max_failures and oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=utcnow().tzinfo)
            wait = (oldest + window - utcnow()).total_seconds()
            return Throttle(max(1, int(wait) + 1))
    return None


def authenticate_password(session: Session, email: str, password: str, client: str) -> User | None:
    """The active user with this e-mail and password, or None (and the failure is counted)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        session.add_all(LoginFailure(key=key) for key in _failure_keys(email, client))
        session.flush()
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.key == _failure_keys(email, "")[0]))
    return user


def start_session(session: Session, settings: Settings, user: User) -> tuple[str, str]:
    """A new login session: returns the cookie token and the CSRF token."""
    token, csrf = new_token(), new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=digest(token),
            csrf_token=csrf,
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
        )
    )
    session.flush()
    return token, csrf


def resolve_session(session: Session, settings: Settings, token: str) -> Actor | None:
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == digest(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if (
        not user.is_active
        or now >= user_session.expires_at
        or now >= user_session.last_seen_at + idle
    ):
        session.delete(user_session)
        session.flush()
        return None
    if now - user_session.last_seen_at >= TOUCH_INTERVAL:
        user_session.last_seen_at = now
    return Actor(
        ActorKind.user,
        user.id,
        user.name,
        ROLE_SCOPES[user.role],
        user.role,
        csrf_token=user_session.csrf_token,
    )


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == digest(token)))


def end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def list_tokens_query() -> Select[tuple[ApiToken]]:
    return select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


def get_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"No API token with id {token_id}.")
    return token


def create_token(session: Session, data: TokenCreate, created_by: str) -> tuple[ApiToken, str]:
    """A new machine token: returns the row and the token, which is shown only this once."""
    refused = sorted(set(data.scopes) - TOKEN_SCOPES)
    if refused:
        raise InvalidInputError(
            f"A token cannot have the scopes {refused}.",
            errors=[{"field": "scopes", "message": f"not for tokens: {refused}"}],
        )
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = new_token()
    expires = utcnow() + timedelta(days=data.expires_in_days) if data.expires_in_days else None
    token = ApiToken(
        name=data.name,
        prefix=prefix,
        token_hash=digest(secret),
        scopes=sorted(s.value for s in set(data.scopes)),
        created_by=created_by,
        expires_at=expires,
    )
    session.add(token)
    session.flush()
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def resolve_token(session: Session, raw: str) -> Actor | None:
    if not raw.startswith(TOKEN_PREFIX) or "_" not in raw[len(TOKEN_PREFIX) :]:
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    now = utcnow()
    if (
        token is None
        or not same(token.token_hash, digest(secret))
        or token.revoked_at is not None
        or (token.expires_at is not None and now >= token.expires_at)
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        token.last_used_at = now
    return Actor(ActorKind.token, token.id, token.name, frozenset(Scope(s) for s in token.scopes))


def revoke_token(session: Session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def has_users(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def create_first_admin(session: Session, email: str) -> str | None:
    """On a database without users: an admin with a generated password, returned once."""
    if has_users(session):
        return None
    _, password = create_user(
        session, UserCreate(email=email, name="Administrator", role=Role.admin)
    )
    return password


def list_audit_query(
    entity: str | None,
    entity_id: str | None,
    actor_kind: ActorKind | None,
    actor_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    conditions = {
        AuditEntry.entity: entity,
        AuditEntry.entity_id: entity_id,
        AuditEntry.actor_kind: actor_kind,
        AuditEntry.actor_id: actor_id,
    }
    for column, value in conditions.items():
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    return query
