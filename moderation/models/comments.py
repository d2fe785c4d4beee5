"""The comment, its audit trail, discussion settings, reports and the moderators'
per-author rules."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.conf import moderation_settings
from moderation.models.statuses import Status
from moderation.roles import MODERATE_CODENAME


class CommentQuerySet(models.QuerySet):
    def for_target(self, target: models.Model) -> CommentQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(target), object_pk=str(target.pk)
        )

    def published(self) -> CommentQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def overdue(self, now: datetime | None = None) -> CommentQuerySet:
        """Pending comments the workers should have classified by now (the moderators' queue
        shows them), whether or not the sweeper has enqueued them again."""
        return self.filter(status=Status.PENDING, created_at__lt=overdue_cutoff(now))

    def stale(self, now: datetime | None = None) -> CommentQuerySet:
        """Overdue pending comments the sweeper has not enqueued again within
        ``PENDING_SWEEP_AFTER``: those it should enqueue now."""
        cutoff = overdue_cutoff(now)
        return self.overdue(now).filter(Q(requeued_at=None) | Q(requeued_at__lt=cutoff))

    def awaiting_review(self, now: datetime | None = None) -> CommentQuerySet:
        """The moderators' queue: held comments, and pending ones that are overdue."""
        return self.filter(awaiting_review_filter(now))

    def to_audit(self) -> CommentQuerySet:
        """Published audit picks no moderator has looked at yet (docs/retraining.md)."""
        return self.filter(TO_AUDIT)

    def featured(self) -> CommentQuerySet:
        """The editors' picks readers see: featured comments that are published."""
        return self.filter(status=Status.PUBLISHED, featured_at__isnull=False)


class AuditPick(models.TextChoices):
    """Why a published comment was put before the moderators to confirm (or not at all)."""

    NONE = "", _("No")
    RANDOM = "random", _("Random sample")
    NEAR = "near", _("Near the hold threshold")


#: ``CommentQuerySet.to_audit`` as a condition, for annotations.
TO_AUDIT = Q(status=Status.PUBLISHED, audited_at=None) & ~Q(audit_pick=AuditPick.NONE)


def overdue_cutoff(now: datetime | None = None) -> datetime:
    """Pending comments submitted before this should have been classified by now."""
    return (now or timezone.now()) - timedelta(seconds=moderation_settings.PENDING_SWEEP_AFTER)


def awaiting_review_filter(now: datetime | None = None) -> Q:
    """``CommentQuerySet.awaiting_review`` as a condition, for annotations and joins."""
    return Q(status=Status.HELD) | Q(status=Status.PENDING, created_at__lt=overdue_cutoff(now))


