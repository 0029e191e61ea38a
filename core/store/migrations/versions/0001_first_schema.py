"""first schema: users, templates, batches, results, deviations, audit trail

Append-only tables (audit_event, result, deviation_link) get triggers that refuse UPDATE and DELETE.
A later migration that rebuilds one of them in SQLite batch mode must create its triggers again.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 15:18:25.919399
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("audit_event", "result", "deviation_link")
GENESIS_HASH = "0" * 64


# (column, field of the event body) — searchable columns the database computes from the body.
AUDIT_FIELDS = (
    ("at", "at"),
    ("username", "user"),
    ("action", "action"),
    ("entity", "entity"),
    ("entity_id", "entity_id"),
    ("lot", "lot"),
)


def _from_body(column: str, field: str) -> sa.Column:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        computed = sa.Computed(f"json_extract(body, '$.{field}')", persisted=False)
    elif dialect == "postgresql":
        computed = sa.Computed(f"(body::jsonb ->> '{field}')", persisted=True)
    else:
        raise RuntimeError(f"Lotbook has no audit-trail layout for the {dialect} dialect")
    return sa.Column(column, sa.String(length=128), computed, nullable=True)


def _refuse_changes(table: str) -> None:
    """Database-level guard: rows of an append-only table can be added, never changed or removed."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION lotbook_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
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
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_username"), ["username"], unique=True)

    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        # The event exactly as hashed (canonical JSON). The columns below are computed from it by
        # the database, so they can be searched and indexed but never disagree with it.
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        *[_from_body(column, field) for column, field in AUDIT_FIELDS],
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        for column in ("at", "username", "action", "lot"):
            batch_op.create_index(f"ix_audit_event_{column}", [column], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=True),
        sa.Column("clock_alarm", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "clock_anomaly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("newest_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "site_setting",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("product_family", sa.String(length=20), nullable=False),
        sa.Column("autologous", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version", name="uq_template_key_version"),
    )
    with op.batch_alter_table("template_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_template_version_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_template_version_sha256"), ["sha256"], unique=False)

    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column("product_family", sa.String(length=20), nullable=False),
        sa.Column("coi_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_version_id"],
            ["template_version.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_lot"), ["lot"], unique=True)

    op.create_table(
        "deviation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deviation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deviation_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deviation_ref"), ["ref"], unique=True)

    op.create_table(
        "deviation_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deviation_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=64), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deviation_id"],
            ["deviation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("deviation_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deviation_link_deviation_id"), ["deviation_id"], unique=False
        )

    op.create_table(
        "result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("raw_text", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("value_number", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(), nullable=True),
        sa.Column("deviation_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["deviation_id"],
            ["deviation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "check_id", "version", name="uq_result_version"),
    )
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.create_index("ix_result_batch_check", ["batch_id", "check_id"], unique=False)

    for table in APPEND_ONLY_TABLES:
        _refuse_changes(table)
    op.execute(
        sa.text(
            "INSERT INTO audit_head (id, seq, hash, at, clock_alarm) "
            "VALUES (1, 0, :genesis, NULL, FALSE)"
        ).bindparams(genesis=GENESIS_HASH)
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY_TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    with op.batch_alter_table("result", schema=None) as batch_op:
        batch_op.drop_index("ix_result_batch_check")

    op.drop_table("result")
    with op.batch_alter_table("deviation_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deviation_link_deviation_id"))

    op.drop_table("deviation_link")
    with op.batch_alter_table("deviation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deviation_ref"))
        batch_op.drop_index(batch_op.f("ix_deviation_batch_id"))

    op.drop_table("deviation")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_lot"))

    op.drop_table("batch")
    with op.batch_alter_table("template_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_template_version_sha256"))
        batch_op.drop_index(batch_op.f("ix_template_version_key"))

    op.drop_table("template_version")
    op.drop_table("site_setting")
    op.drop_table("clock_anomaly")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_username")
        batch_op.drop_index(batch_op.f("ix_audit_event_lot"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_username"))

    op.drop_table("app_user")
