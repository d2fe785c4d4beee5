"""The article list and the article page, which carries the comment section."""

from django.views.generic import DetailView, ListView, TemplateView

from moderation.counts import with_comment_counts

from .models import Article


class ArticleListView(ListView):
    model = Article
    paginate_by = 20

    def get_queryset(self):
        """The articles with their published comment counts, in the same query."""
        return with_comment_counts(super().get_queryset())


class ArticleDetailView(DetailView):
    model = Article


class PrivacyView(TemplateView):
    template_name = "articles/privacy.html"
