"""Media: the processed files of items (recordings, pictures and document pages, scanned replies),
their sealed chunks for services that keep files in the database, and each service's limits.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:40:21.540187
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("store", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.JSON(), nullable=False),
        sa.Column("passes_on", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("shown_on_device_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown_by_id", sa.Uuid(), nullable=True),
        sa.Column("added_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_media_files_added_by_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_media_files_case_id_cases")),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_media_files_item_id_items")),
        sa.ForeignKeyConstraint(["shown_by_id"], ["users.id"], name=op.f("fk_media_files_shown_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
    )
    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.create_index("ix_media_files_case", ["case_id"], unique=False)
        batch_op.create_index("ix_media_files_item", ["item_id", "position"], unique=False)

    op.create_table(
        "media_chunks",
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"], ["media_files.id"], name=op.f("fk_media_chunks_media_id_media_files"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("media_id", "position", name=op.f("pk_media_chunks")),
    )
    with op.batch_alter_table("service_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recording_mb", sa.Integer(), server_default="200", nullable=False))
        batch_op.add_column(sa.Column("recording_minutes", sa.Integer(), server_default="10", nullable=False))
        batch_op.add_column(sa.Column("attachment_mb", sa.Integer(), server_default="10", nullable=False))
        batch_op.add_column(sa.Column("attachments_per_item", sa.Integer(), server_default="5", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("service_settings", schema=None) as batch_op:
        batch_op.drop_column("attachments_per_item")
        batch_op.drop_column("attachment_mb")
        batch_op.drop_column("recording_minutes")
        batch_op.drop_column("recording_mb")

    op.drop_table("media_chunks")
    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.drop_index("ix_media_files_item")
        batch_op.drop_index("ix_media_files_case")

    op.drop_table("media_files")
