"""per-check history lookups stay fast as a check's history grows (owned by the PostgreSQL work)

Recording on a check reads the versions of that check newer than the ones it has already seen:
`batch_id = ? AND check_id = ? AND version > ?`, one range of the unique index uq_result_version
(batch_id, check_id, version); SQLite and PostgreSQL both take it. The older index
ix_result_batch_check (batch_id, check_id) is a prefix of it: it serves no query the unique index
does not, costs a second index write on every entry, and would let a planner answer the lookup by
walking every version of the check through it. It is dropped, so each history lookup has the one
index that bounds it. (The slowness itself was the query: every entry read, and made views of,
the check's whole history; see core/records/result_rows.py.)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:40:00
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain DROP INDEX: no table rebuild, so the append-only triggers of result stay as they are
    op.drop_index("ix_result_batch_check", table_name="result")


def downgrade() -> None:
    op.create_index("ix_result_batch_check", "result", ["batch_id", "check_id"], unique=False)
