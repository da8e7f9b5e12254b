"""trajectories, milestone deadlines, demo rows

Targets gain an upper bound (a range such as "3-4 forløb"), a due date and a monthly profile
(phasing); goals gain a deadline for milestones and the directions and paces the plan's words
need ("mere end", "én gang om måneden"); events gain expected participants for the calendar
basis; rows made by `erhverv load-demo` are marked so that no figure counts them.

Revision ID: 7d4e1a2b9c30
Revises: 3a02edd08316
Create Date: 2026-12-05 09:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d4e1a2b9c30"
down_revision: str | None = "3a02edd08316"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VALUE = sa.Numeric(precision=18, scale=2)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


OLD_DIRECTION = _enum("goal_direction", "at_least", "at_most")
NEW_DIRECTION = _enum("goal_direction", "at_least", "at_most", "more_than")
OLD_PACE = _enum("goal_pace", "cumulative", "level")
NEW_PACE = _enum("goal_pace", "cumulative", "level", "monthly")


def upgrade() -> None:
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.alter_column("direction", existing_type=OLD_DIRECTION, type_=NEW_DIRECTION)
        batch_op.alter_column("pace", existing_type=OLD_PACE, type_=NEW_PACE)
    with op.batch_alter_table("goal_targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upper", VALUE, nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("monthly_profile", sa.JSON(), nullable=True))
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_participants", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    for table in ("companies", "people"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    # Demo rows made before this revision are known by the marks load-demo gave them.
    op.execute("UPDATE events SET is_demo = true WHERE title LIKE '[Demo] %'")
    op.execute("UPDATE companies SET is_demo = true WHERE name LIKE 'Demo % ApS'")
    op.execute("UPDATE people SET is_demo = true WHERE email LIKE '%@demo.invalid'")


def downgrade() -> None:
    for table in ("people", "companies"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("is_demo")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("is_demo")
        batch_op.drop_column("expected_participants")
    with op.batch_alter_table("goal_targets", schema=None) as batch_op:
        batch_op.drop_column("monthly_profile")
        batch_op.drop_column("due_on")
        batch_op.drop_column("upper")
    op.execute("UPDATE goals SET direction = 'at_least' WHERE direction = 'more_than'")
    op.execute("UPDATE goals SET pace = 'cumulative' WHERE pace = 'monthly'")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.alter_column("pace", existing_type=NEW_PACE, type_=OLD_PACE)
        batch_op.alter_column("direction", existing_type=NEW_DIRECTION, type_=OLD_DIRECTION)
        batch_op.drop_column("due_on")
