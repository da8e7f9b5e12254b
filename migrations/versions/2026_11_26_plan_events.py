"""plan events: a key for events the plan file states, tentative dates; wider audit actions

Revision ID: 5c1d2e3f4a5b
Revises: f82dea015d7e
Create Date: 2026-11-26 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5c1d2e3f4a5b"
down_revision: str | None = "f82dea015d7e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_key", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column("tentative", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_unique_constraint(batch_op.f("uq_events_plan_key"), ["plan_key"])
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "action", existing_type=sa.String(length=10), type_=sa.String(length=40)
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "action", existing_type=sa.String(length=40), type_=sa.String(length=10)
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_events_plan_key"), type_="unique")
        batch_op.drop_column("tentative")
        batch_op.drop_column("plan_key")
