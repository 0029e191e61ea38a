"""signatures, signing keys, site CA and review

E-signatures and audit-trail review marks are append-only, like the audit trail. Signing keys and
CA key slots may only be retired (retired_at), and keys re-wrapped when their owner changes their
password; every such change is audited. Deviations gain their closure (by, at, conclusion).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("signature", "audit_trail_review")


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
        "site_ca",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cert_pem", sa.String(), nullable=False),
        _utc("created_at"),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("public_key_pem", sa.String(), nullable=False),
        sa.Column("wrapped_key", sa.String(), nullable=False),
        _utc("requested_at"),
        sa.Column("cert_pem", sa.String(), nullable=True),
        sa.Column("serial_hex", sa.String(length=64), nullable=True),
        _utc("issued_at", nullable=True),
        sa.Column("issued_by", sa.String(length=64), nullable=True),
        _utc("retired_at", nullable=True),
        sa.Column("retire_reason", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signing_key_username", "signing_key", ["username"])
    op.create_table(
        "ca_key_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("sealed_key", sa.String(), nullable=False),
        _utc("created_at"),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _utc("retired_at", nullable=True),
        sa.ForeignKeyConstraint(["signing_key_id"], ["signing_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ca_key_slot_username", "ca_key_slot", ["username"])
    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("meaning", sa.String(length=16), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_role", sa.String(length=20), nullable=False),
        _utc("signed_at"),
        sa.Column("disposition", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("content", sa.String(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("crypto_signature", sa.String(), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("certificate_serial", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.ForeignKeyConstraint(["signing_key_id"], ["signing_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signature_batch_id", "signature", ["batch_id"])
    op.create_table(
        "audit_trail_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=False),
        _utc("reviewed_at"),
        sa.Column("through_seq", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_trail_review_batch_id", "audit_trail_review", ["batch_id"])
    with op.batch_alter_table("deviation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("conclusion", sa.String(), nullable=True))
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
    with op.batch_alter_table("deviation", schema=None) as batch_op:
        batch_op.drop_column("conclusion")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by")
    op.drop_index("ix_audit_trail_review_batch_id", table_name="audit_trail_review")
    op.drop_table("audit_trail_review")
    op.drop_index("ix_signature_batch_id", table_name="signature")
    op.drop_table("signature")
    op.drop_index("ix_ca_key_slot_username", table_name="ca_key_slot")
    op.drop_table("ca_key_slot")
    op.drop_index("ix_signing_key_username", table_name="signing_key")
    op.drop_table("signing_key")
    op.drop_table("site_ca")
