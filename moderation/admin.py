"""The moderators' queue in the Django admin: what needs a human first, the model's scores
and reasons on every row, and actions that call the services (never setting a status here).

Only users with ``moderation.can_moderate`` see comments; the status is read-only
everywhere and changes only through the actions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from . import model_registry, services, stats
from .models import (
    AuthorRule,
    Comment,
    CommentReport,
    ModelActivation,
    ModelVersion,
    ModerationEvent,
    RejectReason,
    ShadowScore,
    Status,
)
from .policy import LINK_PATTERN
from .roles import can_moderate

# Highlighting the words behind the scores ---------------------------------------------------


def highlight(text: str, explanation: dict[str, list[list]]) -> SafeString:
    """``text`` escaped, with the explanation's words wrapped in ``<mark>`` per score.

    Words are matched in the raw text (whole words, any case), and every piece is escaped
    on its own, so neither the text nor the words can inject markup.
    """
    weights: dict[str, dict[str, float]] = {}
    for score, pairs in (explanation or {}).items():
        for pair in pairs or []:
            word, weight = str(pair[0]), float(pair[1])
            if word.strip():
                weights.setdefault(word.lower(), {})[str(score)] = weight
    if not weights:
        return escape(text)
    words = sorted(weights, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        scores = weights[match.group(0).lower()]
        pieces.append(
            format_html(
                '<mark class="{}" title="{}">{}</mark>',
                " ".join(f"mod-hl-{score}" for score in sorted(scores)),
                ", ".join(f"{score} {weight:+.2f}" for score, weight in sorted(scores.items())),
                match.group(0),
            )
        )
        position = match.end()
    pieces.append(escape(text[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def score_bar(label: str, score: float | None) -> SafeString:
    if score is None:
        return format_html('<span class="mod-bar mod-bar--none">{} –</span>', label)
    band = "high" if score >= 0.8 else "mid" if score >= 0.5 else "low"
    value = f"{score:.2f}"
    return format_html(
        '<span class="mod-bar mod-bar--{}" title="{} {}">'
        '<span class="mod-bar__label">{}</span>'
        '<span class="mod-bar__track"><span class="mod-bar__fill" style="width: {}%"></span>'
        '</span><span class="mod-bar__value">{}</span></span>',
        band,
        label,
        value,
        label,
        round(max(0.0, min(score, 1.0)) * 100),
        value,
    )


def _duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60)
    return gettext("%(hours)d h %(minutes)02d min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


# Filters ------------------------------------------------------------------------------------


class QueueFilter(admin.SimpleListFilter):
    """Opens on what needs a human; every status, or all of them, one click away."""

    title = _("status")
    parameter_name = "status"
    AWAITING, ALL = "queue", "all"

    def lookups(self, request, model_admin):
        return [(self.AWAITING, _("Awaiting review")), *Status.choices, (self.ALL, _("All"))]

    def choices(self, changelist):
        current = self.value() or self.AWAITING
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or self.AWAITING
        if value == self.AWAITING:
            return queryset.filter(stats.awaiting_review_filter())
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class TargetFilter(admin.SimpleListFilter):
    """The article (any target) the comments belong to: those with comments in the queue."""

    title = _("article")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        busiest = (
            stats.awaiting_review()
            .values("content_type_id", "object_pk")
            .annotate(n=Count("pk"))
            .order_by("-n")[:20]
        )
        keys = [(row["content_type_id"], row["object_pk"]) for row in busiest]
        selected = self._parse(self.value())
        if selected and selected not in keys:
            keys.append(selected)
        targets = _targets_by_key(keys)
        return [(f"{ct}-{pk}", str(targets[(ct, pk)])) for ct, pk in keys if (ct, pk) in targets]

    @staticmethod
    def _parse(value: str | None) -> tuple[int, str] | None:
        ct, _sep, pk = (value or "").partition("-")
        return (int(ct), pk) if ct.isdigit() and pk else None

    def queryset(self, request, queryset):
        key = self._parse(self.value())
        if key is None:
            return queryset
        return queryset.filter(content_type_id=key[0], object_pk=key[1])


def _targets_by_key(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], object]:
    """The target objects for (content type id, pk) keys, one query per content type."""
    by_type: dict[int, set[str]] = {}
    for ct, pk in keys:
        by_type.setdefault(ct, set()).add(pk)
    found = {}
    for ct_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=pks):
            found[(ct_id, str(obj.pk))] = obj
    return found


class ScoreBandFilter(admin.SimpleListFilter):
    field_name = ""
    BANDS = {"high": (0.8, None), "mid": (0.5, 0.8), "low": (None, 0.5)}

    def lookups(self, request, model_admin):
        return [
            ("high", _("high (≥ 0.80)")),
            ("mid", _("medium (0.50–0.80)")),
            ("low", _("low (< 0.50)")),
            ("none", _("not scored")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(**{f"{self.field_name}__isnull": True})
        if self.value() not in self.BANDS:
            return queryset
        low, high = self.BANDS[self.value()]
        if low is not None:
            queryset = queryset.filter(**{f"{self.field_name}__gte": low})
        if high is not None:
            queryset = queryset.filter(**{f"{self.field_name}__lt": high})
        return queryset


class SpamBandFilter(ScoreBandFilter):
    title = _("spam score")
    parameter_name = "spam"
    field_name = "spam_score"


class ToxicityBandFilter(ScoreBandFilter):
    title = _("toxicity score")
    parameter_name = "toxicity"
    field_name = "toxicity_score"


class LanguageFilter(admin.SimpleListFilter):
    """The site's languages (no query over all comments to list the values)."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return list(settings.LANGUAGES)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(language__istartswith=self.value())
        return queryset


