"""a person's own preferences (the language they read Lotbook in)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_setting",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("username", "key"),
    )


def downgrade() -> None:
    op.drop_table("user_setting")
