"""A case's history found by an index, newest first, however long the whole audit trail.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:05:00
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_case', 'audit_events', ['case_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_case', table_name='audit_events')
