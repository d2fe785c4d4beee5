"""The comment queue's filters: the queue itself (opening on what awaits review), the
article, the score bands, language, links, and the shadow model's disagreements."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from moderation.models import TO_AUDIT, Comment, ShadowScore, Status, awaiting_review_filter
from moderation.policy import LINK_PATTERN
from moderation.section.http import parse_id


class QueueFilter(admin.SimpleListFilter):
    """Opens on what needs a human; every status, or all of them, one click away."""

    title = _("status")
    parameter_name = "status"
    AWAITING, TO_AUDIT, PICKS, ALL = "queue", "audit", "picks", "all"

    def lookups(self, request, model_admin):
        return [
            (self.AWAITING, _("Awaiting review")),
            (self.TO_AUDIT, _("To audit")),
            (self.PICKS, _("Editors’ picks")),
            *Status.choices,
            (self.ALL, _("All")),
        ]

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
            return queryset.filter(awaiting_review_filter())
        if value == self.TO_AUDIT:
            return queryset.filter(TO_AUDIT)
        if value == self.PICKS:  # unpublished ones too, so that they can be taken out
            return queryset.filter(featured_at__isnull=False)
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class TargetFilter(admin.SimpleListFilter):
    """The article (any target) the comments belong to: those with comments in the queue."""

    title = _("article")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        busiest = (
            Comment.objects.awaiting_review()
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
        """The ``(content type id, pk)`` of ``ct-pk`` when comments are attached to that
        object, else None: the filter names comment targets only, never other rows (e.g. a
        user's through ``auth.user``), and a garbled or unknown key is simply no filter."""
        ct, _sep, pk = (value or "").partition("-")
        ct_id = parse_id(ct)
        if ct_id is None or not pk:
            return None
        is_target = Comment.objects.filter(content_type_id=ct_id, object_pk=pk).exists()
        return (ct_id, pk) if is_target else None

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
    found: dict[tuple[int, str], object] = {}
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
        value = self.value()
        if value == "none":
            return queryset.filter(**{f"{self.field_name}__isnull": True})
        if value not in self.BANDS:
            return queryset
        low, high = self.BANDS[value]
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