class HasLinksFilter(admin.SimpleListFilter):
    title = _("links")
    parameter_name = "links"

    def lookups(self, request, model_admin):
        return [("yes", _("Has links")), ("no", _("No links"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(text__iregex=LINK_PATTERN)
        if self.value() == "no":
            return queryset.exclude(text__iregex=LINK_PATTERN)
        return queryset


# Actions: each calls one services function per comment --------------------------------------


class ShadowFilter(admin.SimpleListFilter):
    """Comments a candidate model, scoring in shadow, would have decided differently."""

    title = _("shadow model")
    parameter_name = "shadow"

    def lookups(self, request, model_admin):
        return [("differs", _("would decide differently")), ("agrees", _("would agree"))]

    def queryset(self, request, queryset):
        differing = ShadowScore.objects.exclude(would_decide=F("decided")).values("comment_id")
        if self.value() == "differs":
            return queryset.filter(pk__in=differing)
        if self.value() == "agrees":
            return queryset.filter(shadow_scores__isnull=False).exclude(pk__in=differing)
        return queryset


class CommentActionForm(helpers.ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason:"),
        required=False,
        choices=[("", _("Reason for rejecting…")), *RejectReason.choices],
    )


def _status_action(
    service: Callable[..., Comment], description: str, done: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Comment]], None]:
    def action(modeladmin, request, queryset):
        count = 0
        for comment in queryset:
            service(comment, by=request.user)
            count += 1
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)

    action.__name__ = service.__name__
    return admin.action(description=description, permissions=["moderate"])(action)


approve = _status_action(
    services.approve,
    _("Approve"),
    ngettext_lazy("%(count)d comment approved.", "%(count)d comments approved.", "count"),
)
mark_spam = _status_action(
    services.mark_spam,
    _("Mark as spam"),
    ngettext_lazy(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
    ),
)
mark_ham = _status_action(
    services.mark_ham,
    _("Not spam"),
    ngettext_lazy(
        "%(count)d comment marked as not spam.", "%(count)d comments marked as not spam.", "count"
    ),
)
restore = _status_action(
    services.restore,
    _("Restore to the queue"),
    ngettext_lazy(
        "%(count)d comment restored to the queue.",
        "%(count)d comments restored to the queue.",
        "count",
    ),
)


