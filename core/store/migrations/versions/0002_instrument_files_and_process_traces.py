"""instrument files and process traces

Imported files (exact bytes + SHA-256), trace channels and their point blocks, live captures and
the chunks they took in are append-only, like the audit trail; excursions may be closed (ended_at).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:48:23.925836
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("instrument_file", "series_channel", "series_block", "capture_chunk")


def _refuse_changes(table: str) -> None:
    """The same guard as the first schema's: rows can be added, never changed or removed."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lotbook_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lotbook_refuse_change()"
        )
    else:
        raise RuntimeError(f"Lotbook has no append-only guard for the {dialect} dialect")


def upgrade() -> None:

    op.create_table(
        "excursion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("limit", sa.Float(), nullable=False),
        sa.Column("extreme", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("excursion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_excursion_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "instrument_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("encoding", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    with op.batch_alter_table("instrument_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instrument_file_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "live_capture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_capture", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_capture_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "series_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "key", name="uq_series_channel"),
    )
    op.create_table(
        "capture_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capture_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("first_line", sa.Integer(), nullable=False),
        sa.Column("last_line", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["capture_id"],
            ["live_capture.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("capture_id", "seq", name="uq_capture_chunk"),
    )
    op.create_table(
        "series_block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("t_first", sa.Float(), nullable=False),
        sa.Column("t_last", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("t_data", sa.LargeBinary(), nullable=False),
        sa.Column("v_data", sa.LargeBinary(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["series_channel.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("series_block", schema=None) as batch_op:
        batch_op.create_index("ix_series_block_channel_t", ["channel_id", "t_first"], unique=False)

    for table in APPEND_ONLY_TABLES:
        _refuse_changes(table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    with op.batch_alter_table("series_block", schema=None) as batch_op:
        batch_op.drop_index("ix_series_block_channel_t")

    op.drop_table("series_block")
    op.drop_table("capture_chunk")
    op.drop_table("series_channel")
    with op.batch_alter_table("live_capture", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_capture_batch_id"))

    op.drop_table("live_capture")
    with op.batch_alter_table("instrument_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_file_batch_id"))

    op.drop_table("instrument_file")
    with op.batch_alter_table("excursion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_excursion_batch_id"))

    op.drop_table("excursion")
