"""Running an organization: stored pending summaries, archived task templates, and the
new defaults of the idle and overtime thresholds.

* ``pending_summaries``: each employee's open work as the 5-minute job last counted it,
  keyed by (organization, employee).
* ``task_templates.archived_at``: an archived template generates nothing more.
* Settings documents still holding the old defaults of the idle (30 min) and overtime
  (60 min) thresholds get the new ones (5 and 540 min); nothing could change them before.
* The outbox consumer that queues score recalculations for stopped timers starts after
  the outbox it finds.

Revision ID: 0030_administration
Revises: 0006_score_fingerprint
Create Date: 2026-12-02 10:00:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_administration"
down_revision: str | None = "0006_score_fingerprint"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = (
    "low",
    "medium",
    "high",
    "urgent",
    "overdue",
    "due_today",
    "due_this_week",
    "due_this_month",
)
_LEVELS = ("level", "pending_level", "urgent_level", "overdue_level")
_LEVEL_IN = "IN ('LOW', 'MODERATE', 'HIGH', 'CRITICAL')"
_SCORE_CONSUMER = "scores.recalculate_on_timer_stop"

_SET_DEFAULTS = """
UPDATE organizations
SET settings = settings
    || CASE WHEN (settings ->> 'idle_minutes')::int = {idle_old}
            THEN '{{"idle_minutes": {idle_new}}}'::jsonb ELSE '{{}}'::jsonb END
    || CASE WHEN (settings ->> 'overtime_minutes')::int = {overtime_old}
            THEN '{{"overtime_minutes": {overtime_new}}}'::jsonb ELSE '{{}}'::jsonb END
"""


def upgrade() -> None:
    op.create_table(
        "pending_summaries",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        *(sa.Column(name, sa.Text(), nullable=False) for name in _LEVELS),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        *(
            sa.CheckConstraint(f"{name} {_LEVEL_IN}", name=op.f(f"ck_pending_summaries_{name}"))
            for name in _LEVELS
        ),
        sa.CheckConstraint(
            " AND ".join(f"{name} >= 0" for name in _COUNTS),
            name=op.f("ck_pending_summaries_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employees.id"],
            name=op.f("fk_pending_summaries_employee_id_employees"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_pending_summaries_organization_id_organizations"),
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "employee_id", name=op.f("pk_pending_summaries")
        ),
    )
    op.add_column(
        "task_templates", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(_SET_DEFAULTS.format(idle_old=30, idle_new=5, overtime_old=60, overtime_new=540))


def downgrade() -> None:
    op.execute(_SET_DEFAULTS.format(idle_old=5, idle_new=30, overtime_old=540, overtime_new=60))
    op.drop_column("task_templates", "archived_at")
    op.drop_table("pending_summaries")
