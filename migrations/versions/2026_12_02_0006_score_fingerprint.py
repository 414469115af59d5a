"""Daily scores carry a fingerprint of what they show, kept by the database.

``fingerprint`` is generated from the score, reliability and breakdown (a stored
column, so existing rows get theirs when the column is added): a recalculation reads
the fingerprints of a day's scores and rewrites only the scores whose fingerprint
changed, instead of reading every breakdown back.

Revision ID: 0006_score_fingerprint
Revises: 0004_login_throttle
Create Date: 2026-12-02 04:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_score_fingerprint"
down_revision: str | None = "0004_login_throttle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out so the migration never changes with the code (jts_store.tables.scores).
_FINGERPRINT = (
    "md5(coalesce(score::text, '') || '/' || coalesce(reliability::text, '') || '/' "
    "|| metrics::text)"
)


def upgrade() -> None:
    op.add_column(
        "daily_scores",
        sa.Column(
            "fingerprint",
            sa.Text(),
            sa.Computed(_FINGERPRINT, persisted=True),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("daily_scores", "fingerprint")
