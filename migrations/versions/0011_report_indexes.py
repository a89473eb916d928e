"""The report over a period, from indexes: audit events by action and time (stage moves and
withdrawals in the period), and released items with their kind and case (exchanges by format,
and the time to release) read from the index alone.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

RELEASED = sa.text("state = 'released'")


def upgrade() -> None:
    op.create_index('ix_audit_events_action', 'audit_events', ['action', 'occurred_at'], unique=False)
    op.drop_index('ix_items_released', table_name='items')
    op.create_index(
        'ix_items_released',
        'items',
        ['released_at', 'submitted_at', 'kind', 'case_id'],
        unique=False,
        postgresql_where=RELEASED,
        sqlite_where=RELEASED,
    )


def downgrade() -> None:
    op.drop_index('ix_items_released', table_name='items')
    op.create_index(
        'ix_items_released',
        'items',
        ['released_at', 'submitted_at'],
        unique=False,
        postgresql_where=RELEASED,
        sqlite_where=RELEASED,
    )
    op.drop_index('ix_audit_events_action', table_name='audit_events')
