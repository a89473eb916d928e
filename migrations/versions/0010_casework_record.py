"""The casework record: assessments, notes, contacts, meetings, self-referrals, the service's
promises, senior facilitators and supervisors, a blind index of referral references.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:21:58
"""

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_contact_days', sa.Integer(), server_default='5', nullable=False),
    sa.Column('review_days', sa.Integer(), server_default='5', nullable=False),
    sa.Column('follow_up_days', sa.Integer(), server_default='7', nullable=False),
    sa.Column('supervision_weeks', sa.Integer(), server_default='12', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_service_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_settings'))
    )
    op.create_table('case_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('written_by_id', sa.Uuid(), nullable=False),
    sa.Column('body_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_case_notes_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index('ix_case_notes_case', ['case_id', 'created_at'], unique=False)

    op.create_table('self_referrals',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('data_key_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('details_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_reason', sa.String(length=24), nullable=True),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_self_referrals_case_id_cases')),
    sa.ForeignKeyConstraint(['data_key_id'], ['data_keys.id'], name=op.f('fk_self_referrals_data_key_id_data_keys')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_self_referrals_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_referrals'))
    )
    with op.batch_alter_table('self_referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_referrals_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_referrals_status'), ['status'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by_id', sa.Uuid(), nullable=False),
    sa.Column('details_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('needs_sign_off', sa.Boolean(), nullable=False),
    sa.Column('signed_off_by_id', sa.Uuid(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_assessments_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_assessments_participant_id_participants')),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_assessments_signed_off_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index('ix_assessments_case', ['case_id', 'kind', 'recorded_at'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('details_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('next_step_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_contacts_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_contacts_participant_id_participants')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_contacts_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_case', ['case_id', 'happened_on'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=True),
    sa.Column('facilitator_ids', sa.JSON(), nullable=False),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('ground_rules_agreed', sa.Boolean(), nullable=False),
    sa.Column('details_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('planned_by_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_meetings_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_meetings_participant_id_participants')),
    sa.ForeignKeyConstraint(['planned_by_id'], ['users.id'], name=op.f('fk_meetings_planned_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_case', ['case_id', 'starts_at'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference_index', sa.LargeBinary(length=32), nullable=True))
        batch_op.add_column(sa.Column('next_step_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cases_next_step_on'), ['next_step_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_reference_index'), ['reference_index'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_participant_id_participants'), 'participants', ['participant_id'], ['id'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('senior', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('supervisor_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_supervisor_id'), ['supervisor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_supervisor_id_users'), 'users', ['supervisor_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_supervisor_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_supervisor_id'))
        batch_op.drop_column('supervisor_id')
        batch_op.drop_column('senior')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_participant_id_participants'), type_='foreignkey')
        batch_op.drop_column('participant_id')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_reference_index'))
        batch_op.drop_index(batch_op.f('ix_cases_next_step_on'))
        batch_op.drop_column('next_step_on')
        batch_op.drop_column('reference_index')

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_case')

    op.drop_table('meetings')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_case')

    op.drop_table('contacts')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_case')

    op.drop_table('assessments')
    with op.batch_alter_table('self_referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_referrals_status'))
        batch_op.drop_index(batch_op.f('ix_self_referrals_received_at'))

    op.drop_table('self_referrals')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_case_notes_case')

    op.drop_table('case_notes')
    op.drop_table('service_settings')
