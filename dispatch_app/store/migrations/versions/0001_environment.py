"""The environment: MSP, technicians, rotations, overrides, clients and their parts.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Instants are stored as naive UTC (see dispatch_app.store.types.UTCDateTime).
INSTANT = sa.DateTime(timezone=False)


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", INSTANT, nullable=True),
        sa.Column("updated_by", sa.String(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "msp",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        *_tracked(),
        sa.CheckConstraint("id = 1", name=op.f("ck_msp_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_msp")),
    )
    op.create_table(
        "technicians",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technicians")),
    )
    op.create_table(
        "technician_unavailability",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.String(), nullable=False),
        sa.Column("starts_at", INSTANT, nullable=False),
        sa.Column("ends_at", INSTANT, nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["technician_id"], ["technicians.id"], ondelete="CASCADE",
            name=op.f("fk_technician_unavailability_technician_id_technicians"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_technician_unavailability")),
    )
    op.create_index(
        op.f("ix_technician_unavailability_technician_id"), "technician_unavailability", ["technician_id"]
    )
    op.create_table(
        "rotations",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("start_local", sa.String(), nullable=True),
        sa.Column("length", sa.String(), nullable=True),
        sa.Column("active", sa.String(), nullable=True),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("ical_source", sa.String(), nullable=True),
        sa.Column("ical_content", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotations")),
    )
    op.create_table(
        "overrides",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rotation_id", sa.String(), nullable=False),
        sa.Column("tech_id", sa.String(), nullable=False),
        sa.Column("starts_at", INSTANT, nullable=False),
        sa.Column("ends_at", INSTANT, nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["rotation_id"], ["rotations.id"], ondelete="CASCADE",
            name=op.f("fk_overrides_rotation_id_rotations"),
        ),
        sa.ForeignKeyConstraint(["tech_id"], ["technicians.id"], name=op.f("fk_overrides_tech_id_technicians")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_overrides")),
    )
    op.create_index(op.f("ix_overrides_position"), "overrides", ["position"])
    op.create_index(op.f("ix_overrides_rotation_id"), "overrides", ["rotation_id"])
    op.create_index(op.f("ix_overrides_tech_id"), "overrides", ["tech_id"])

    op.create_table(
        "clients",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("industry", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("agreement", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
    )
    op.create_table(
        "contacts",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=True),
        sa.Column("may_authorize", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], ondelete="CASCADE", name=op.f("fk_contacts_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_client_id"), "contacts", ["client_id"])
    op.create_table(
        "systems",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("criticality", sa.String(), nullable=False),
        sa.Column("fix_level", sa.Integer(), nullable=False),
        sa.Column("depends_on", sa.JSON(), nullable=False),
        sa.Column("vendor", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], ondelete="CASCADE", name=op.f("fk_systems_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_systems")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_systems_client_id")),
    )
    op.create_table(
        "experts",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("system_pk", sa.Integer(), nullable=False),
        sa.Column("tech_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["system_pk"], ["systems.pk"], ondelete="CASCADE", name=op.f("fk_experts_system_pk_systems")
        ),
        sa.ForeignKeyConstraint(["tech_id"], ["technicians.id"], name=op.f("fk_experts_tech_id_technicians")),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_experts")),
        sa.UniqueConstraint("system_pk", "tech_id", name=op.f("uq_experts_system_pk")),
    )
    op.create_index(op.f("ix_experts_tech_id"), "experts", ["tech_id"])
    op.create_table(
        "runbooks",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(), nullable=False),
        sa.Column("system_pk", sa.Integer(), nullable=True),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("review_days", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], ondelete="CASCADE", name=op.f("fk_runbooks_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["system_pk"], ["systems.pk"], ondelete="CASCADE", name=op.f("fk_runbooks_system_pk_systems")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_runbooks")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_runbooks_client_id")),
    )
    op.create_index(op.f("ix_runbooks_system_pk"), "runbooks", ["system_pk"])

    changes = op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", INSTANT, nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_changes_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.bulk_insert(changes, [{"id": 1, "counter": 0, "changed_at": None}])


def downgrade() -> None:
    for table in (
        "changes", "runbooks", "experts", "systems", "contacts", "clients",
        "overrides", "rotations", "technician_unavailability", "technicians", "msp",
    ):
        op.drop_table(table)
