"""Exchange: cases, facilitators, participants, consent, items, agreements, satisfaction, notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 01:56:18.195892
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('data_key_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('paused_from', sa.String(length=16), nullable=True),
    sa.Column('risk_level', sa.String(length=8), nullable=False),
    sa.Column('risk_assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('risk_assessed_by_id', sa.Uuid(), nullable=True),
    sa.Column('referral_source', sa.String(length=24), nullable=False),
    sa.Column('referral_reference_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('offence_type_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('offence_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['data_key_id'], ['data_keys.id'], name=op.f('fk_cases_data_key_id_data_keys')),
    sa.ForeignKeyConstraint(['risk_assessed_by_id'], ['users.id'], name=op.f('fk_cases_risk_assessed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('code', name=op.f('uq_cases_code'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_updated_at'), ['updated_at'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=False),
    sa.Column('harmed_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('harmed_recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('harmed_by_facilitator', sa.Boolean(), nullable=False),
    sa.Column('responsible_agreed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responsible_recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('responsible_by_facilitator', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agreements_case_id_cases')),
    sa.ForeignKeyConstraint(['harmed_recorded_by_id'], ['users.id'], name=op.f('fk_agreements_harmed_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['responsible_recorded_by_id'], ['users.id'], name=op.f('fk_agreements_responsible_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreements_case_id'))
    )
    op.create_table('case_facilitators',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_facilitators_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_facilitators_user_id_users')),
    sa.PrimaryKeyConstraint('case_id', 'user_id', name=op.f('pk_case_facilitators'))
    )
    with op.batch_alter_table('case_facilitators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_facilitators_user_id'), ['user_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notifications_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('participants',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('taking_part', sa.String(length=8), nullable=False),
    sa.Column('name_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('display_name_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('relationship_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('sensitive_terms_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('may_write', sa.Boolean(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_participants_case_id_cases')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants'))
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_user_id'), ['user_id'], unique=False)

    op.create_table('agreement_actions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('owner_side', sa.String(length=16), nullable=False),
    sa.Column('details_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_agreement_actions_agreement_id_agreements')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agreement_actions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_actions'))
    )
    with op.batch_alter_table('agreement_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_actions_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('format', sa.String(length=16), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('by_facilitator', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_consents_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_consents_participant_id_participants')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consents_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_case_id'), ['case_id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('answers_to_id', sa.Uuid(), nullable=True),
    sa.Column('entered_by_id', sa.Uuid(), nullable=True),
    sa.Column('written_by', sa.JSON(), nullable=False),
    sa.Column('parts_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('redactions_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('message_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('approved_by', sa.JSON(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Uuid(), nullable=True),
    sa.Column('confirmed_by_facilitator', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('release_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_receipt', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answers_to_id'], ['items.id'], name=op.f('fk_items_answers_to_id_items')),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], name=op.f('fk_items_author_id_participants')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_items_case_id_cases')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_items_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_items_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('satisfaction_answers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('by_facilitator', sa.Boolean(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_satisfaction_answers_case_id_cases')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_satisfaction_answers_participant_id_participants')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_satisfaction_answers_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_answers')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_satisfaction_answers_participant_id'))
    )
    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_answers_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invitations_participant_id_participants'), 'participants', ['participant_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitations_participant_id_participants'), type_='foreignkey')
        batch_op.drop_column('participant_id')

    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_answers_case_id'))

    op.drop_table('satisfaction_answers')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_items_state'))
        batch_op.drop_index(batch_op.f('ix_items_case_id'))

    op.drop_table('items')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_case_id'))

    op.drop_table('consents')
    with op.batch_alter_table('agreement_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_actions_agreement_id'))

    op.drop_table('agreement_actions')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_participants_case_id'))

    op.drop_table('participants')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('case_facilitators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_facilitators_user_id'))

    op.drop_table('case_facilitators')
    op.drop_table('agreements')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_updated_at'))
        batch_op.drop_index(batch_op.f('ix_cases_stage'))

    op.drop_table('cases')
