"""The article list and the article page, which carries the comment section."""

from django.views.generic import DetailView, ListView, TemplateView

from .models import Article


class ArticleListView(ListView):
    model = Article
    paginate_by = 20


class ArticleDetailView(DetailView):
    model = Article


class PrivacyView(TemplateView):
    template_name = "articles/privacy.html"
