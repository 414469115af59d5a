"""Operations: external ids for the roster sync, each organization's roster source, and
the two operations jobs (sync_roster, apply_retention) allowed in the job tables.

The job-name CHECKs are extended with this revision's two names on top of whatever the
database allows already (read from the constraint), and narrowed back on downgrade, so
other revisions may add jobs of their own in any order.

Revision ID: 0040_operations
Revises: 0050_delivery
Create Date: 2026-12-02 10:00:00+00:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0040_operations"
down_revision: str | None = "0050_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JOBS = ("sync_roster", "apply_retention")
_JOB_CHECKS = (("job_executions", "ck_job_executions_job"), ("job_controls", "ck_job_controls_job"))


def _allowed_jobs(table: str, constraint: str) -> list[str]:
    definition = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.conname = :name AND c.conrelid = CAST(:table AS regclass)"
            ),
            {"name": constraint, "table": table},
        )
        .scalar_one()
    )
    return re.findall(r"'([a-z_]+)'", definition)


def _allow_jobs(table: str, constraint: str, jobs: list[str]) -> None:
    op.drop_constraint(op.f(constraint), table, type_="check")
    allowed = ", ".join(f"'{job}'" for job in jobs)
    op.create_check_constraint(op.f(constraint), table, f"job IN ({allowed})")


def upgrade() -> None:
    for table, constraint in _JOB_CHECKS:
        jobs = _allowed_jobs(table, constraint)
        _allow_jobs(table, constraint, jobs + [j for j in _JOBS if j not in jobs])
    op.add_column("employees", sa.Column("external_id", sa.Text(), nullable=True))
    op.create_unique_constraint(
        op.f("uq_employees_organization_id_external_id"),
        "employees",
        ["organization_id", "external_id"],
    )
    op.add_column("roster_entries", sa.Column("external_id", sa.Text(), nullable=True))
    op.create_unique_constraint(
        op.f("uq_roster_entries_organization_id_external_id"),
        "roster_entries",
        ["organization_id", "external_id"],
    )
    op.create_table(
        "roster_sources",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_counts", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_roster_sources_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["employees.id"],
            name=op.f("fk_roster_sources_updated_by_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_roster_sources")),
    )
    op.create_index(
        op.f("ix_roster_sources_updated_by"), "roster_sources", ["updated_by"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_sources_updated_by"), table_name="roster_sources")
    op.drop_table("roster_sources")
    op.drop_constraint(
        op.f("uq_roster_entries_organization_id_external_id"), "roster_entries", type_="unique"
    )
    op.drop_column("roster_entries", "external_id")
    op.drop_constraint(
        op.f("uq_employees_organization_id_external_id"), "employees", type_="unique"
    )
    op.drop_column("employees", "external_id")
    for table, constraint in _JOB_CHECKS:
        op.execute(
            # the table name is this module's own constant
            sa.text(f"DELETE FROM {table} WHERE job = ANY(:jobs)").bindparams(  # noqa: S608
                jobs=list(_JOBS)
            )
        )
        jobs = [j for j in _allowed_jobs(table, constraint) if j not in _JOBS]
        _allow_jobs(table, constraint, jobs)
