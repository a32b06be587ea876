"""Initial schema: accounts, notices, audit chain, jobs, files and the data model of every domain.

Revision ID: b92d1cdca03d
Revises: 
Create Date: 2026-11-26 23:26:13.323204

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b92d1cdca03d'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.Enum('district', 'street', 'community', name='arealevel', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['area.id'], name=op.f('fk_area_parent_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_area_parent_id_name'))
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_parent_id'), ['parent_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('organizer', 'judge', 'applicant', 'liaison', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.String(length=60), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_entry_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_entry_seq'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_entry_object', ['object_type', 'object_id'], unique=False)

    op.create_table('community_liaison',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_community_liaison_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_community_liaison_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('area_id', 'user_id', name=op.f('pk_community_liaison'))
    )
    op.create_table('competition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'open', 'archived', name='competitionstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('code_prefix', sa.String(length=20), nullable=False),
    sa.Column('next_application_seq', sa.Integer(), nullable=False),
    sa.Column('max_amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('max_share_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('min_cofunding_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('group_caps', sa.JSON(), nullable=False),
    sa.Column('forbidden_items', sa.Text(), nullable=False),
    sa.Column('allowed_org_types', sa.JSON(), nullable=False),
    sa.Column('require_verified', sa.Boolean(), nullable=False),
    sa.Column('abnormal_years', sa.Integer(), nullable=False),
    sa.Column('dishonest_years', sa.Integer(), nullable=False),
    sa.Column('max_applications_per_org', sa.Integer(), nullable=False),
    sa.Column('min_registration_months', sa.Integer(), nullable=False),
    sa.Column('required_attachments', sa.JSON(), nullable=False),
    sa.Column('max_file_mb', sa.Integer(), nullable=False),
    sa.Column('max_total_mb', sa.Integer(), nullable=False),
    sa.Column('funding_mode', sa.Enum('skip', 'stop', name='fundingmode', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('publicity_days', sa.Integer(), nullable=False),
    sa.Column('report_period', sa.Enum('monthly', 'quarterly', name='reportperiod', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('tranche_plan', sa.JSON(), nullable=False),
    sa.Column('eval_pass_mark', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('grade_a_min', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('grade_b_min', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('results_final_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results_finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('max_amount_fen > 0', name=op.f('ck_competition_max_amount_positive')),
    sa.CheckConstraint('max_applications_per_org >= 1', name=op.f('ck_competition_max_apps_positive')),
    sa.CheckConstraint('max_share_pct > 0 AND max_share_pct <= 100', name=op.f('ck_competition_max_share_range')),
    sa.CheckConstraint('min_cofunding_pct >= 0 AND min_cofunding_pct <= 100', name=op.f('ck_competition_cofunding_range')),
    sa.CheckConstraint('publicity_days >= 1', name=op.f('ck_competition_publicity_days_positive')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_competition_area_id_area')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_competition_created_by_id_user')),
    sa.ForeignKeyConstraint(['results_finalized_by_id'], ['user.id'], name=op.f('fk_competition_results_finalized_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition')),
    sa.UniqueConstraint('code_prefix', name=op.f('uq_competition_code_prefix'))
    )
    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competition_status'), ['status'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_job_progress_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_job_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job'))
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_kind'), ['kind'], unique=False)

    op.create_table('judge_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('employer', sa.String(length=200), nullable=False),
    sa.Column('employer_uscc', sa.String(length=18), nullable=False),
    sa.Column('expertise', sa.JSON(), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_judge_profile_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_profile')),
    sa.UniqueConstraint('user_id', name=op.f('uq_judge_profile_user_id'))
    )
    with op.batch_alter_table('judge_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_profile_employer_uscc'), ['employer_uscc'], unique=False)

    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('competition_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('email_status', sa.Enum('queued', 'sending', 'sent', 'failed', 'skipped', name='emailstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notice_dedupe_key'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notice_email_due', ['email_status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_kind'), ['kind'], unique=False)
        batch_op.create_index('ix_notice_user_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('notice_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('email_enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notice_preference_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_preference')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notice_preference_user_id_kind'))
    )
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('org_type', sa.Enum('social_group', 'pne', 'foundation', 'other', name='orgtype', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('registration_authority', sa.String(length=200), nullable=False),
    sa.Column('registration_date', sa.Date(), nullable=True),
    sa.Column('legal_representative', sa.String(length=100), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('bank_name', sa.String(length=200), nullable=False),
    sa.Column('bank_account_name', sa.String(length=200), nullable=False),
    sa.Column('bank_account', sa.String(length=40), nullable=False),
    sa.Column('rating', sa.Enum('5A', '4A', '3A', '2A', '1A', 'none', name='rating', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('rating_date', sa.Date(), nullable=True),
    sa.Column('annual_inspection', sa.Enum('qualified', 'basically_qualified', 'unqualified', 'not_inspected', name='inspectionresult', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('annual_inspection_year', sa.Integer(), nullable=True),
    sa.Column('charter_scope', sa.Text(), nullable=False),
    sa.Column('party_org', sa.Enum('independent', 'joint', 'none', name='partyorg', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('party_instructor', sa.String(length=100), nullable=False),
    sa.Column('past_awards', sa.Text(), nullable=False),
    sa.Column('verification_status', sa.Enum('pending', 'verified', 'rejected', name='verificationstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('unverified_fields', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('party_members >= 0', name=op.f('ck_organization_party_members_non_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_organization_created_by_id_user')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_organization_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('uscc', name=op.f('uq_organization_uscc'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_verification_status'), ['verification_status'], unique=False)

    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_stored_file_size_non_negative')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_stored_file_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_stored_file_stored_name'))
    )
    op.create_table('user_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('verify', 'reset', 'invite', name='tokenpurpose', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_token_token_hash'))
    )
    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_token_user_id'), ['user_id'], unique=False)

    op.create_table('budget_line_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('line_group', sa.Enum('activity', 'management', 'tax', name='budgetgroup', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('max_share_pct', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_share_pct IS NULL OR (max_share_pct > 0 AND max_share_pct <= 100)', name=op.f('ck_budget_line_rule_cap_range')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_budget_line_rule_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line_rule')),
    sa.UniqueConstraint('competition_id', 'line_group', 'name', name=op.f('uq_budget_line_rule_competition_id_line_group_name'))
    )
    with op.batch_alter_table('budget_line_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_line_rule_competition_id'), ['competition_id'], unique=False)

    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('budget_fen', sa.BigInteger(), nullable=False),
    sa.Column('max_projects', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_category_budget_non_negative')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_category_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('competition_id', 'name', name=op.f('uq_category_competition_id_name'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_competition_id'), ['competition_id'], unique=False)

    op.create_table('judge_tie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('member', 'board', 'employee', 'consultant', 'relative', name='tiekind', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_judge_tie_judge_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_judge_tie_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_tie')),
    sa.UniqueConstraint('judge_id', 'organization_id', 'kind', name=op.f('uq_judge_tie_judge_id_organization_id_kind'))
    )
    with op.batch_alter_table('judge_tie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_tie_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_judge_tie_organization_id'), ['organization_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='memberrole', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_membership_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_membership_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('organization_id', 'user_id', name=op.f('uq_membership_organization_id_user_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('org_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('abnormal', 'dishonest', name='flagkind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('removed_on IS NULL OR removed_on >= listed_on', name=op.f('ck_org_flag_dates_ordered')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_org_flag_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_org_flag_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_flag'))
    )
    with op.batch_alter_table('org_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_flag_organization_id'), ['organization_id'], unique=False)

    op.create_table('rubric',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('stage_kind', sa.Enum('application', 'screening', 'online_review', 'roadshow', 'publicity', 'agreement', 'implementation', 'midterm', 'final', name='stagekind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_rubric_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['copied_from_id'], ['rubric.id'], name=op.f('fk_rubric_copied_from_id_rubric')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric')),
    sa.UniqueConstraint('competition_id', 'name', 'version', name=op.f('uq_rubric_competition_id_name_version'))
    )
    with op.batch_alter_table('rubric', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_competition_id'), ['competition_id'], unique=False)

    op.create_table('social_worker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('qualification', sa.Enum('assistant', 'social_worker', 'senior', 'none', name='qualification', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('certificate_no', sa.String(length=60), nullable=False),
    sa.Column('education', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_social_worker_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_worker'))
    )
    with op.batch_alter_table('social_worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_worker_organization_id'), ['organization_id'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=30), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'returned', 'passed', 'rejected', 'withdrawn', name='applicationstatus', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('project_name', sa.String(length=200), nullable=False),
    sa.Column('period_months', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('direct_beneficiaries', sa.Integer(), nullable=False),
    sa.Column('indirect_beneficiaries', sa.Integer(), nullable=False),
    sa.Column('beneficiary_description', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('need_analysis', sa.Text(), nullable=False),
    sa.Column('overall_goal', sa.Text(), nullable=False),
    sa.Column('specific_goals', sa.Text(), nullable=False),
    sa.Column('implementation_plan', sa.Text(), nullable=False),
    sa.Column('features', sa.Text(), nullable=False),
    sa.Column('risks', sa.Text(), nullable=False),
    sa.Column('requested_fen', sa.BigInteger(), nullable=False),
    sa.Column('cofunding_fen', sa.BigInteger(), nullable=False),
    sa.Column('pledge', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('resubmit_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('screening_reason', sa.Text(), nullable=False),
    sa.Column('screened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('screened_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cofunding_fen >= 0', name=op.f('ck_application_cofunding_non_negative')),
    sa.CheckConstraint('direct_beneficiaries >= 0 AND indirect_beneficiaries >= 0', name=op.f('ck_application_beneficiaries_non_negative')),
    sa.CheckConstraint('requested_fen >= 0', name=op.f('ck_application_requested_non_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_application_category_id_category')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_application_competition_id_competition')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_application_created_by_id_user')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_application_organization_id_organization')),
    sa.ForeignKeyConstraint(['screened_by_id'], ['user.id'], name=op.f('fk_application_screened_by_id_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_application_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application')),
    sa.UniqueConstraint('competition_id', 'code', name=op.f('uq_application_competition_id_code'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index('ix_application_competition_status', ['competition_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_organization_id'), ['organization_id'], unique=False)

    op.create_table('rubric_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('allow_na', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_score > 0', name=op.f('ck_rubric_criterion_max_positive')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_rubric_criterion_rubric_id_rubric'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_criterion')),
    sa.UniqueConstraint('rubric_id', 'name', name=op.f('uq_rubric_criterion_rubric_id_name'))
    )
    with op.batch_alter_table('rubric_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rubric_criterion_rubric_id'), ['rubric_id'], unique=False)

    op.create_table('stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('application', 'screening', 'online_review', 'roadshow', 'publicity', 'agreement', 'implementation', 'midterm', 'final', name='stagekind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rubric_id', sa.Integer(), nullable=True),
    sa.Column('judges_per_application', sa.Integer(), nullable=False),
    sa.Column('max_load', sa.Integer(), nullable=True),
    sa.Column('anchor_count', sa.Integer(), nullable=False),
    sa.Column('assignment_seed', sa.Integer(), nullable=False),
    sa.Column('panel_mode', sa.Enum('all', 'per_category', name='panelmode', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('reveal_after_close', sa.Boolean(), nullable=False),
    sa.Column('method', sa.Enum('mean', 'median', 'trimmed', 'zscore', 'bias', name='method', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('trim_k', sa.Integer(), nullable=False),
    sa.Column('disagreement_threshold', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('weight', sa.Numeric(precision=4, scale=3), nullable=False),
    sa.Column('advance_rule', sa.Enum('none', 'top_n', 'threshold', name='advancerule', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('advance_top_n', sa.Integer(), nullable=True),
    sa.Column('advance_threshold', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('tie_breaks', sa.JSON(), nullable=False),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_stage_dates_ordered')),
    sa.CheckConstraint('judges_per_application >= 1', name=op.f('ck_stage_k_positive')),
    sa.CheckConstraint('trim_k >= 0', name=op.f('ck_stage_trim_non_negative')),
    sa.CheckConstraint('weight >= 0 AND weight <= 1', name=op.f('ck_stage_weight_range')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_stage_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_stage_rubric_id_rubric')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage')),
    sa.UniqueConstraint('competition_id', 'kind', name=op.f('uq_stage_competition_id_kind'))
    )
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_competition_id'), ['competition_id'], unique=False)

    op.create_table('application_community',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_community_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_application_community_area_id_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('application_id', 'area_id', name=op.f('pk_application_community'))
    )
    op.create_table('application_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_revision_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_application_revision_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_revision')),
    sa.UniqueConstraint('application_id', 'number', name=op.f('uq_application_revision_application_id_number'))
    )
    with op.batch_alter_table('application_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_revision_application_id'), ['application_id'], unique=False)

    op.create_table('assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'removed', name='assignmentstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('is_anchor', sa.Boolean(), nullable=False),
    sa.Column('no_conflict_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_assignment_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_assignment_judge_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_assignment_stage_id_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment')),
    sa.UniqueConstraint('stage_id', 'application_id', 'judge_id', name=op.f('uq_assignment_stage_id_application_id_judge_id'))
    )
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_assignment_judge_stage', ['judge_id', 'stage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_stage_id'), ['stage_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('registration', 'charter', 'financial', 'plan', 'support', 'other', name='attachmentkind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('identifying', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_attachment_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_attachment_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_application_id'), ['application_id'], unique=False)

    op.create_table('budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_budget_line_amount_non_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_budget_line_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['budget_line_rule.id'], name=op.f('fk_budget_line_rule_id_budget_line_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_line'))
    )
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_line_application_id'), ['application_id'], unique=False)

    op.create_table('conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('detected', 'declared', 'organizer', name='conflictsource', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_conflict_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_conflict_created_by_id_user')),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_conflict_judge_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict')),
    sa.UniqueConstraint('judge_id', 'application_id', name=op.f('uq_conflict_judge_id_application_id'))
    )
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflict_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflict_judge_id'), ['judge_id'], unique=False)

    op.create_table('panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_panel_category_id_category'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_panel_stage_id_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel')),
    sa.UniqueConstraint('stage_id', 'category_id', name=op.f('uq_panel_stage_id_category_id'))
    )
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_stage_id'), ['stage_id'], unique=False)

    op.create_table('plan_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('deliverable', sa.String(length=500), nullable=False),
    sa.CheckConstraint('month >= 1 AND month <= 60', name=op.f('ck_plan_milestone_month_range')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_plan_milestone_application_id_application'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestone'))
    )
    with op.batch_alter_table('plan_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestone_application_id'), ['application_id'], unique=False)

    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('approved_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('agreement', 'active', 'suspended', 'terminated', 'closed', name='projectstatus', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('final_score', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('terminated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('termination_reason', sa.Text(), nullable=False),
    sa.Column('recovery_fen', sa.BigInteger(), nullable=False),
    sa.Column('recovered_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('approved_fen >= 0', name=op.f('ck_project_approved_non_negative')),
    sa.CheckConstraint('recovery_fen >= 0 AND recovered_fen >= 0', name=op.f('ck_project_recovery_non_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_project_application_id_application')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_project_competition_id_competition')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_project_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('application_id', name=op.f('uq_project_application_id'))
    )
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_status'), ['status'], unique=False)

    op.create_table('result_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('stage', 'final', name='snapshotkind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('input_digest', sa.String(length=64), nullable=False),
    sa.Column('sheet_count', sa.Integer(), nullable=False),
    sa.Column('diagnostics', sa.JSON(), nullable=False),
    sa.Column('source_snapshot_ids', sa.JSON(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_result_snapshot_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_result_snapshot_created_by_id_user')),
    sa.ForeignKeyConstraint(['job_id'], ['job.id'], name=op.f('fk_result_snapshot_job_id_job'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_result_snapshot_stage_id_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_snapshot')),
    sa.UniqueConstraint('job_id', name=op.f('uq_result_snapshot_job_id'))
    )
    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_snapshot_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_result_snapshot_input_digest'), ['input_digest'], unique=False)
        batch_op.create_index('ix_result_snapshot_stage_created', ['stage_id', 'created_at'], unique=False)

    op.create_table('roadshow_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'live', 'closed', name='roadshowstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('current_slot_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_roadshow_session_stage_id_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_session'))
    )
    with op.batch_alter_table('roadshow_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_session_stage_id'), ['stage_id'], unique=False)

    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='sheetstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('confidence', sa.Integer(), nullable=True),
    sa.Column('recommendation', sa.Enum('fund', 'maybe', 'reject', name='recommendation', native_enum=False, create_constraint=True, length=10), nullable=True),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('tenths', sa.String(length=400), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'submitted' OR tenths IS NOT NULL", name=op.f('ck_score_sheet_submitted_has_tenths')),
    sa.CheckConstraint('confidence IS NULL OR (confidence >= 1 AND confidence <= 5)', name=op.f('ck_score_sheet_confidence_range')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_score_sheet_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_score_sheet_judge_id_user')),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubric.id'], name=op.f('fk_score_sheet_rubric_id_rubric')),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_score_sheet_stage_id_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('stage_id', 'application_id', 'judge_id', name=op.f('uq_score_sheet_stage_id_application_id_judge_id'))
    )
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheet_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_stage_id'), ['stage_id'], unique=False)
        batch_op.create_index('ix_score_sheet_stage_status', ['stage_id', 'status'], unique=False)

    op.create_table('team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('social_worker_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('education', sa.String(length=60), nullable=False),
    sa.Column('qualification', sa.Enum('assistant', 'social_worker', 'senior', 'none', name='qualification', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_team_member_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['social_worker_id'], ['social_worker.id'], name=op.f('fk_team_member_social_worker_id_social_worker'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member'))
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_application_id'), ['application_id'], unique=False)

    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('signed_copy_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on > starts_on', name=op.f('ck_agreement_dates_ordered')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['user.id'], name=op.f('fk_agreement_confirmed_by_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_agreement_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_copy_id'], ['stored_file.id'], name=op.f('fk_agreement_signed_copy_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement')),
    sa.UniqueConstraint('project_id', name=op.f('uq_agreement_project_id'))
    )
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('proposed_outcome', sa.Enum('funded', 'waitlist', 'not_funded', name='fundingoutcome', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('proposed_fen', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.Enum('funded', 'waitlist', 'not_funded', name='fundingoutcome', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('approved_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('approved_fen >= 0', name=op.f('ck_decision_approved_non_negative')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_decision_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_decision_category_id_category')),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_decision_changed_by_id_user')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_decision_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['result_snapshot.id'], name=op.f('fk_decision_snapshot_id_result_snapshot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('competition_id', 'application_id', name=op.f('uq_decision_competition_id_application_id'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_competition_id'), ['competition_id'], unique=False)

    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('midterm', 'final', name='evaluationkind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'submitted', 'passed', 'failed', name='evaluationstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('self_assessment', sa.Text(), nullable=False),
    sa.Column('self_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('report_file_id', sa.Integer(), nullable=True),
    sa.Column('ledger_file_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ledger_file_id'], ['stored_file.id'], name=op.f('fk_evaluation_ledger_file_id_stored_file')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_evaluation_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_file_id'], ['stored_file.id'], name=op.f('fk_evaluation_report_file_id_stored_file')),
    sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_evaluation_stage_id_stage')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('project_id', 'kind', name=op.f('uq_evaluation_project_id_kind'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_status'), ['status'], unique=False)

    op.create_table('panel_member',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['judge_id'], ['user.id'], name=op.f('fk_panel_member_judge_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_member_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('panel_id', 'judge_id', name=op.f('pk_panel_member'))
    )
    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('due', 'submitted', name='reportstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_progress_report_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_progress_report_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report')),
    sa.UniqueConstraint('project_id', 'period_start', name=op.f('uq_progress_report_project_id_period_start'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_report_project_id'), ['project_id'], unique=False)

    op.create_table('project_budget_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('approved_fen', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('approved_fen >= 0', name=op.f('ck_project_budget_line_approved_non_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_budget_line_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_id'], ['budget_line_rule.id'], name=op.f('fk_project_budget_line_rule_id_budget_line_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_budget_line'))
    )
    with op.batch_alter_table('project_budget_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_budget_line_project_id'), ['project_id'], unique=False)

    op.create_table('project_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('deliverable', sa.String(length=500), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence_note', sa.Text(), nullable=False),
    sa.Column('evidence_file_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['evidence_file_id'], ['stored_file.id'], name=op.f('fk_project_milestone_evidence_file_id_stored_file')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_milestone_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestone'))
    )
    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestone_project_id'), ['project_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'publicity', 'final', name='publicationstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('publicity_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publicity_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('objection_instructions', sa.Text(), nullable=False),
    sa.Column('finalized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalized_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_publication_approved_by_id_user')),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_publication_competition_id_competition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finalized_by_id'], ['user.id'], name=op.f('fk_publication_finalized_by_id_user')),
    sa.ForeignKeyConstraint(['snapshot_id'], ['result_snapshot.id'], name=op.f('fk_publication_snapshot_id_result_snapshot')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('competition_id', name=op.f('uq_publication_competition_id'))
    )
    op.create_table('recovery_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_recovery_payment_amount_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_recovery_payment_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_recovery_payment_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_payment'))
    )
    with op.batch_alter_table('recovery_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_payment_project_id'), ['project_id'], unique=False)

    op.create_table('roadshow_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'presenting', 'closed', name='slotstatus', native_enum=False, create_constraint=True, length=12), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_roadshow_slot_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['roadshow_session.id'], name=op.f('fk_roadshow_slot_session_id_roadshow_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_slot')),
    sa.UniqueConstraint('session_id', 'application_id', name=op.f('uq_roadshow_slot_session_id_application_id'))
    )
    with op.batch_alter_table('roadshow_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_slot_session_id'), ['session_id'], unique=False)

    # The session points at its current slot and the slots at their session: this
    # foreign key can only be added once both tables exist.
    with op.batch_alter_table('roadshow_session', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_roadshow_session_current_slot_id_roadshow_slot'),
                                    'roadshow_slot', ['current_slot_id'], ['id'], ondelete='SET NULL')

    op.create_table('sheet_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('not_applicable', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('NOT (not_applicable AND score IS NOT NULL)', name=op.f('ck_sheet_score_na_has_no_score')),
    sa.CheckConstraint('score IS NULL OR score >= 0', name=op.f('ck_sheet_score_score_non_negative')),
    sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criterion.id'], name=op.f('fk_sheet_score_criterion_id_rubric_criterion')),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_sheet_score_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_score')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name=op.f('uq_sheet_score_sheet_id_criterion_id'))
    )
    with op.batch_alter_table('sheet_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_score_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('snapshot_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('overall_rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('exact_score', sa.String(length=40), nullable=False),
    sa.Column('sheets', sa.Integer(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('advanced', sa.Boolean(), nullable=False),
    sa.Column('funding', sa.Enum('funded', 'waitlist', 'not_funded', name='fundingoutcome', native_enum=False, create_constraint=True, length=12), nullable=True),
    sa.Column('funded_fen', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_snapshot_entry_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['result_snapshot.id'], name=op.f('fk_snapshot_entry_snapshot_id_result_snapshot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot_entry')),
    sa.UniqueConstraint('snapshot_id', 'application_id', name=op.f('uq_snapshot_entry_snapshot_id_application_id'))
    )
    op.create_table('tranche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('share_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('condition', sa.Enum('signing', 'midterm_passed', 'final_passed', name='tranchecondition', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'released', 'cancelled', name='tranchestatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_tranche_amount_non_negative')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_tranche_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['released_by_id'], ['user.id'], name=op.f('fk_tranche_released_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tranche')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_tranche_project_id_position'))
    )
    with op.batch_alter_table('tranche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tranche_project_id'), ['project_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('activity_type', sa.String(length=100), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('residents', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('liaison_status', sa.Enum('pending', 'confirmed', 'disputed', name='liaisonstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('liaison_note', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('participants >= 0 AND residents >= 0 AND residents <= participants', name=op.f('ck_activity_participants_consistent')),
    sa.ForeignKeyConstraint(['community_id'], ['area.id'], name=op.f('fk_activity_community_id_area')),
    sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'], name=op.f('fk_activity_report_id_progress_report'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_activity_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_liaison_status'), ['liaison_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_report_id'), ['report_id'], unique=False)

    op.create_table('expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('voucher_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_expense_amount_positive')),
    sa.ForeignKeyConstraint(['line_id'], ['project_budget_line.id'], name=op.f('fk_expense_line_id_project_budget_line')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_expense_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_expense_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['voucher_id'], ['stored_file.id'], name=op.f('fk_expense_voucher_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense'))
    )
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_project_id'), ['project_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competition_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('objector_kind', sa.Enum('person', 'organization', name='objectorkind', native_enum=False, create_constraint=True, length=15), nullable=False),
    sa.Column('real_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('status', sa.Enum('open', 'upheld', 'dismissed', name='objectionstatus', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('receipt_code', sa.String(length=20), nullable=False),
    sa.Column('changed_decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_objection_answered_by_id_user')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_objection_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_decision_id'], ['decision.id'], name=op.f('fk_objection_changed_decision_id_decision'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['competition_id'], ['competition.id'], name=op.f('fk_objection_competition_id_competition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection')),
    sa.UniqueConstraint('receipt_code', name=op.f('uq_objection_receipt_code'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_competition_id'), ['competition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_status'), ['status'], unique=False)

    op.create_table('activity_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_photo_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_activity_photo_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_photo'))
    )
    with op.batch_alter_table('activity_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_photo_activity_id'), ['activity_id'], unique=False)

    op.create_table('objection_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('objection_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['objection_id'], ['objection.id'], name=op.f('fk_objection_file_objection_id_objection'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_file.id'], name=op.f('fk_objection_file_stored_file_id_stored_file')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection_file'))
    )
    with op.batch_alter_table('objection_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_file_objection_id'), ['objection_id'], unique=False)



def downgrade():
    with op.batch_alter_table('roadshow_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_roadshow_session_current_slot_id_roadshow_slot'), type_='foreignkey')
    with op.batch_alter_table('objection_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_file_objection_id'))

    op.drop_table('objection_file')
    with op.batch_alter_table('activity_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_photo_activity_id'))

    op.drop_table('activity_photo')
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_status'))
        batch_op.drop_index(batch_op.f('ix_objection_competition_id'))

    op.drop_table('objection')
    with op.batch_alter_table('expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_project_id'))
        batch_op.drop_index(batch_op.f('ix_expense_line_id'))

    op.drop_table('expense')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_report_id'))
        batch_op.drop_index(batch_op.f('ix_activity_liaison_status'))
        batch_op.drop_index(batch_op.f('ix_activity_community_id'))

    op.drop_table('activity')
    with op.batch_alter_table('tranche', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tranche_project_id'))

    op.drop_table('tranche')
    op.drop_table('snapshot_entry')
    with op.batch_alter_table('sheet_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_score_sheet_id'))

    op.drop_table('sheet_score')
    with op.batch_alter_table('roadshow_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_slot_session_id'))

    op.drop_table('roadshow_slot')
    with op.batch_alter_table('recovery_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_payment_project_id'))

    op.drop_table('recovery_payment')
    op.drop_table('publication')
    with op.batch_alter_table('project_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestone_project_id'))

    op.drop_table('project_milestone')
    with op.batch_alter_table('project_budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_budget_line_project_id'))

    op.drop_table('project_budget_line')
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_project_id'))
        batch_op.drop_index(batch_op.f('ix_progress_report_due_at'))

    op.drop_table('progress_report')
    op.drop_table('panel_member')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_status'))
        batch_op.drop_index(batch_op.f('ix_evaluation_project_id'))

    op.drop_table('evaluation')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_competition_id'))

    op.drop_table('decision')
    op.drop_table('agreement')
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_application_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_index('ix_score_sheet_stage_status')
        batch_op.drop_index(batch_op.f('ix_score_sheet_stage_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_judge_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_application_id'))

    op.drop_table('score_sheet')
    with op.batch_alter_table('roadshow_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_session_stage_id'))

    op.drop_table('roadshow_session')
    with op.batch_alter_table('result_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_result_snapshot_stage_created')
        batch_op.drop_index(batch_op.f('ix_result_snapshot_input_digest'))
        batch_op.drop_index(batch_op.f('ix_result_snapshot_competition_id'))

    op.drop_table('result_snapshot')
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_status'))
        batch_op.drop_index(batch_op.f('ix_project_organization_id'))
        batch_op.drop_index(batch_op.f('ix_project_competition_id'))

    op.drop_table('project')
    with op.batch_alter_table('plan_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestone_application_id'))

    op.drop_table('plan_milestone')
    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_stage_id'))

    op.drop_table('panel')
    with op.batch_alter_table('conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflict_judge_id'))
        batch_op.drop_index(batch_op.f('ix_conflict_application_id'))

    op.drop_table('conflict')
    with op.batch_alter_table('budget_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_application_id'))

    op.drop_table('budget_line')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_application_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_stage_id'))
        batch_op.drop_index('ix_assignment_judge_stage')
        batch_op.drop_index(batch_op.f('ix_assignment_application_id'))

    op.drop_table('assignment')
    with op.batch_alter_table('application_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_revision_application_id'))

    op.drop_table('application_revision')
    op.drop_table('application_community')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_competition_id'))

    op.drop_table('stage')
    with op.batch_alter_table('rubric_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_criterion_rubric_id'))

    op.drop_table('rubric_criterion')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_organization_id'))
        batch_op.drop_index('ix_application_competition_status')
        batch_op.drop_index(batch_op.f('ix_application_competition_id'))
        batch_op.drop_index(batch_op.f('ix_application_category_id'))

    op.drop_table('application')
    with op.batch_alter_table('social_worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_worker_organization_id'))

    op.drop_table('social_worker')
    with op.batch_alter_table('rubric', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rubric_competition_id'))

    op.drop_table('rubric')
    with op.batch_alter_table('org_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_flag_organization_id'))

    op.drop_table('org_flag')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_organization_id'))

    op.drop_table('membership')
    with op.batch_alter_table('judge_tie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_tie_organization_id'))
        batch_op.drop_index(batch_op.f('ix_judge_tie_judge_id'))

    op.drop_table('judge_tie')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_competition_id'))

    op.drop_table('category')
    with op.batch_alter_table('budget_line_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_line_rule_competition_id'))

    op.drop_table('budget_line_rule')
    with op.batch_alter_table('user_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_token_user_id'))

    op.drop_table('user_token')
    op.drop_table('stored_file')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_verification_status'))

    op.drop_table('organization')
    op.drop_table('notice_preference')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_user_unread')
        batch_op.drop_index(batch_op.f('ix_notice_kind'))
        batch_op.drop_index('ix_notice_email_due')
        batch_op.drop_index(batch_op.f('ix_notice_created_at'))
        batch_op.drop_index(batch_op.f('ix_notice_competition_id'))

    op.drop_table('notice')
    with op.batch_alter_table('judge_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_profile_employer_uscc'))

    op.drop_table('judge_profile')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_kind'))
        batch_op.drop_index(batch_op.f('ix_job_competition_id'))

    op.drop_table('job')
    with op.batch_alter_table('competition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competition_status'))

    op.drop_table('competition')
    op.drop_table('community_liaison')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_object')
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
    op.drop_table('user')
    op.drop_table('audit_head')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_parent_id'))

    op.drop_table('area')
