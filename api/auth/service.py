"""Authentication logic: users, sessions, tokens and login throttling. No FastAPI here."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Select, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session

from api.auth.models import ApiToken, AuditEntry, LoginFailure, User, UserSession
from api.auth.permissions import (
    ROLE_SCOPES,
    TOKEN_SCOPES,
    Actor,
    ActorKind,
    Role,
    Scope,
    describe_scope,
)
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
from api.kit.data_version import VERSION_COLUMN
from api.kit.db import utcnow
from api.kit.errors import ConflictError, InvalidInputError, NotFoundError

# Write a session's or token's "last seen" at most this often: reads stay reads.
TOUCH_INTERVAL = timedelta(seconds=60)
TOKEN_PREFIX = "erh_"
PREFIX_BYTES = 4
DEFAULT_TOKEN_MAX_DAYS = 365


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"No user with id {user_id}.")
    return user


def list_users_query() -> Select[User]:
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
    for name, value in changes.items():
        setattr(user, name, value)
    if changes.get("is_active") is False:
        end_sessions(session, user.id)
    session.flush()
    return user


def set_password(session: Session, user: User, new: str) -> None:
    """A new password (the caller has checked the current one); ends all the user's logins."""
    user.password_hash = hash_password(new)
    end_sessions(session, user.id)
    session.flush()


@dataclass(frozen=True)
class LoginCheck:
    """What a login (or password change) attempt meets before its password is checked."""

    retry_after: int | None = None  # this account from this address, or this address: 429
    slow: bool = False  # the account has many failures from all addresses: answer slowly


def _pair_key(email: str, client: str) -> str:
    # Hashed: an e-mail (254) and an address together may not fit the column.
    return "pair:" + digest(f"{normalise_email(email)}|{client}")


def _account_key(email: str) -> str:
    return f"email:{normalise_email(email)[:290]}"


def _address_key(client: str) -> str:
    return f"ip:{client}"


