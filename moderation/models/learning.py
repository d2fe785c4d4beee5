"""What the learning loop keeps: moderators' verdicts as training labels, the model
versions and their activations, and the scores of a candidate running in shadow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.models.comments import Comment
from moderation.models.statuses import Status


class TrainingLabel(models.Model):
    """A moderator's verdict on a comment, kept as an example for retraining the models.

    ``is_spam`` and ``is_toxic`` are None when the decision says nothing about that
    question (e.g. a comment rejected as off-topic is neither known spam nor known toxic).
    ``source`` says how the comment came before a moderator and ``weight`` how many comments
    of the stream the label stands for (inverse propensity; docs/retraining.md). Verdicts
    brought from WordPress have source ``import`` and an action starting with
    ``IMPORTED_PREFIX`` (docs/wordpress.md).
    """

    class Source(models.TextChoices):
        HELD = "held", _("Held by the policy")
        AUDIT_RANDOM = "audit_random", _("Random audit sample")
        AUDIT_NEAR = "audit_near", _("Audit: near the hold threshold")
        REPORT = "report", _("Reported by readers")
        IMPORT = "import", _("Imported")
        OTHER = "other", _("Other")

    IMPORTED_PREFIX = "wordpress_"

    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_labels",
    )
    text = models.TextField(_("comment"))
    author_name = models.CharField(_("name"), max_length=245)
    author_url = models.URLField(_("website"), max_length=200, blank=True)
    author_email_domain = models.CharField(_("email domain"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=30)
    is_spam = models.BooleanField(_("spam"), null=True, blank=True)
    is_toxic = models.BooleanField(_("toxic"), null=True, blank=True)
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    toxicity_score = models.FloatField(_("toxicity score"), null=True, blank=True)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.OTHER
    )
    weight = models.FloatField(_("weight"), default=1.0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("training label")
        verbose_name_plural = _("training labels")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: spam={self.is_spam} toxic={self.is_toxic}"


class ModelVersion(models.Model):
    """One trained model file of a task, its provenance and figures, and whether it decides.

    At most one version per task is ``active`` (the workers score with it); the newest
    ``candidate`` scores new comments in shadow; ``retired`` versions can be activated
    again (rollback).
    """

    class State(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    task = models.CharField(_("task"), max_length=10)
    version = models.CharField(_("version"), max_length=100, unique=True)
    path = models.CharField(_("file"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.CANDIDATE
    )
    training_sets = models.JSONField(_("training sets"), default=dict, blank=True)
    training_rows = models.PositiveIntegerField(_("training rows"), default=0)
    decision_rows = models.PositiveIntegerField(_("moderator labels"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        ordering = ["task", "-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "task"])]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(status="active"), name="one_active_model"
            )
        ]

    def __str__(self) -> str:
        return self.version


class ModelActivation(models.Model):
    """The audit record of a promotion or rollback: who, when, from which version, to which, why."""

    task = models.CharField(_("task"), max_length=10)
    from_version = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from"),
    )
    to_version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="activations", verbose_name=_("to")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    automatic = models.BooleanField(_("automatic"), default=False)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("model activation")
        verbose_name_plural = _("model activations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task}: {self.from_version or '-'} → {self.to_version}"


class ShadowScore(models.Model):
    """A candidate model's scores of a comment and what the policy would then have decided.

    Never applied: the comment's status comes from the active models only.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="shadow_scores")
    model_version = models.CharField(_("model version"), max_length=100)
    spam = models.FloatField(_("spam score"))
    toxicity = models.FloatField(_("toxicity score"))
    would_decide = models.CharField(_("would decide"), max_length=10, choices=Status.choices)
    decided = models.CharField(_("decided"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shadow score")
        verbose_name_plural = _("shadow scores")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "model_version"], name="one_shadow_score_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.would_decide} ({self.decided})"

    @property
    def differs(self) -> bool:
        return self.would_decide != self.decided