class Comment(models.Model):
    """A reader's comment on any model instance (the target), with its moderation state."""

    # No index of its own: the first column of the (content type, object, ...) indexes.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    object_pk = models.CharField(_("object ID"), max_length=64)
    target = GenericForeignKey("content_type", "object_pk")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_index=False,  # a partial index (Meta): top-level comments take no entry
    )
    # The top-level comment of the thread, NULL for top-level comments themselves (so that
    # a comment is written with one INSERT): a page's replies are fetched with one query on
    # it (section.section_context, which excludes top-level comments). Code older than
    # migration 0007 set it to the comment itself on top-level ones; readers accept both.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    depth = models.PositiveSmallIntegerField(default=0)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_comments",
        db_index=False,
    )
    author_name = models.CharField(_("name"), max_length=245)
    author_email = models.EmailField(_("email"), max_length=100)  # private: moderators only
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    text = models.TextField(_("comment"), max_length=65525)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # What tells one client from another (``client_ip.client_network``): the IPv4 address or
    # the IPv6 /64, so that flood control holds when a reader rotates addresses in their /64.
    network = models.CharField(_("network"), max_length=43, blank=True, editable=False)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    # The random token of the posting browser's signed reader cookie: what a moderator's
    # trust rule binds to when the author has no account (never the typed email).
    reader_key = models.CharField(_("reader key"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # When the sweeper last enqueued the comment again (services.requeue_stale_pending); it
    # does not do so again before PENDING_SWEEP_AFTER has passed. Never set at submit.
    requeued_at = models.DateTimeField(_("enqueued again"), null=True, blank=True)

    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    toxicity_score = models.FloatField(_("toxicity score"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    # Set when the workers publish the comment and pick it for the moderators to confirm
    # (services.audit); ``audited_at`` when a moderator has decided it since.
    audit_pick = models.CharField(
        _("audit pick"), max_length=6, choices=AuditPick.choices, default="", blank=True
    )
    audited_at = models.DateTimeField(_("audited"), null=True, blank=True)

    # Reader features (docs/readers.md): reply notifications, consented and timestamped;
    # the last mail sent about replies (one per interval); readers' reports, counted.
    notify_replies = models.BooleanField(_("notify of replies"), default=False)
    notify_replies_at = models.DateTimeField(_("notification consent given"), null=True, blank=True)
    replies_notified_at = models.DateTimeField(_("replies last notified"), null=True, blank=True)
    reports_count = models.PositiveIntegerField(_("reports"), default=0)
    # When a moderator made it an editors' pick (services.feature; who is in the audit
    # trail). Kept while the comment is unpublished, shown only while it is published.
    featured_at = models.DateTimeField(_("editors' pick since"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        permissions = [(MODERATE_CODENAME, _("Can moderate comments"))]
        indexes = [
            models.Index(fields=["content_type", "object_pk", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["author_email", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["network", "created_at"]),
            # Most comments are top-level and anonymous: their NULLs take no index entries
            # (a write fewer per index and per comment; migration 0013).
            models.Index(
                fields=["parent"],
                condition=Q(parent__isnull=False),
                name="moderation_comment_parent",
            ),
            models.Index(
                fields=["root"], condition=Q(root__isnull=False), name="moderation_comment_root"
            ),
            models.Index(
                fields=["user"], condition=Q(user__isnull=False), name="moderation_comment_user"
            ),
            # Looked up by equality: no pattern-matching copy (``db_index`` adds one on
            # PostgreSQL).
            models.Index(fields=["reader_key"], name="moderation_comment_reader"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:50]}"

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def display_name(self) -> str:
        """The name readers see: "Anonymous" ("Anonimo") when the author gave none, as
        WordPress shows its anonymous comments (an import brings them)."""
        return self.author_name or gettext("Anonymous")


class DiscussionMode(models.TextChoices):
    """How a target takes comments: the policy decides, a human decides, or not at all."""

    OPEN = "open", _("Open: the policy decides")
    PREMODERATED = "premoderated", _("Pre-moderated: every comment waits for a moderator")
    CLOSED = "closed", _("Closed")


class DiscussionSettings(models.Model):
    """The moderators' choice for one target (any model, keyed like ``Comment``); a target
    without a row is open (``CLOSE_AFTER_DAYS`` still closes it)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_pk = models.CharField(_("object ID"), max_length=64)
    target = GenericForeignKey("content_type", "object_pk")
    mode = models.CharField(
        _("comments"), max_length=12, choices=DiscussionMode.choices, default=DiscussionMode.OPEN
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_pk"], name="one_discussion_settings_per_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_pk} {self.mode}"


class ModerationEvent(models.Model):
    """One change of a comment's status: who or what, from what to what, why, when."""

    class Actor(models.TextChoices):
        READER = "reader", _("Reader")
        CLASSIFIER = "classifier", _("Classifier")
        MODERATOR = "moderator", _("Moderator")
        SYSTEM = "system", _("System")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="events")
    actor = models.CharField(_("actor"), max_length=12, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index (Meta): the readers' and the system's events have none
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=10, blank=True)
    to_status = models.CharField(_("to"), max_length=10)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    spam_score = models.FloatField(null=True, blank=True)
    toxicity_score = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    previous_text = models.TextField(_("previous text"), blank=True)  # set when an author edits
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(user__isnull=False), name="moderation_event_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status or '-'} → {self.to_status}"


class AuthorRule(models.Model):
    """A moderator's rule about an author: block (future comments are spam) or trust."""

    class Kind(models.TextChoices):
        BLOCK = "block", _("Block")
        TRUST = "trust", _("Trust")

    class Field(models.TextChoices):
        EMAIL = "email", _("Email")
        DOMAIN = "domain", _("Email domain")
        IP = "ip", _("IP address")
        USER = "user", _("Account")
        READER = "reader", _("Browser")

    #: What an author proves (an account, a signed cookie): the only keys trust binds to.
    #: Anyone can type an email, so blocking on one is harmless and trusting one is not.
    PROVEN_FIELDS = (Field.USER, Field.READER)
    UNPROVEN_TRUST_MESSAGE = _("Trust an account or a browser: anyone can type an email.")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    field = models.CharField(_("applies to"), max_length=6, choices=Field.choices)
    value = models.CharField(_("value"), max_length=255)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("author rule")
        verbose_name_plural = _("author rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "field", "value"], name="unique_author_rule")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_field_display()} {self.value}"

    def clean(self) -> None:
        if self.kind == self.Kind.TRUST and self.field not in self.PROVEN_FIELDS:
            raise ValidationError({"field": self.UNPROVEN_TRUST_MESSAGE})


class DigestLog(models.Model):
    """When the moderators were last mailed a digest of held comments."""

    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    comments = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        get_latest_by = "sent_at"

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}: {self.comments}"


class RejectReason(models.TextChoices):
    """Why a moderator rejected a comment; stored as the event's reason and read by labels."""

    SPAM = "spam", _("Spam")
    OFFENSIVE = "offensive", _("Offensive")
    OFF_TOPIC = "off-topic", _("Off-topic")
    PERSONAL_DATA = "personal-data", _("Personal data")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Other")


class ReportReason(models.TextChoices):
    """Why a reader reports a comment."""

    SPAM = "spam", _("Spam")
    OFFENSIVE = "offensive", _("Offensive")
    OFF_TOPIC = "off-topic", _("Off-topic")
    OTHER = "other", _("Other")


class CommentReport(models.Model):
    """A reader's report of a published comment; one per reader (and per network) and comment.

    ``reader_key`` is the random token of the reader's signed cookie (``api:`` and the network
    key for API clients); ``network_key`` a keyed hash of their IP address (the address itself
    is not stored). See ``client_ip``.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=10, choices=ReportReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reader_key = models.CharField(max_length=64)
    network_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_key"], name="one_report_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.note[:50]}"
