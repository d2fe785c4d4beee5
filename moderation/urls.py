"""The reader-facing URLs: posting a comment, the new comments an open page asks for, and
the reader's actions on comments."""

from django.urls import path

from moderation import live, reader_views, views

app_name = "moderation"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("live/<str:token>/", live.new_comments, name="live"),
    path("<int:pk>/edit/", reader_views.edit_comment, name="edit"),
    path("<int:pk>/delete/", reader_views.delete_comment, name="delete"),
    path("<int:pk>/report/", reader_views.report_comment, name="report"),
    path("unsubscribe/<str:token>/", reader_views.unsubscribe_replies, name="unsubscribe_replies"),
    path("confirm-replies/<str:token>/", reader_views.confirm_replies, name="confirm_replies"),
]
