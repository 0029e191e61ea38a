"""materials, their lots and QA's decisions, equipment and its events, what a batch used

``material``, ``material_lot`` and ``equipment`` carry state (sealed by the audit trail);
``material_lot_decision``, ``attachment``, ``equipment_event`` and ``material_use`` are
append-only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = ("material_lot_decision", "attachment", "equipment_event", "material_use")


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
        "material",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("code", 32),
        _text("name"),
        _text("kind", 20),
        _text("supplier"),
        _text("unit", 16),
        _utc("created_at"),
        _text("created_by", 64),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_code", "material", ["code"], unique=True)
    op.create_table(
        "material_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        _text("lot_number", 64),
        sa.Column("expiry", sa.Date(), nullable=False),
        _text("quantity_received", 32),
        _utc("received_at"),
        _text("received_by", 64),
        _text("status", 16),
        _text("status_reason", nullable=True),
        _text("status_by", 64, nullable=True),
        _utc("status_at", nullable=True),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("material_id", "lot_number", name="uq_material_lot"),
    )
    op.create_index("ix_material_lot_material_id", "material_lot", ["material_id"])
    op.create_index("ix_material_lot_lot_number", "material_lot", ["lot_number"])
    op.create_table(
        "material_lot_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        _text("old_status", 16),
        _text("status", 16),
        _text("reason"),
        _text("decided_by", 64),
        _text("decided_by_name"),
        _utc("decided_at"),
        _text("statement"),
        _text("crypto_signature"),
        _text("certificate_serial", 64),
        sa.ForeignKeyConstraint(["lot_id"], ["material_lot.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_lot_decision_lot_id", "material_lot_decision", ["lot_id"])
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("owner", 64),
        _text("kind", 32),
        _text("filename"),
        _text("sha256", 64),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _utc("attached_at"),
        _text("attached_by", 64),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner", "sha256", name="uq_attachment_owner_sha"),
    )
    op.create_index("ix_attachment_owner", "attachment", ["owner"])
    op.create_table(
        "equipment",
        sa.Column("id", sa.Integer(), nullable=False),
        _text("code", 32),
        _text("type", 32),
        _text("name"),
        _text("location"),
        _text("status", 16),
        sa.Column("calibration_due", sa.Date(), nullable=True),
        sa.Column("qualification_due", sa.Date(), nullable=True),
        sa.Column("maintenance_due", sa.Date(), nullable=True),
        _utc("created_at"),
        _text("created_by", 64),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_equipment_code", "equipment", ["code"], unique=True)
    op.create_table(
        "equipment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        _text("kind", 16),
        sa.Column("performed_on", sa.Date(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        _text("status", 16, nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        _text("certificate", nullable=True),
        _text("note", nullable=True),
        _text("recorded_by", 64),
        _utc("recorded_at"),
        sa.ForeignKeyConstraint(["equipment_id"], ["equipment.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_equipment_event_equipment_id", "equipment_event", ["equipment_id"])
    op.create_table(
        "material_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        _text("check_id", 64),
        sa.Column("lot_id", sa.Integer(), nullable=True),
        sa.Column("equipment_id", sa.Integer(), nullable=True),
        _text("quantity", 32, nullable=True),
        _text("status_at_use", 16),
        sa.Column("due_at_use", sa.Date(), nullable=True),
        sa.Column("deviation_id", sa.Integer(), nullable=True),
        _utc("used_at"),
        _text("used_by", 64),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["lot_id"], ["material_lot.id"]),
        sa.ForeignKeyConstraint(["equipment_id"], ["equipment.id"]),
        sa.ForeignKeyConstraint(["deviation_id"], ["deviation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_use_batch_id", "material_use", ["batch_id"])
    op.create_index("ix_material_use_lot_id", "material_use", ["lot_id"])
    op.create_index("ix_material_use_equipment_id", "material_use", ["equipment_id"])
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    for table in (
        "material_use",
        "equipment_event",
        "equipment",
        "attachment",
        "material_lot_decision",
        "material_lot",
        "material",
    ):
        op.drop_table(table)
