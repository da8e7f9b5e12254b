"""machine client limits: an idempotency key remembers what was sent with it (the same key
with another request is refused), and a token may have its own limit of requests a minute

Revision ID: d3f4a5b6c7e8
Revises: c2e3f4a5b6d7
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d3f4a5b6c7e8"
down_revision: str | None = "c2e3f4a5b6d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requests_per_minute", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("requests_per_minute")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_column("request_hash")
