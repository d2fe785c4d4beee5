"""The duplicate check looks a text up instead of reading every comment on the target.

On PostgreSQL, an index on the target and the MD5 digest of the text (a B-tree cannot hold
long texts themselves); ``services._sql.same_text`` asks by that digest. Other databases
have no such index: the check reads the target's comments there. The content type's own
index goes: every query by content type also names the object, and the index on (content
type, object, status, created) serves those.

The index is built ``CONCURRENTLY`` (outside a transaction: the migration is not atomic), so
that a site with many comments keeps taking them while it is built.
"""

from django.db import migrations, models

INDEX = "moderation_comment_same_text"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("moderation", "Comment")._meta.db_table)
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY {INDEX} ON {table} (content_type_id, object_pk, md5(text))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0011_comment_network"),
    ]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="content_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
