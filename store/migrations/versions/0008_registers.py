"""registers: the office's ledgers (passports in custody, sister cities, institutions abroad,
outgoing documents) and the history of their changes, written by the processes' service tasks

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import store.models

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register', sa.String(length=20), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('at', store.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=True),
    sa.Column('instance_id', sa.String(length=32), nullable=True),
    sa.Column('bpmn_id', sa.String(length=200), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_change', schema=None) as batch_op:
        batch_op.create_index('ix_register_change_entry', ['register', 'entry_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_change_instance_id'), ['instance_id'], unique=False)

    op.create_table('register_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('genre', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('addressee', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('attachment_id', sa.String(length=32), nullable=True),
    sa.Column('instance_id', sa.String(length=32), nullable=True),
    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('register_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_document_instance_id'), ['instance_id'], unique=False)

    op.create_table('register_institution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_number', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('annual_reports', sa.JSON(), nullable=False),
    sa.Column('instance_id', sa.String(length=32), nullable=True),
    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_number')
    )
    op.create_table('register_passport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('holder_unit', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('lent_on', sa.Date(), nullable=True),
    sa.Column('lent_instance_id', sa.String(length=32), nullable=True),
    sa.Column('lent_for', sa.String(length=300), nullable=False),
    sa.Column('due_back_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('reminded_on', sa.Date(), nullable=True),
    sa.Column('instance_id', sa.String(length=32), nullable=True),
    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('register_passport', schema=None) as batch_op:
        batch_op.create_index('ix_register_passport_status_due', ['status', 'due_back_on'], unique=False)

    op.create_table('register_sister_city',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('approving_document', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('last_exchange_on', sa.Date(), nullable=True),
    sa.Column('instance_id', sa.String(length=32), nullable=True),
    sa.Column('updated_at', store.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('city')
    )


def downgrade() -> None:
    op.drop_table('register_sister_city')
    with op.batch_alter_table('register_passport', schema=None) as batch_op:
        batch_op.drop_index('ix_register_passport_status_due')

    op.drop_table('register_passport')
    op.drop_table('register_institution')
    with op.batch_alter_table('register_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_document_instance_id'))

    op.drop_table('register_document')
    with op.batch_alter_table('register_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_change_instance_id'))
        batch_op.drop_index('ix_register_change_entry')

    op.drop_table('register_change')
