"""anchored audit trail: clock incidents, checkpoints, signatures bound to the chain head, seals

A clock that reads behind the newest event no longer refuses writes: the write goes on and a
clock incident is opened, for an administrator to clear with a reason and an e-signature. Signed
checkpoints of the chain head are kept (append-only). A signature records the chain head it was
made on. From this revision on, each unit of work seals the state rows it changes into its audit
event; the rows that exist at the upgrade are sealed as they stand, in the chain.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:40:00
"""

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _append_only(table: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )
    else:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lotbook_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lotbook_refuse_change()"
        )


def upgrade() -> None:
    op.add_column("signature", sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.add_column("signature", sa.Column("chain_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "clock_incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_seq", sa.Integer(), nullable=False),
        sa.Column("ahead_from_seq", sa.Integer(), nullable=False),
        sa.Column("ahead_to_seq", sa.Integer(), nullable=False),
        sa.Column("ahead_at", sa.String(length=32), nullable=False),
        sa.Column("clock_read", sa.String(length=32), nullable=False),
        sa.Column("found_by", sa.String(length=64), nullable=False),
        sa.Column("cleared_by", sa.String(length=64), nullable=True),
        _utc("cleared_at", nullable=True),
        sa.Column("clear_reason", sa.String(), nullable=True),
        sa.Column("statement", sa.String(), nullable=True),
        sa.Column("crypto_signature", sa.String(), nullable=True),
        sa.Column("certificate_serial", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        _utc("at"),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("signer", sa.String(length=64), nullable=False),
        sa.Column("statement", sa.String(), nullable=False),
        sa.Column("crypto_signature", sa.String(), nullable=False),
        sa.Column("signing_key_id", sa.Integer(), nullable=False),
        sa.Column("certificate_serial", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["signing_key_id"], ["signing_key.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _append_only("audit_checkpoint")
    from core.store.reseal import reseal_existing

    reseal_existing(
        op.get_bind(),
        context.config.attributes.get("clock"),
        "Schema 0006: the state rows are sealed as they stand at the upgrade.",
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoint")
    op.drop_table("clock_incident")
    op.drop_column("signature", "chain_hash")
    op.drop_column("signature", "chain_seq")
