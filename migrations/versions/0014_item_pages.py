"""A case's items a page at a time from an index, newest first: (case, created, id) beside the
index on the case alone (which the case list's counts keep, being narrower), and the inbox's
index on (case, author, created) gains the id that breaks ties, so a page of a 2,000-item case
reads its 25 rows and sorts nothing.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 02:00:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index("ix_items_case_created", ["case_id", "created_at", "id"], unique=False)
        batch_op.drop_index("ix_items_case_author")
        batch_op.create_index("ix_items_case_author", ["case_id", "author_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_case_author")
        batch_op.create_index("ix_items_case_author", ["case_id", "author_id", "created_at"], unique=False)
        batch_op.drop_index("ix_items_case_created")
