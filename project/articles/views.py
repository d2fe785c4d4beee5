"""The article list and the article page, which carries the comment section."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from moderation.section.caching import cache_comment_page
from moderation.section.counts import with_comment_counts
from project.articles.models import Article


class ArticleListView(ListView):
    model = Article
    paginate_by = 20

    def get_queryset(self):
        """The articles with their published comment counts, in the same query."""
        return with_comment_counts(super().get_queryset())


class ArticleDetailView(DetailView):
    model = Article


#: The article page: anonymous readers share a cached copy until its comments change.
article_detail = cache_comment_page(lambda request, slug: get_object_or_404(Article, slug=slug))(
    ArticleDetailView.as_view()
)


class PrivacyView(TemplateView):
    template_name = "articles/privacy.html"
