"""The moderators' queue in the Django admin: the list, ordered by what needs a human first,
and one comment's page. Only moderators see comments; the status is read-only everywhere."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.admin.actions import MODERATION_ACTIONS, CommentActionForm
from moderation.admin.filters import (
    HasLinksFilter,
    LanguageFilter,
    QueueFilter,
    ShadowFilter,
    SpamBandFilter,
    TargetFilter,
    ToxicityBandFilter,
)
from moderation.admin.inlines import CommentReportInline, ModerationEventInline
from moderation.admin.markup import highlight, is_web_url, score_bar
from moderation.admin.views import CommentAdminViews
from moderation.client_ip import parse_ip
from moderation.models import Comment, RejectReason, Status, awaiting_review_filter
from moderation.roles import can_moderate


class CommentAdmin(CommentAdminViews):
    """The moderators' queue: what needs a human first, the scores and reasons on every row,
    and a detail page with the words behind the scores, the thread and the author's history."""

    list_display = [
        "excerpt",
        "author",
        "website",
        "target_link",
        "scores",
        "reasons_list",
        "reports_count",
        "status",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        QueueFilter,
        TargetFilter,
        SpamBandFilter,
        ToxicityBandFilter,
        LanguageFilter,
        ("created_at", admin.DateFieldListFilter),
        HasLinksFilter,
        ShadowFilter,
    ]
    search_fields = ["text", "author_name", "author_email", "ip_address"]
    list_per_page = 50
    show_full_result_count = False
    actions = MODERATION_ACTIONS
    action_form = CommentActionForm
    inlines = [ModerationEventInline, CommentReportInline]
    fieldsets = [
        (None, {"fields": ["status", "highlighted_text", "target_link", "thread_context"]}),
        (
            _("Author"),
            {
                "fields": [
                    "author_name",
                    "author_email",
                    "website",
                    "ip_address",
                    "user_agent",
                    "language",
                    "user",
                    "author_history",
                ]
            },
        ),
        (
            _("Classifier"),
            {
                "fields": [
                    "scores",
                    "reasons_list",
                    "reports_count",
                    "model_version",
                    "created_at",
                    "decided_at",
                ]
            },
        ),
    ]
    readonly_fields = flatten_fieldsets(fieldsets)

    class Media:
        css = {"all": ["moderation/admin/queue.css"]}
        js = ["moderation/admin/queue.js"]

    # Permissions: the queue is for moderators; no one edits a comment or its status here.

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return can_moderate(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_moderate_permission(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.has_moderate_permission(request) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # The list.

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("target")

    def get_ordering(self, request):
        """Held first, then pending comments the classifier should have decided, oldest first."""
        queue_rank = Case(
            When(status=Status.HELD, then=Value(0)),
            When(awaiting_review_filter(), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return [queue_rank.asc(), "created_at", "pk"]

    def changelist_view(self, request, extra_context=None):
        count = Comment.objects.awaiting_review().count()
        context = {
            "title": gettext("Moderation queue"),
            "awaiting_review": count,
            "to_audit": Comment.objects.to_audit().count(),
            "reject_reasons": RejectReason.choices,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.text).chars(140)

    @admin.display(description=_("author"), ordering="author_name")
    def author(self, comment: Comment) -> SafeString:
        return format_html(
            '<strong>{}</strong><br><span class="mod-private">{}</span><br>'
            '<span class="mod-private">{}</span>',
            comment.author_name,
            comment.author_email,
            comment.ip_address or "–",
        )

    @admin.display(description=_("website"))
    def website(self, comment: Comment) -> SafeString | str:
        if not comment.author_url or not is_web_url(comment.author_url):
            return comment.author_url or "–"
        return format_html(
            '<a href="{}" rel="nofollow noopener noreferrer" target="_blank">{}</a>',
            comment.author_url,
            Truncator(comment.author_url).chars(40),
        )

    @admin.display(description=_("article"))
    def target_link(self, comment: Comment) -> SafeString | str:
        target = comment.target
        if target is None:
            return gettext("(deleted)")
        queue_url = "{}?{}".format(
            reverse("admin:moderation_comment_changelist"),
            urlencode(
                {"target": f"{comment.content_type_id}-{comment.object_pk}", "status": "all"}
            ),
        )
        public_url = getattr(target, "get_absolute_url", None)
        return format_html(
            '<a href="{}" title="{}">{}</a>{}',
            queue_url,
            gettext("All comments on this article"),
            Truncator(str(target)).chars(60),
            format_html(
                ' <a href="{}" target="_blank" title="{}">↗</a>',
                public_url(),
                gettext("View on site"),
            )
            if public_url
            else "",
        )

    @admin.display(description=_("scores"))
    def scores(self, comment: Comment) -> SafeString:
        return format_html(
            "{}{}",
            score_bar(gettext("spam"), comment.spam_score),
            score_bar(gettext("toxicity"), comment.toxicity_score),
        )

    @admin.display(description=_("reasons"))
    def reasons_list(self, comment: Comment) -> SafeString | str:
        if not comment.reasons:
            return "–"
        return format_html(
            '<ul class="mod-reasons">{}</ul>',
            format_html_join("", "<li>{}</li>", ((reason,) for reason in comment.reasons)),
        )

    # The detail page.

    @admin.display(description=_("comment"))
    def highlighted_text(self, comment: Comment) -> SafeString:
        return format_html(
            '<div class="mod-text">{}</div>', highlight(comment.text, comment.explanation)
        )

    @admin.display(description=_("in reply to"))
    def thread_context(self, comment: Comment) -> SafeString | str:
        parent = comment.parent
        if parent is None:
            return "–"
        return format_html(
            '<blockquote class="mod-parent"><a href="{}">{}</a> ({}): {}</blockquote>',
            reverse("admin:moderation_comment_change", args=[parent.pk]),
            parent.author_name,
            parent.get_status_display(),
            Truncator(parent.text).chars(400),
        )

    @admin.display(description=_("author's history"))
    def author_history(self, comment: Comment) -> SafeString:
        rows = [(gettext("same email"), "author_email__iexact", comment.author_email)]
        if comment.ip_address:
            rows.append((gettext("same IP address"), "ip_address", comment.ip_address))
        statuses = [Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED]
        changelist = reverse("admin:moderation_comment_changelist")
        header = format_html_join("", "<th>{}</th>", ((s.label,) for s in statuses))
        body = []
        for label, lookup, value in rows:
            counts = dict(
                Comment.objects.filter(**{lookup: value})
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            cells = format_html_join(
                "",
                '<td><a href="{}?{}">{}</a></td>',
                (
                    (
                        changelist,
                        urlencode({lookup: value, "status": status}),
                        counts.get(status, 0),
                    )
                    for status in statuses
                ),
            )
            body.append(format_html("<tr><th>{}</th>{}</tr>", label, cells))
        return format_html(
            '<table class="mod-history"><thead><tr><td></td>{}</tr></thead>'
            "<tbody>{}</tbody></table>",
            header,
            format_html_join("", "{}", ((row,) for row in body)),
        )

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        """The list filters' parameters and the author's history links (same email, same
        valid IP), nothing else: another field's lookup with a garbled value (``?parent=``
        and forty digits) reached the database and made a 500; now it is a 400."""
        if lookup == "ip_address":
            return parse_ip(value) is not None
        filtered: set[str | None] = {"author_email"}
        for spec in self.list_filter:
            if isinstance(spec, tuple) and isinstance(spec[0], str):  # (field, FieldListFilter)
                filtered.add(spec[0])
            elif isinstance(spec, type) and issubclass(spec, admin.SimpleListFilter):
                filtered.add(spec.parameter_name)
        return lookup.split("__")[0] in filtered and super().lookup_allowed(lookup, value, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "moderation_actions": [
                (name, description)
                for name, (_func, _name, description) in self.get_actions(request).items()
            ],
            "reject_reasons": RejectReason.choices,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)
