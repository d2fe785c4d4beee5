"""The article page and django-contrib-comments' own URLs."""

from articles.models import Article
from django.shortcuts import get_object_or_404, render
from django.urls import include, path


def article_detail(request, slug):
    article = get_object_or_404(Article, slug=slug)
    return render(request, "articles/article.html", {"article": article})


urlpatterns = [
    path("comments/", include("django_comments.urls")),
    path("articoli/<slug:slug>/", article_detail, name="article"),
]
