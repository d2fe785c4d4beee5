"""The demo site's articles: the targets that readers comment on."""

from django.db import models
from django.urls import reverse
from django.utils import timezone


class Article(models.Model):
    title = models.CharField("titolo", max_length=200)
    slug = models.SlugField(unique=True, max_length=200, allow_unicode=True)
    summary = models.TextField("sommario", blank=True)
    body = models.TextField("testo")
    author = models.CharField("autore", max_length=100, blank=True)
    published_at = models.DateTimeField("pubblicato il", default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "articolo"
        verbose_name_plural = "articoli"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})