@admin.action(description=_("Reject (with the reason chosen)"), permissions=["moderate"])
def reject(modeladmin, request, queryset):
    reason = request.POST.get("reason", "")
    if reason not in RejectReason.values:
        modeladmin.message_user(request, gettext("Choose a reason for rejecting."), messages.ERROR)
        return
    count = 0
    for comment in queryset:
        services.reject(comment, by=request.user, reason=reason)
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d comment rejected.", "%(count)d comments rejected.", count)
        % {"count": count},
        messages.SUCCESS,
    )


def _rule_action(
    kind: str, field: str, name: str, description: str
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Comment]], None]:
    def action(modeladmin, request, queryset):
        rules = set()
        for comment in queryset:
            try:
                rules.add(
                    services.add_author_rule(comment, kind=kind, field=field, by=request.user)
                )
            except ValueError:
                continue
        text = ngettext(
            "%(count)d rule in force: %(rules)s.",
            "%(count)d rules in force: %(rules)s.",
            len(rules),
        )
        modeladmin.message_user(
            request,
            text % {"count": len(rules), "rules": ", ".join(sorted(map(str, rules)))},
            messages.SUCCESS if rules else messages.WARNING,
        )

    action.__name__ = name
    return admin.action(description=description, permissions=["moderate"])(action)


block_email = _rule_action(
    AuthorRule.Kind.BLOCK, AuthorRule.Field.EMAIL, "block_email", _("Block the author's email")
)
block_domain = _rule_action(
    AuthorRule.Kind.BLOCK, AuthorRule.Field.DOMAIN, "block_domain", _("Block the email domain")
)
block_ip = _rule_action(
    AuthorRule.Kind.BLOCK, AuthorRule.Field.IP, "block_ip", _("Block the IP address")
)
trust_author = _rule_action(
    AuthorRule.Kind.TRUST, AuthorRule.Field.EMAIL, "trust_author", _("Trust the author (email)")
)

MODERATION_ACTIONS = [
    approve,
    reject,
    mark_spam,
    mark_ham,
    restore,
    block_email,
    block_domain,
    block_ip,
    trust_author,
]


# The audit trail ------------------------------------------------------------------------------


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    verbose_name = _("audit trail entry")
    verbose_name_plural = _("audit trail")
    fields = readonly_fields = [
        "created_at",
        "actor",
        "user",
        "action",
        "from_status",
        "to_status",
        "reason",
        "scores",
        "model_version",
        "previous_text",
    ]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("scores"))
    def scores(self, event):
        if event.spam_score is None and event.toxicity_score is None:
            return "–"
        return format_html(
            "{}{}",
            score_bar(gettext("spam"), event.spam_score),
            score_bar(gettext("toxicity"), event.toxicity_score),
        )


