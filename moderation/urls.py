"""The reader-facing URLs: posting a comment."""

from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
]
