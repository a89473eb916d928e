"""A participant's inbox and the report's time to release, each found by an index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 11:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

RELEASED = sa.text("state = 'released'")


def upgrade() -> None:
    op.create_index('ix_items_case_author', 'items', ['case_id', 'author_id', 'created_at'], unique=False)
    op.create_index(
        'ix_items_released',
        'items',
        ['released_at', 'submitted_at'],
        unique=False,
        postgresql_where=RELEASED,
        sqlite_where=RELEASED,
    )


def downgrade() -> None:
    op.drop_index('ix_items_released', table_name='items')
    op.drop_index('ix_items_case_author', table_name='items')