class CommentReportInline(admin.TabularInline):
    """Readers' reports of the comment (docs/readers.md); who reported is not shown."""

    model = CommentReport
    verbose_name = _("reader's report")
    verbose_name_plural = _("readers' reports")
    fields = readonly_fields = ["created_at", "reason", "note"]
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The queue ----------------------------------------------------------------------------------


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
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
    readonly_fields = [
        "status",
        "highlighted_text",
        "target_link",
        "thread_context",
        "author_name",
        "author_email",
        "website",
        "ip_address",
        "user_agent",
        "language",
        "user",
        "author_history",
        "scores",
        "reasons_list",
        "reports_count",
        "model_version",
        "created_at",
        "decided_at",
    ]

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
            When(stats.awaiting_review_filter(), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        return [queue_rank.asc(), "created_at", "pk"]

    def changelist_view(self, request, extra_context=None):
        count = stats.awaiting_review().count()
        context = {
            "title": gettext("Moderation queue"),
            "awaiting_review": count,
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
        if not comment.author_url or not _is_web_url(comment.author_url):
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

    # Custom URLs: one comment's action from its page, and the statistics.

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/moderate/",
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

    def moderate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Run one of the queue's actions on this comment, then go to the next in the queue."""
        self._require_moderator(request)
        if request.method != "POST":
            raise PermissionDenied
        comment = get_object_or_404(Comment, pk=object_id)
        actions = self.get_actions(request)
        name = request.POST.get("action", "")
        if name not in actions:
            messages.error(request, gettext("Unknown action."))
            return HttpResponseRedirect(
                reverse("admin:moderation_comment_change", args=[comment.pk])
            )
        func = actions[name][0]
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
            .filter(stats.awaiting_review_filter())
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
            "chart": stats.stacked_bar_chart(days),
            "outcomes": [(s, Status(s).label) for s in stats.OUTCOMES],
            "overturns": stats.overturned_decisions(since),
            "median_wait": _duration(stats.median_time_to_decision(since)),
            "awaiting_review": stats.awaiting_review().count(),
        }
        return TemplateResponse(request, "admin/moderation/comment/statistics.html", context)


@admin.register(AuthorRule)
class AuthorRuleAdmin(admin.ModelAdmin):
    """The block and trust rules, listed so that a moderator can lift one."""

    list_display = ["kind", "field", "value", "note", "created_by", "created_at"]
    list_filter = ["kind", "field"]
    search_fields = ["value", "note"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# Model versions -------------------------------------------------------------------------


@admin.action(description=_("Activate the selected version (promote or roll back)"))
def activate_version(modeladmin, request, queryset):
    if not can_moderate(request.user):
        raise PermissionDenied
    if queryset.count() != 1:
        messages.error(request, gettext("Select exactly one version to activate."))
        return
    try:
        model_registry.activate(queryset.get().version, by=request.user, reason="admin")
    except model_registry.RegistryError as exc:
        messages.error(request, str(exc))
        return
    messages.success(request, gettext("Activated %s.") % queryset.get().version)


@admin.action(description=_("Stop the selected candidates scoring in shadow"))
def retire_versions(modeladmin, request, queryset):
    if not can_moderate(request.user):
        raise PermissionDenied
    for version in queryset:
        model_registry.retire(version.version)


class ModeratorsOnly:
    """Views of the registry for moderators only, refused before an object is even looked up."""

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def get_object(self, request, object_id, from_field=None):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)


@admin.register(ModelVersion)
class ModelVersionAdmin(ModeratorsOnly, admin.ModelAdmin):
    """The registered models: figures on the newest moderators' labels, shadow disagreements."""

    list_display = [
        "version",
        "task",
        "status",
        "decision_rows",
        "held_out_figures",
        "shadow_disagreements",
        "created_at",
    ]
    list_filter = ["task", "status"]
    actions = [activate_version, retire_versions]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("held-out labels: candidate / active macro-F1"))
    def held_out_figures(self, version: ModelVersion) -> str:
        candidate, active = version.metrics.get("candidate"), version.metrics.get("active")
        if not candidate or not active:
            return "—"
        return f"{candidate['macro_f1']:.3f} / {active['macro_f1']:.3f} ({candidate['rows']})"

    @admin.display(description=_("shadow: decided differently"))
    def shadow_disagreements(self, version: ModelVersion) -> SafeString | str:
        scores = ShadowScore.objects.filter(model_version__contains=version.version)
        total = scores.count()
        if not total:
            return "—"
        differing = scores.exclude(would_decide=F("decided")).count()
        url = reverse("admin:moderation_comment_changelist") + "?shadow=differs"
        return format_html('<a href="{}">{} / {}</a>', url, differing, total)


@admin.register(ModelActivation)
class ModelActivationAdmin(ModeratorsOnly, admin.ModelAdmin):
    """Every promotion and rollback: who, when, from which version to which, why."""

    list_display = [
        "created_at",
        "task",
        "from_version",
        "to_version",
        "user",
        "automatic",
        "reason",
    ]
    list_filter = ["task", "automatic"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
