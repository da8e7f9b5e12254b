"""event series as records, participant types, pupils at the door

Event series become records chosen from a list (`event_series`: a stable key, a unique name);
events point at one (`series_id`) instead of carrying free text. Every distinct series text of
the events becomes a series with a key made from it ("Iværksætteruge 46" →
"ivaerksaetteruge-46"); texts that differ only in case or spacing become one series. Goals that
counted a series by its text (`metric_params.series`) count it by its key from now on.
Registrations get a participant type (existing ones: company representatives, as counted so
far) and events a door count of pupils. The downgrade writes the series' names back as text.

Revision ID: 9a6c3d4e5f12
Revises: 8e5f2b3c0d41
Create Date: 2026-12-06 10:00:00
"""

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "9a6c3d4e5f12"
down_revision: str | None = "8e5f2b3c0d41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTICIPANT_TYPES = ("company_representative", "citizen", "pupil", "other")

event_series = sa.table(
    "event_series",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("name", sa.String),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("series", sa.String),
    sa.column("series_id", sa.Integer),
)
goals = sa.table("goals", sa.column("id", sa.Integer), sa.column("metric_params", sa.JSON))


def _key(name: str) -> str:
    """The key a name gives (as api.events.series.series_key, frozen here)."""
    text = name.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:100].rstrip("-") or "serie"


def _tidy(name: str) -> str:
    return " ".join(name.split())


@contextmanager
def _children_kept(table: str) -> Iterator[None]:
    """Keep the rows that point at `table` while batch mode rebuilds it on SQLite.

    SQLite alters a table by copying it and dropping the old one, and with foreign keys on,
    that drop fires the children's ON DELETE actions: every registration, session and
    initiative link would go with the old events table, and surveys would lose their event.
    So they are copied first and put back after (PostgreSQL alters in place).
    """
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        yield
        return
    inspector = sa.inspect(connection)
    children = [
        (name, fk, inspector.get_pk_constraint(name)["constrained_columns"])
        for name in inspector.get_table_names()
        for fk in inspector.get_foreign_keys(name)
        if fk["referred_table"] == table
    ]
    for name, _, _ in children:
        connection.exec_driver_sql(f'CREATE TEMP TABLE "keep_{name}" AS SELECT * FROM "{name}"')
    yield
    for name, fk, pk in children:
        if (fk.get("options") or {}).get("ondelete", "").upper() == "CASCADE":
            connection.exec_driver_sql(f'DELETE FROM "{name}"')
            connection.exec_driver_sql(f'INSERT INTO "{name}" SELECT * FROM "keep_{name}"')
        else:  # SET NULL (or nothing): the row is there, its reference to be restored
            same = " AND ".join(f'k."{c}" = "{name}"."{c}"' for c in pk)
            for column in fk["constrained_columns"]:
                connection.exec_driver_sql(
                    f'UPDATE "{name}" SET "{column}" = (SELECT k."{column}" FROM '
                    f'"keep_{name}" AS k WHERE {same})'
                )
        connection.exec_driver_sql(f'DROP TABLE "keep_{name}"')


def _series_goals(connection: sa.Connection) -> list[tuple[int, dict[str, Any]]]:
    rows = connection.execute(sa.select(goals.c.id, goals.c.metric_params))
    return [(id_, params) for id_, params in rows if (params or {}).get("series") is not None]


def _make_series(connection: sa.Connection, texts: list[str]) -> dict[str, int]:
    """A series per distinct text (case and spacing aside); each text → its series' id."""
    now = datetime.now(UTC)
    by_name: dict[str, int] = {}  # casefolded tidy name → id
    keys: set[str] = set()
    ids: dict[str, int] = {}
    for text in texts:
        name = _tidy(text)
        if not name:
            continue
        if name.casefold() not in by_name:
            base = _key(name)
            key, n = base, 1
            while key in keys:
                n += 1
                key = f"{base[: 100 - len(str(n)) - 1]}-{n}"
            keys.add(key)
            values = {"key": key, "name": name, "version": 1, "created_at": now, "updated_at": now}
            connection.execute(sa.insert(event_series).values(values))
            by_name[name.casefold()] = connection.scalar(
                sa.select(event_series.c.id).where(event_series.c.key == key)
            )
        ids[text] = by_name[name.casefold()]
    return ids


def upgrade() -> None:
    op.create_table(
        "event_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_series")),
        sa.UniqueConstraint("key", name=op.f("uq_event_series_key")),
        sa.UniqueConstraint("name", name=op.f("uq_event_series_name")),
    )
    with op.batch_alter_table("event_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_series_updated_at"), ["updated_at"])
    with _children_kept("events"), op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("headcount_pupils", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_series_id"), ["series_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_events_series_id_event_series"),
            "event_series",
            ["series_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _series_to_records(op.get_bind())
    with _children_kept("events"), op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_series"))
        batch_op.drop_column("series")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "participant_type",
                sa.String(length=30),
                nullable=False,
                server_default="company_representative",
            )
        )
        batch_op.create_check_constraint(
            op.f("ck_registrations_participant_type"),
            sa.column("participant_type").in_(PARTICIPANT_TYPES),
        )


def _series_to_records(connection: sa.Connection) -> None:
    """The events' series texts, and the goals' that name one, as series records."""
    texts = list(
        connection.scalars(
            sa.select(events.c.series).where(events.c.series.is_not(None)).distinct()
        )
    )
    series_goals = _series_goals(connection)
    texts += [params["series"] for _, params in series_goals if params["series"] not in texts]
    ids = _make_series(connection, sorted(texts))
    for text, series_id in ids.items():
        connection.execute(
            sa.update(events).where(events.c.series == text).values(series_id=series_id)
        )
    keys = dict(connection.execute(sa.select(event_series.c.id, event_series.c.key)).all())
    for goal_id, params in series_goals:
        series_id = ids.get(params["series"])
        if series_id is not None:  # a blank text named no series and matched nothing
            params = params | {"series": keys[series_id]}
            connection.execute(
                sa.update(goals).where(goals.c.id == goal_id).values(metric_params=params)
            )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_registrations_participant_type"), type_="check")
        batch_op.drop_column("participant_type")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("series", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_series"), ["series"], unique=False)
    connection = op.get_bind()
    names = dict(connection.execute(sa.select(event_series.c.id, event_series.c.name)).all())
    for series_id, name in names.items():
        connection.execute(
            sa.update(events).where(events.c.series_id == series_id).values(series=name)
        )
    by_key = dict(connection.execute(sa.select(event_series.c.key, event_series.c.name)).all())
    for goal_id, params in _series_goals(connection):
        if params["series"] in by_key:
            params = params | {"series": by_key[params["series"]]}
            connection.execute(
                sa.update(goals).where(goals.c.id == goal_id).values(metric_params=params)
            )
    with _children_kept("events"), op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_series_id_event_series"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_events_series_id"))
        batch_op.drop_column("headcount_pupils")
        batch_op.drop_column("series_id")
    with op.batch_alter_table("event_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_series_updated_at"))
    op.drop_table("event_series")
