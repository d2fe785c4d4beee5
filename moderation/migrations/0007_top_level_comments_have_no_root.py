"""Top-level comments get no root (it was the comment itself), so that a comment is written
with one INSERT. Replies keep theirs: the thread's top-level comment."""

from django.db import migrations
from django.db.models import F


def clear_top_level_roots(apps, schema_editor):
    Comment = apps.get_model("moderation", "Comment")
    Comment.objects.filter(parent=None, root__isnull=False).update(root=None)


def restore_top_level_roots(apps, schema_editor):
    Comment = apps.get_model("moderation", "Comment")
    Comment.objects.filter(parent=None).update(root=F("pk"))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0006_comment_requeued_at"),
    ]

    operations = [
        migrations.RunPython(clear_top_level_roots, restore_top_level_roots),
    ]
