"""The API's URLs; a site mounts them under a prefix of its choice, e.g. ``api/``."""

from django.urls import path

from moderation.api import authors, moderation, public

app_name = "moderation-api"
urlpatterns = [
    path("comments/", public.CommentListCreateView.as_view(), name="comments"),
    path("comments/count/", public.CommentCountView.as_view(), name="comment-count"),
    path("comments/<int:pk>/", authors.CommentDetailView.as_view(), name="comment"),
    path("comments/<int:pk>/report/", public.CommentReportView.as_view(), name="comment-report"),
    path("moderation/queue/", moderation.QueueView.as_view(), name="queue"),
    path("moderation/audit/", moderation.AuditQueueView.as_view(), name="audit"),
    path(
        "moderation/comments/<int:pk>/",
        moderation.ModerationCommentView.as_view(),
        name="moderation-comment",
    ),
    path(
        "moderation/comments/<int:pk>/decision/",
        moderation.DecisionView.as_view(),
        name="decision",
    ),
    path(
        "moderation/comments/<int:pk>/featured/",
        moderation.FeaturedView.as_view(),
        name="featured",
    ),
    path("moderation/decisions/", moderation.BulkDecisionView.as_view(), name="decisions"),
    path("moderation/discussion/", moderation.DiscussionView.as_view(), name="discussion"),
    path(
        "moderation/comments/<int:pk>/author-rule/",
        moderation.AuthorRuleView.as_view(),
        name="author-rule",
    ),
]
