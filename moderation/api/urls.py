"""The API's URLs; a site mounts them under a prefix of its choice, e.g. ``api/``."""

from django.urls import path

from . import views

app_name = "moderation-api"
urlpatterns = [
    path("comments/", views.CommentListCreateView.as_view(), name="comments"),
    path("comments/count/", views.CommentCountView.as_view(), name="comment-count"),
    path("comments/<int:pk>/", views.CommentDetailView.as_view(), name="comment"),
    path("comments/<int:pk>/report/", views.CommentReportView.as_view(), name="comment-report"),
    path("moderation/queue/", views.QueueView.as_view(), name="queue"),
    path(
        "moderation/comments/<int:pk>/",
        views.ModerationCommentView.as_view(),
        name="moderation-comment",
    ),
    path(
        "moderation/comments/<int:pk>/decision/",
        views.DecisionView.as_view(),
        name="decision",
    ),
    path("moderation/decisions/", views.BulkDecisionView.as_view(), name="decisions"),
    path(
        "moderation/comments/<int:pk>/author-rule/",
        views.AuthorRuleView.as_view(),
        name="author-rule",
    ),
]