def _recent_failures(session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    count, oldest = session.execute(
        select(func.count(LoginFailure.id), func.min(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    ).one()
    return count, oldest


def check_login(session: Session, settings: Settings, email: str, client: str) -> LoginCheck:
    """Read only. The pair (account, address) is locked out after `login_max_failures`, the
    address after `login_max_failures_per_address` for any accounts; the account itself is
    only slowed, so nobody can lock its owner out by failing on purpose from elsewhere."""
    window = timedelta(minutes=settings.login_window_minutes)
    since = utcnow() - window
    limits = (
        (_pair_key(email, client), settings.login_max_failures),
        (_address_key(client), settings.login_max_failures_per_address),
    )
    for key, limit in limits:
        count, oldest = _recent_failures(session, key, since)
        if count >= limit and oldest is not None:
            wait = (oldest + window - utcnow()).total_seconds()
            return LoginCheck(retry_after=max(1, int(wait) + 1))
    count, _ = _recent_failures(session, _account_key(email), since)
    return LoginCheck(slow=count >= settings.login_max_failures)


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def password_matches(user: User | None, password: str) -> bool:
    """Argon2, deliberately slow: call it outside any transaction. An unknown user costs the
    same time as a wrong password."""
    ok = verify_password(user.password_hash if user else None, password)
    return user is not None and ok and user.is_active


def record_failure(session: Session, settings: Settings, email: str, client: str) -> bool:
    """Count a failed login for the pair, the account and the address; True when it is the
    one that locks the pair out."""
    keys = (_pair_key(email, client), _account_key(email), _address_key(client))
    session.add_all(LoginFailure(key=key, at=utcnow()) for key in keys)
    session.flush()
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    count, _ = _recent_failures(session, keys[0], since)
    return count == settings.login_max_failures


def forget_failures(session: Session, email: str, client: str) -> None:
    """A success clears this pair's count; the account's ages out (an attack may go on)."""
    session.execute(delete(LoginFailure).where(LoginFailure.key == _pair_key(email, client)))


def start_session(session: Session, settings: Settings, user: User) -> tuple[str, str]:
    """A new login session: returns the cookie token and the CSRF token."""
    token, csrf = new_token(), new_token()
    now = utcnow()
    # Requests never delete a login that has run out (a refused one writes nothing): here.
    idle = timedelta(minutes=settings.session_idle_minutes)
    session.execute(
        delete(UserSession).where(
            or_(UserSession.expires_at <= now, UserSession.last_seen_at <= now - idle)
        )
    )
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


# Asked on every request: Core statements built once, on a connection, cost a
# fraction of an ORM query of the same rows (nothing is loaded into the identity map). The
# data version comes in the same round trip, for a read then served from memory.
_SESSION_BY_HASH = (
    select(
        UserSession.id,
        UserSession.csrf_token,
        UserSession.expires_at,
        UserSession.last_seen_at,
        User.id.label("user_id"),
        User.name,
        User.role,
        User.is_active,
        VERSION_COLUMN,
    )
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
_TOKEN_BY_PREFIX = select(*ApiToken.__table__.c, VERSION_COLUMN).where(
    ApiToken.prefix == bindparam("prefix")
)


def resolve_session(connection: Connection, settings: Settings, token: str) -> Actor | None:
    """The user of a login session, or None; reads only (see `touch`)."""
    row = connection.execute(_SESSION_BY_HASH, {"token_hash": digest(token)}).first()
    if row is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    if not row.is_active or now >= row.expires_at or now >= row.last_seen_at + idle:
        return None
    return Actor(
        ActorKind.user,
        row.user_id,
        row.name,
        ROLE_SCOPES[row.role],
        row.role,
        csrf_token=row.csrf_token,
        session_id=row.id,
        touch_due=now - row.last_seen_at >= TOUCH_INTERVAL,
        data_version=row.data_version,
    )


def touch(session: Session | Connection, actor: Actor) -> None:
    """Write the last use of the actor's login session or token; once the request is allowed."""
    now = utcnow()
    if actor.kind is ActorKind.user and actor.session_id is not None:
        statement = update(UserSession).where(UserSession.id == actor.session_id)
        session.execute(statement.values(last_seen_at=now))
    elif actor.kind is ActorKind.token and actor.id is not None:
        statement = update(ApiToken).where(ApiToken.id == actor.id)
        session.execute(statement.values(last_used_at=now))


def end_session(session: Session, token: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == digest(token)))


def end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(UserSession).where(UserSession.user_id == user_id))


def list_tokens_query() -> Select[ApiToken]:
    return select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())


def get_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(f"No API token with id {token_id}.")
    return token


def create_token(
    session: Session,
    data: TokenCreate,
    created_by: str,
    max_days: int = DEFAULT_TOKEN_MAX_DAYS,
) -> tuple[ApiToken, str]:
    """A new machine token: returns the row and the token, which is shown only this once.
    Every token expires: without a lifetime it gets `max_days`; a longer one is refused."""
    refused = sorted(set(data.scopes) - TOKEN_SCOPES)
    if refused:
        words = ", ".join(describe_scope(scope) for scope in refused)
        raise InvalidInputError(
            f"En API-nøgle kan ikke få tilladelsen {words}.",
            errors=[{"field": "scopes", "message": f"ikke for API-nøgler: {words}"}],
        )
    days = data.expires_in_days or max_days
    if days > max_days:
        message = f"højst {max_days} dage"
        raise InvalidInputError(
            f"En API-nøgle kan leve {message}.",
            errors=[{"field": "expires_in_days", "message": message}],
        )
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = new_token()
    expires = utcnow() + timedelta(days=days)
    token = ApiToken(
        name=data.name,
        prefix=prefix,
        token_hash=digest(secret),
        scopes=sorted(s.value for s in set(data.scopes)),
        created_by=created_by,
        expires_at=expires,
        requests_per_minute=data.requests_per_minute,
    )
    session.add(token)
    session.flush()
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


def resolve_token(
    connection: Connection, raw: str, max_days: int = DEFAULT_TOKEN_MAX_DAYS
) -> Actor | None:
    """The client of a token, or None; reads only (see `touch`). A token never outlives
    `max_days` from its creation, one made before every token had an expiry included."""
    if not raw.startswith(TOKEN_PREFIX) or "_" not in raw[len(TOKEN_PREFIX) :]:
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    token = connection.execute(_TOKEN_BY_PREFIX, {"prefix": prefix}).first()
    now = utcnow()
    if (
        token is None
        or not same(token.token_hash, digest(secret))
        or token.revoked_at is not None
        or (token.expires_at is not None and now >= token.expires_at)
        or now >= token.created_at + timedelta(days=max_days)
    ):
        return None
    due = token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL
    scopes = frozenset(Scope(s) for s in token.scopes)
    return Actor(
        ActorKind.token,
        token.id,
        token.name,
        scopes,
        touch_due=due,
        requests_per_minute=token.requests_per_minute,
        data_version=token.data_version,
    )


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
) -> Select[AuditEntry]:
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
