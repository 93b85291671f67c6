"""Staff administration: names in Arabic script beside the Latin one, service accounts
kept apart, one-time passwords that must be changed, the times an administrator unlocked
logins or ended sessions (so the audit log records those acts), office contacts.

The Arabic name is added in two steps: filled in for the demo staff (their names in
Arabic script) and, for everyone else, with the name on record until an administrator
writes it; then made NOT NULL.

Revision ID: 4d5b8a0e387f
Revises: 0a2acf12a19b
Create Date: 2026-11-27 17:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4d5b8a0e387f"
down_revision = "0a2acf12a19b"
branch_labels = None
depends_on = None

#: The demo staff's names in Arabic script (demo/people.py names them for new databases).
DEMO_NAMES_AR = {
    "clerk": "زينب حسن علي",
    "adjudicator": "عمر خالد الجبوري",
    "reviewer": "هدى سلمان التميمي",
    "reviewer2": "فيصل جابر الربيعي",
    "trainer": "كريم عزيز محمود",
    "admin": "ليلى نوري عباس",
}
#: The training scenarios' cast (training/cast.py): accounts no one logs in to.
SERVICE_ACCOUNTS = (
    "training-clerk",
    "training-adjudicator",
    "training-reviewer",
    "training-appeals",
)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_ar", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("is_service_account", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("logins_unlocked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("sessions_ended_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact", sa.String(length=300), nullable=False, server_default="")
        )

    user = sa.table(
        "user",
        sa.column("username", sa.String),
        sa.column("full_name", sa.String),
        sa.column("name_ar", sa.String),
        sa.column("is_service_account", sa.Boolean),
    )
    for username, name_ar in DEMO_NAMES_AR.items():
        op.execute(user.update().where(user.c.username == username).values(name_ar=name_ar))
    op.execute(user.update().where(user.c.name_ar.is_(None)).values(name_ar=user.c.full_name))
    op.execute(
        user.update()
        .where(user.c.username.in_(SERVICE_ACCOUNTS))
        .values(is_service_account=sa.true())
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("name_ar", existing_type=sa.String(length=200), nullable=False)


def downgrade():
    with op.batch_alter_table("office", schema=None) as batch_op:
        batch_op.drop_column("contact")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("sessions_ended_at")
        batch_op.drop_column("logins_unlocked_at")
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("must_change_password")
        batch_op.drop_column("is_service_account")
        batch_op.drop_column("name_ar")
