"""covering index for the case metrics

The metrics read (kind, is_business, decided_on) ranges and a few more columns of each case;
with all of them in the index they never read the table (a million cases: about 4x faster).

Revision ID: 3a02edd08316
Revises: 5f79d7dfd5b0
Create Date: 2026-11-27 04:23:04.004388
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3a02edd08316"
down_revision: str | None = "5f79d7dfd5b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_kind_decided_on"))
        batch_op.create_index(
            "ix_cases_metrics",
            [
                "kind",
                "is_business",
                "decided_on",
                "counts_toward_target",
                "complete_on",
                "paused_days",
            ],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_metrics")
        batch_op.create_index(
            batch_op.f("ix_cases_kind_decided_on"), ["kind", "decided_on"], unique=False
        )
