"""audit entity_id holds a case's key: source (50) / external_id (100) is up to 151 characters

Revision ID: e4a5b6c7d8f9
Revises: d3f4a5b6c7e8
Create Date: 2026-12-07 15:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e4a5b6c7d8f9"
down_revision: str | None = "d3f4a5b6c7e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "entity_id",
            existing_type=sa.String(length=100),
            type_=sa.String(length=200),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "entity_id",
            existing_type=sa.String(length=200),
            type_=sa.String(length=100),
            existing_nullable=False,
        )
