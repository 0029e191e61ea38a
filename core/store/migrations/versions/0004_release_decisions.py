"""release decisions: template approval, instrument measurement times, excursion assessment

Template versions are approved by QA with an e-signature before they start batches. A recorded
value keeps the instrument's own measurement time and zone (and why a time outside its window was
accepted); each imported measurement is kept once by its fingerprint. Excursions are assessed (a
deviation or QA's reason). A signature may carry the details its disposition rests on. The new
tables are append-only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("template_approval", "instrument_measurement", "excursion_assessment")


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


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "template_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column("template_sha256", sa.String(length=64), nullable=False),
        sa.Column("confirmed", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=20), nullable=False),
        _utc("signed_at"),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("crypto_signature", sa.String(), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("certificate_serial", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["template_version_id"], ["template_version.id"]),
        sa.ForeignKeyConstraint(["signing_key_id"], ["signing_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_template_approval_template_version_id", "template_approval", ["template_version_id"]
    )
    op.create_table(
        "instrument_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("instrument", sa.String(length=120), nullable=True),
        sa.Column("sample_id", sa.String(length=200), nullable=False),
        _utc("measured_at", nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["file_id"], ["instrument_file.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fingerprint"),
    )
    op.create_index("ix_instrument_measurement_batch_id", "instrument_measurement", ["batch_id"])
    op.create_table(
        "excursion_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("excursion_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("deviation_id", sa.Integer(), nullable=True),
        sa.Column("assessment", sa.String(), nullable=False),
        sa.Column("assessed_by", sa.String(length=64), nullable=False),
        sa.Column("assessed_role", sa.String(length=20), nullable=False),
        _utc("assessed_at"),
        sa.ForeignKeyConstraint(["excursion_id"], ["excursion.id"]),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["deviation_id"], ["deviation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_excursion_assessment_excursion_id", "excursion_assessment", ["excursion_id"]
    )
    # Plain ADD COLUMN (no table rebuild): the append-only triggers on result and signature stay.
    op.add_column("result", _utc("measured_at", nullable=True))
    op.add_column("result", sa.Column("measured_zone", sa.String(length=64), nullable=True))
    op.add_column("result", sa.Column("timing_reason", sa.String(), nullable=True))
    op.add_column("signature", sa.Column("details", sa.String(), nullable=True))
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
    op.drop_column("signature", "details")
    op.drop_column("result", "timing_reason")
    op.drop_column("result", "measured_zone")
    op.drop_column("result", "measured_at")
    op.drop_index("ix_excursion_assessment_excursion_id", table_name="excursion_assessment")
    op.drop_table("excursion_assessment")
    op.drop_index("ix_instrument_measurement_batch_id", table_name="instrument_measurement")
    op.drop_table("instrument_measurement")
    op.drop_index("ix_template_approval_template_version_id", table_name="template_approval")
    op.drop_table("template_approval")
