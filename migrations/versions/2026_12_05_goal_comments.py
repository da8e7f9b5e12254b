"""goal comments: the written status of a goal by the one who answers for it

Revision ID: 8e5f2b3c0d41
Revises: 7d4e1a2b9c30
Create Date: 2026-12-05 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8e5f2b3c0d41"
down_revision: str | None = "7d4e1a2b9c30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goal_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
            name=op.f("fk_goal_comments_goal_id_goals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_comments")),
    )
    with op.batch_alter_table("goal_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_comments_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goal_comments_updated_at"), ["updated_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("goal_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_comments_updated_at"))
        batch_op.drop_index(batch_op.f("ix_goal_comments_goal_id"))
    op.drop_table("goal_comments")
