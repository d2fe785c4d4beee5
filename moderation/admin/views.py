"""The comment admin's own pages: one comment's action from its page (then the next comment
in the queue), and the moderation statistics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from moderation.admin import charts, stats
from moderation.admin.markup import duration
from moderation.models import Comment, Status, awaiting_review_filter


class CommentAdminViews(admin.ModelAdmin):
    """The custom URLs of ``CommentAdmin``, which supplies the permissions, the actions and
    the queue's order."""

    #: Supplied by ``CommentAdmin``, with the rest of the permissions.
    has_moderate_permission: Callable[[HttpRequest], bool]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:object_id>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name=f"{prefix}_moderate",
            ),
            path(
                "statistics/",
                self.admin_site.admin_view(self.statistics_view),
                name=f"{prefix}_statistics",
            ),
            *super().get_urls(),
        ]

    def _require_moderator(self, request: HttpRequest) -> None:
        if not (self.has_moderate_permission(request) and self.has_view_permission(request)):
            raise PermissionDenied

    def moderate_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Run one of the queue's actions on this comment, then go to the next in the queue."""
        self._require_moderator(request)
        if request.method != "POST":
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        action = self.get_actions(request).get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, gettext("Unknown action."))
            return HttpResponseRedirect(
                reverse("admin:moderation_comment_change", args=[comment.pk])
            )
        func = action[0]
        func(self, request, Comment.objects.filter(pk=comment.pk))
        return HttpResponseRedirect(self._next_url(request, comment))

    def _next_url(self, request: HttpRequest, after: Comment) -> str:
        requested = request.POST.get("next", "")
        if requested and url_has_allowed_host_and_scheme(
            requested, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return requested
        following = (
            self.get_queryset(request)
            .filter(awaiting_review_filter())
            .exclude(pk=after.pk)
            .order_by(*self.get_ordering(request))
            .first()
        )
        if following is None:
            return reverse("admin:moderation_comment_changelist")
        return reverse("admin:moderation_comment_change", args=[following.pk])

    def statistics_view(self, request: HttpRequest) -> TemplateResponse:
        self._require_moderator(request)
        days = stats.daily_outcomes(30)
        since = timezone.now() - timedelta(days=30)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Moderation statistics"),
            "days": days,
            "chart": charts.stacked_bar_chart(days),
            "outcomes": [(s, Status(s).label) for s in stats.OUTCOMES],
            "overturns": stats.overturned_decisions(since),
            "median_wait": duration(stats.median_time_to_decision(since)),
            "awaiting_review": Comment.objects.awaiting_review().count(),
            "audit": (audit := stats.audit_workload(30)),
            "audit_wait": duration(audit.median_wait),
        }
        return TemplateResponse(request, "admin/moderation/comment/statistics.html", context)
