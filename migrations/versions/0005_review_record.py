"""The review record: an approver's note for the next approver, and one item's decisions found
by an index rather than by reading the whole audit trail.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_note_sealed', sa.LargeBinary(), nullable=True))
    op.create_index('ix_audit_events_object', 'audit_events', ['object_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_object', table_name='audit_events')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_column('review_note_sealed')
