"""custody of autologous material and the labels printed for a batch

Both tables are append-only.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPEND_ONLY = ("custody_event", "label_print")


def _append_only(table: str) -> None:
    """The same guard as the other append-only tables: rows are added, never changed or removed."""
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


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int | None = None, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "custody_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        _text("kind", 24),
        _utc("occurred_at"),
        _text("location"),
        _text("container_id", 64, nullable=True),
        _text("logger_id", 64, nullable=True),
        _text("temperature", nullable=True),
        _text("coi_scanned", 64),
        _text("note", nullable=True),
        _text("recorded_by", 64),
        _utc("recorded_at"),
        _text("signer_name", nullable=True),
        _text("statement", nullable=True),
        _text("crypto_signature", nullable=True),
        _text("certificate_serial", 64, nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_custody_event_batch_id", "custody_event", ["batch_id"])
    op.create_table(
        "label_print",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        _text("kind", 16),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_serial", sa.Integer(), nullable=False),
        _text("stock", 32),
        _text("format", 8),
        _text("sha256", 64),
        _text("reason", nullable=True),
        _text("printed_by", 64),
        _utc("printed_at"),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_label_print_batch_id", "label_print", ["batch_id"])
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    op.drop_table("label_print")
    op.drop_table("custody_event")
