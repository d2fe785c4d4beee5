"""Published comment counts for lists of articles: one query for the whole list."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from moderation.models import Status
from moderation.section.counts import with_comment_counts
from project.articles.models import Article
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

COUNT_TEMPLATE = Template(
    "{% load moderation_tags %}{% for a in articles %}{% comment_count a %},{% endfor %}"
)


@pytest.fixture
def thirty_articles() -> list[Article]:
    articles = [
        Article.objects.create(title=f"Articolo {n}", slug=f"articolo-{n}", body="...")
        for n in range(30)
    ]
    for n, article in enumerate(articles):
        for _ in range(n % 4):
            make_comment(article)
        make_comment(article, status=Status.HELD)  # never counted
        make_comment(article, status=Status.SPAM)
    return articles


def test_the_annotation_counts_only_published_comments(thirty_articles):
    counts = dict(with_comment_counts(Article.objects.all()).values_list("slug", "comment_count"))
    assert counts == {f"articolo-{n}": n % 4 for n in range(30)}


def test_a_list_of_thirty_articles_is_counted_in_one_query(
    thirty_articles, django_assert_num_queries
):
    with django_assert_num_queries(1):
        articles = list(with_comment_counts(Article.objects.order_by("pk")))
        rendered = COUNT_TEMPLATE.render(Context({"articles": articles}))
    assert rendered == "".join(f"{n % 4}," for n in range(30))


def test_without_the_annotation_the_tag_queries_once_per_article(
    thirty_articles, django_assert_num_queries
):
    articles = list(Article.objects.order_by("pk"))
    with django_assert_num_queries(30):
        rendered = COUNT_TEMPLATE.render(Context({"articles": articles}))
    assert rendered == "".join(f"{n % 4}," for n in range(30))


def test_the_demo_home_page_counts_its_articles_without_a_query_each(
    thirty_articles, italian_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):  # the count for the paginator, the page, the type
        page = italian_client.get("/").content.decode()
    assert "3 commenti" in page and "1 commento" in page and "0 commenti" in page
