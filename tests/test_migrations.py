"""Data migrations, run forwards and backwards on rows written under the other convention."""

import importlib

import pytest
from django.apps import apps

from moderation.models import Comment
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

roots_0007 = importlib.import_module("moderation.migrations.0007_top_level_comments_have_no_root")


def _roots() -> dict[int, int | None]:
    return dict(Comment.objects.values_list("pk", "root_id"))


def test_0007_clears_the_roots_of_top_level_comments_and_gives_them_back(an_article):
    top = make_comment(an_article)
    reply = make_comment(an_article, parent=top)
    deeper = make_comment(an_article, parent=reply)
    alone = make_comment(an_article)

    roots_0007.restore_top_level_roots(apps, None)  # backwards: the convention before 0007
    before = {top.pk: top.pk, reply.pk: top.pk, deeper.pk: top.pk, alone.pk: alone.pk}
    assert _roots() == before

    roots_0007.clear_top_level_roots(apps, None)  # forwards
    assert _roots() == {top.pk: None, reply.pk: top.pk, deeper.pk: top.pk, alone.pk: None}

    roots_0007.restore_top_level_roots(apps, None)
    assert _roots() == before
