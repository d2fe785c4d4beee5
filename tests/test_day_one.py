"""Day one on a real site (docs/wordpress.md): import the WordPress history, train a
candidate, let it score in shadow, promote it. Imported decisions alone propose nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from moderation import services
from moderation.learning import loaded_models, retraining, versions
from moderation.models import ModelVersion, Status, TrainingLabel
from tests.factories import make_comment
from tests.helpers import tiny_registry
from tests.test_retraining import NEW_CLEAN, NEW_TOXIC

pytestmark = pytest.mark.django_db

COMMENT = """<wp:comment><wp:comment_id>{id}</wp:comment_id>
<wp:comment_author><![CDATA[Lettore {id}]]></wp:comment_author>
<wp:comment_author_email><![CDATA[lettore{id}@example.org]]></wp:comment_author_email>
<wp:comment_date_gmt><![CDATA[2026-10-01 10:00:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
<wp:comment_type><![CDATA[comment]]></wp:comment_type>
<wp:comment_parent>0</wp:comment_parent></wp:comment>"""


def wordpress_history(path: Path, slug: str, n: int) -> Path:
    """An export of one post: ``n`` approved comments and ``n`` in the trash."""
    comments = [
        COMMENT.format(id=i, text=NEW_CLEAN[i % 3].format(i), approved=1) for i in range(n)
    ] + [
        COMMENT.format(id=n + i, text=NEW_TOXIC[i % 3].format(i), approved="trash")
        for i in range(n)
    ]
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<wp:base_site_url>https://example.org</wp:base_site_url><item>"
        f"<link>https://example.org/{slug}/</link><wp:post_id>1</wp:post_id>"
        f"<wp:post_name><![CDATA[{slug}]]></wp:post_name>"
        "<wp:post_type><![CDATA[post]]></wp:post_type>"
        f"{''.join(comments)}</item></channel></rss>",
        encoding="utf-8",
    )
    return path


def audit(article, n: int) -> None:
    """Moderators decide ``n`` random audit picks of what the workers published."""
    for i in range(n):
        toxic = make_comment(article, text=NEW_TOXIC[i % 3].format(f"a{i}"), audit_pick="random")
        clean = make_comment(article, text=NEW_CLEAN[i % 3].format(f"a{i}"), audit_pick="random")
        services.reject(toxic, by=None, reason="offensive")
        services.confirm_audit(clean, by=None)


def test_import_then_audits_then_a_candidate_in_shadow_then_promotion(an_article, tmp_path):
    export = wordpress_history(tmp_path / "export.xml", an_article.slug, 150)
    with tiny_registry(tmp_path, AUDIT_SHARE=1.0, CANDIDATE_MIN_AUDITED=20):
        call_command(
            "import_wordpress_comments",
            str(export),
            "--model",
            "articles.article",
            stdout=io.StringIO(),
        )
        imported = TrainingLabel.objects.filter(source="import")
        assert imported.count() == 150 and {label.weight for label in imported} == {0.2}
        # Approved comments only: the history says nothing sure about toxicity's other side.
        with pytest.raises(versions.RegistryError):
            retraining.train_candidate("toxicity")
        assert not ModelVersion.objects.filter(status="candidate").exists()

        audit(an_article, 100)
        result = retraining.train_candidate("toxicity", auto_promote=False)
        assert result.version.status == ModelVersion.State.CANDIDATE
        assert result.comparison["candidate"]["audited_rows"] == 40
        shadow = make_comment(
            an_article, status=Status.PENDING, text="zorglub brontolo vergogna davvero"
        )
        services.classify_comments([shadow.pk])
        assert shadow.shadow_scores.get().would_decide == Status.HELD
        shadow.refresh_from_db()
        assert shadow.status == Status.PUBLISHED  # the active model decides

        versions.activate(result.version.version, reason="better on the audits")
        assert loaded_models.get_models()["toxicity"].version == result.version.version
