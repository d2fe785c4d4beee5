from django.contrib import admin

from moderation.admin.discussions import DiscussionModeAdminMixin
from project.articles.models import Article


@admin.register(Article)
class ArticleAdmin(DiscussionModeAdminMixin, admin.ModelAdmin):
    list_display = ["title", "published_at"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title"]
