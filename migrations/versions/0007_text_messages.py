"""Notifications by text message: each person's channel, and their mobile number, sealed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_channel', sa.String(length=8), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('notification_phone_sealed', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notification_phone_sealed')
        batch_op.drop_column('notify_channel')
