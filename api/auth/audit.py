"""The audit log: every create, update and delete, written in the same flush as the change.

A listener on every Session writes one row per changed record, with the actor the request put
in `session.info["actor"]`; a rolled-back change takes its audit rows with it. Actions that change
no row (a person's data exported, a person erased) are written with `record`, and logins,
failed logins, lock-outs and logouts with `record_login_event`.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from api.auth.models import AuditEntry, LoginFailure, UserSession
from api.auth.permissions import SYSTEM, Actor, ActorKind
from api.kit.db import utcnow

NOT_AUDITED = (AuditEntry, UserSession, LoginFailure)
SKIPPED_FIELDS = {"version", "created_at", "updated_at", "last_used_at", "last_seen_at"}
SECRET_FIELDS = {"password_hash", "token_hash"}


def set_actor(session: Session, actor: Actor) -> None:
    session.info["actor"] = actor


def record(
    session: Session,
    entity: str,
    entity_id: str,
    action: str,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Audit an action other than a create, update or delete (an export, an erasure)."""
    actor: Actor = session.info.get("actor", SYSTEM)
    # AuditEntry is NOT_AUDITED, so the flush listener never writes this row a second time.
    entry = AuditEntry(
        at=utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=_plain(changes or {}),
    )
    session.add(entry)
    return entry


def record_login_event(
    session: Session, action: str, email: str, address: str, user_id: int | None
) -> AuditEntry:
    """A login, failed login, lock-out or logout, under entity `logins` and the account's
    e-mail, by whoever it was: the user when known, else the e-mail as typed."""
    email = email.strip().lower()[:100]
    entry = AuditEntry(
        at=utcnow(),
        actor_kind=ActorKind.user,
        actor_id=user_id,
        actor_name=email,
        entity="logins",
        entity_id=email,
        action=action,
        changes={"address": address},
    )
    session.add(entry)
    return entry


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _identity(obj: Any) -> str:
    # A row inserted in this flush has its key only from after_flush_postexec on.
    state = inspect(obj)
    identity = state.identity or state.mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in identity)


def _changes(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in SKIPPED_FIELDS:
            continue
        history = state.attrs[name].history
        if action == "update" and not history.has_changes():
            continue
        # state.dict, not .value: reading must never load (and so never query) mid-flush.
        current = state.dict.get(name)
        before = history.deleted[0] if history.deleted else None
        after = current if action != "delete" else None
        if action == "delete" and not history.deleted:
            before = current
        if name in SECRET_FIELDS:
            before, after = ("***" if before else None), ("***" if after else None)
        out[name] = [_plain(before), _plain(after)]
    for rel in state.mapper.relationships:
        if rel.secondary is None:
            continue  # a foreign key column already records it
        history = state.attrs[rel.key].history
        if history.has_changes() or action == "create":
            now = [*history.unchanged, *history.added]
            was = [*history.unchanged, *history.deleted]
            out[rel.key] = [
                sorted(_identity(o) for o in was) if action != "create" else None,
                sorted(_identity(o) for o in now) if action != "delete" else None,
            ]
    return out


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _flush: UOWTransaction) -> None:
    actor: Actor = session.info.get("actor", SYSTEM)
    rows = []
    now = utcnow()
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            # A model audits itself by `record` when it sets `__audited__ = False`.
            if isinstance(obj, NOT_AUDITED) or not getattr(obj, "__audited__", True):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=True):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "actor_kind": actor.kind,
                    "actor_id": actor.id,
                    "actor_name": actor.name,
                    "entity": inspect(obj).mapper.local_table.name,
                    "entity_id": _identity(obj),
                    "action": action,
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
