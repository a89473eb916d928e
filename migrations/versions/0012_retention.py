"""Retention and a person's own data: how long a service keeps closed cases and requests for
contact, a legal hold on a case, the tombstone that stays of a deleted case (dates and counts
for reports, never content), what a subject-access export does with casework, and the audit
view's "what did this person do" by an index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:23:10
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_tombstones',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('referral_source', sa.String(length=24), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('final_stage', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tombstones'))
    )
    with op.batch_alter_table('case_tombstones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_tombstones_referred_on'), ['referred_on'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_actor', ['actor_id', 'id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_reason_sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('held_by_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_held_by_id_users'), 'users', ['held_by_id'], ['id'])

    with op.batch_alter_table('service_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_closed_years', sa.Integer(), server_default='7', nullable=False))
        batch_op.add_column(sa.Column('retain_request_days', sa.Integer(), server_default='365', nullable=False))
        batch_op.add_column(sa.Column('subject_access_casework', sa.String(length=16), server_default='withhold', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('service_settings', schema=None) as batch_op:
        batch_op.drop_column('subject_access_casework')
        batch_op.drop_column('retain_request_days')
        batch_op.drop_column('retain_closed_years')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_held_by_id_users'), type_='foreignkey')
        batch_op.drop_column('held_at')
        batch_op.drop_column('held_by_id')
        batch_op.drop_column('hold_reason_sealed')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_actor')

    with op.batch_alter_table('case_tombstones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_tombstones_referred_on'))

    op.drop_table('case_tombstones')
