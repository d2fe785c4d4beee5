"""Indexes without the entries no query looks up: a write fewer per comment for each.

The foreign keys to the parent, the thread's root and the author's account are NULL for most
comments (top-level, anonymous), and so is the account of most audit events (the reader's,
the system's): their indexes become partial, holding the rows that have one. The reader
key is looked up by equality only: its plain index stays, without the pattern-matching
copy ``db_index`` adds on PostgreSQL. A reader's post writes five index entries fewer.

The new indexes are built first, ``CONCURRENTLY`` on PostgreSQL (outside a transaction: the
migration is not atomic), so that a site keeps taking comments while they are built; then
the old ones are dropped.
"""

from django.conf import settings
from django.db import migrations, models

NEW_INDEXES = [
    (
        "comment",
        models.Index(
            condition=models.Q(parent__isnull=False),
            fields=["parent"],
            name="moderation_comment_parent",
        ),
    ),
    (
        "comment",
        models.Index(
            condition=models.Q(root__isnull=False), fields=["root"], name="moderation_comment_root"
        ),
    ),
    (
        "comment",
        models.Index(
            condition=models.Q(user__isnull=False), fields=["user"], name="moderation_comment_user"
        ),
    ),
    ("comment", models.Index(fields=["reader_key"], name="moderation_comment_reader")),
    (
        "moderationevent",
        models.Index(
            condition=models.Q(user__isnull=False), fields=["user"], name="moderation_event_user"
        ),
    ),
]


def _concurrently(schema_editor) -> dict:
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


def create_indexes(apps, schema_editor):
    for model_name, index in NEW_INDEXES:
        model = apps.get_model("moderation", model_name)
        schema_editor.add_index(model, index, **_concurrently(schema_editor))


def drop_indexes(apps, schema_editor):
    for model_name, index in NEW_INDEXES:
        model = apps.get_model("moderation", model_name)
        schema_editor.remove_index(model, index, **_concurrently(schema_editor))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("moderation", "0012_duplicate_check_by_text_digest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name=model_name, index=index)
                for model_name, index in NEW_INDEXES
            ],
            database_operations=[migrations.RunPython(create_indexes, drop_indexes)],
        ),
        migrations.AlterField(
            model_name="comment",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="replies",
                to="moderation.comment",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="root",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="moderation.comment",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="moderation_comments",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="reader_key",
            field=models.CharField(blank=True, max_length=64, verbose_name="reader key"),
        ),
        migrations.AlterField(
            model_name="moderationevent",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
