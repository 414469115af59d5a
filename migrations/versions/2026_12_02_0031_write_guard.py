"""``jts_expect(ok, what)``: a statement's guard against lost updates.

A save written as one statement of data-modifying CTEs (the task-and-timer save, sent
with its audit entries and outbox events) ends with ``jts_expect(<the versioned update
found its row>, 'task')``: when a concurrent change won, the function raises SQLSTATE
``JT409`` and the whole statement writes nothing — so such a statement is safe on its
own, outside an explicit transaction. The store reads JT409 as CONFLICT.

Revision ID: 0031_write_guard
Revises: 0020_activity
Create Date: 2026-12-02 07:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031_write_guard"
down_revision: str | None = "0020_activity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION jts_expect(ok boolean, what text) RETURNS boolean
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            IF ok IS NOT TRUE THEN
                RAISE EXCEPTION 'the % was changed by someone else; reload and retry', what
                    USING ERRCODE = 'JT409';
            END IF;
            RETURN true;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION jts_expect(boolean, text)")
