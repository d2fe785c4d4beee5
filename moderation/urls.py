"""The reader-facing URLs: posting a comment, the new comments an open page asks for, and
the reader's actions on comments."""

from django.urls import path

from moderation.views import live, posting, readers

app_name = "moderation"
urlpatterns = [
    path("post/", posting.post_comment, name="post"),
    path("live/<str:token>/", live.new_comments, name="live"),
    path("<int:pk>/edit/", readers.edit_comment, name="edit"),
    path("<int:pk>/delete/", readers.delete_comment, name="delete"),
    path("<int:pk>/report/", readers.report_comment, name="report"),
    path("unsubscribe/<str:token>/", readers.unsubscribe_replies, name="unsubscribe_replies"),
    path("confirm-replies/<str:token>/", readers.confirm_replies, name="confirm_replies"),
]
