"""The queue's actions: each calls one services function per comment (the status never
changes here), and the form that carries the reason for rejecting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.models import AuthorRule, Comment, DiscussionMode, RejectReason, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CommentActionForm(helpers.ActionForm):
    reason = forms.ChoiceField(
        label=_("Reason:"),
        required=False,
        choices=[("", _("Reason for rejecting…")), *RejectReason.choices],
    )


def _status_action(
    service: Callable[..., Comment], description: StrOrPromise, done: StrOrPromise
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
confirm_audit = _status_action(
    services.confirm_audit,
    _("Confirm (audit: rightly published)"),
    ngettext_lazy("%(count)d audit pick looked at.", "%(count)d audit picks looked at.", "count"),
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


@admin.action(description=_("Make editors' pick"), permissions=["moderate"])
def feature(modeladmin, request, queryset):
    featured = 0
    for comment in queryset.filter(status=Status.PUBLISHED):
        services.feature(comment, by=request.user)
        featured += 1
    skipped = queryset.count() - featured
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d comment is an editors' pick.",
            "%(count)d comments are editors' picks.",
            featured,
        )
        % {"count": featured},
        messages.SUCCESS,
    )
    if skipped:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d comment is not published and cannot be picked.",
                "%(count)d comments are not published and cannot be picked.",
                skipped,
            )
            % {"count": skipped},
            messages.WARNING,
        )


unfeature = _status_action(
    services.unfeature,
    _("Remove from editors' picks"),
    ngettext_lazy(
        "%(count)d comment removed from the editors' picks.",
        "%(count)d comments removed from the editors' picks.",
        "count",
    ),
)


def _mode_action(
    mode: str, description: StrOrPromise
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Comment]], None]:
    """An action giving the articles of the chosen comments the discussion mode ``mode``."""

    def action(modeladmin, request, queryset):
        count = services.set_targets_mode(queryset, mode, by=request.user)
        text = ngettext("%(count)d article: %(mode)s.", "%(count)d articles: %(mode)s.", count)
        modeladmin.message_user(
            request, text % {"count": count, "mode": DiscussionMode(mode).label}, messages.SUCCESS
        )

    action.__name__ = f"discussion_{mode}"
    return admin.action(description=description, permissions=["moderate"])(action)


premoderate_articles = _mode_action(
    DiscussionMode.PREMODERATED, _("Article: hold every comment for a moderator")
)
close_articles = _mode_action(DiscussionMode.CLOSED, _("Article: close comments"))
open_articles = _mode_action(DiscussionMode.OPEN, _("Article: open (the policy decides)"))


def _rule_action(
    kind: str, fields: tuple[str, ...], name: str, description: StrOrPromise
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Comment]], None]:
    """An action making a ``kind`` rule on each comment's first key among ``fields``."""

    def action(modeladmin, request, queryset):
        rules = set()
        for comment in queryset:
            for field in fields:
                try:
                    rule = services.add_author_rule(
                        comment, kind=kind, field=field, by=request.user
                    )
                except ValueError:
                    continue
                rules.add(rule)
                break
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
    AuthorRule.Kind.BLOCK, (AuthorRule.Field.EMAIL,), "block_email", _("Block the author's email")
)
block_domain = _rule_action(
    AuthorRule.Kind.BLOCK, (AuthorRule.Field.DOMAIN,), "block_domain", _("Block the email domain")
)
block_ip = _rule_action(
    AuthorRule.Kind.BLOCK, (AuthorRule.Field.IP,), "block_ip", _("Block the IP address")
)
trust_author = _rule_action(
    AuthorRule.Kind.TRUST,
    AuthorRule.PROVEN_FIELDS,
    "trust_author",
    _("Trust the author (account, else browser)"),
)

MODERATION_ACTIONS = [
    approve,
    reject,
    mark_spam,
    mark_ham,
    confirm_audit,
    restore,
    feature,
    unfeature,
    block_email,
    block_domain,
    block_ip,
    trust_author,
    premoderate_articles,
    close_articles,
    open_articles,
]
