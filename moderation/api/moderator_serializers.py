"""What the moderation API reads and writes: comments with their private fields, scores,
explanation and audit trail, and the moderators' requests (decisions, picks, discussion
modes, author rules)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation.api import targets
from moderation.api.serializers import MAX_COMMENT_ID, TargetField
from moderation.models import AuthorRule, Comment, DiscussionMode, ModerationEvent, Status


class ModerationCommentSerializer(serializers.ModelSerializer):
    """A comment with everything a moderator needs, private fields included."""

    target = serializers.SerializerMethodField()
    # A declared field, taken off the class by DRF's metaclass: not Field.parent (the stub's).
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", allow_null=True, read_only=True
    )
    name = serializers.CharField(source="author_name", read_only=True)
    email = serializers.CharField(source="author_email", read_only=True)
    website = serializers.CharField(source="author_url", read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "target",
            "parent",
            "depth",
            "name",
            "email",
            "website",
            "text",
            "ip_address",
            "user_agent",
            "language",
            "status",
            "created_at",
            "decided_at",
            "spam_score",
            "toxicity_score",
            "model_version",
            "reasons",
            "audit_pick",
            "audited_at",
            "featured_at",
        ]
        read_only_fields = fields

    def get_target(self, comment: Comment) -> str:
        content_type = comment.content_type
        return targets.target_ref(
            f"{content_type.app_label}.{content_type.model}", comment.object_pk
        )


class ModerationEventSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_username", default=None, allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ModerationEvent
        fields = [
            "id",
            "actor",
            "user",
            "action",
            "from_status",
            "to_status",
            "reason",
            "reasons",
            "spam_score",
            "toxicity_score",
            "model_version",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {
                "type": "array",
                "items": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            },
        },
    }
)
class ExplanationField(serializers.JSONField):
    """The words that weighed most in the classifier's scores, with their weights."""


class ModerationCommentDetailSerializer(ModerationCommentSerializer):
    explanation = ExplanationField(read_only=True)
    events = ModerationEventSerializer(many=True, read_only=True)

    class Meta(ModerationCommentSerializer.Meta):
        fields = [*ModerationCommentSerializer.Meta.fields, "explanation", "events"]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["approve", "reject", "spam", "ham", "restore", "confirm"],
        help_text="confirm: an audit pick was rightly published (it stays published)",
    )
    reason = serializers.CharField(
        max_length=ModerationEvent._meta.get_field("reason").max_length,
        required=False,
        allow_blank=True,
        default="",
    )


class BulkDecisionSerializer(DecisionSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_COMMENT_ID),
        min_length=1,
        max_length=500,
    )


class FeaturedSerializer(serializers.Serializer):
    featured = serializers.BooleanField(
        help_text="true: make the published comment an editors' pick; false: take it out."
    )


class DiscussionSerializer(serializers.Serializer):
    target = TargetField(help_text=_("The commented object, as app_label.model:pk."))
    mode = serializers.ChoiceField(
        choices=DiscussionMode.choices,
        help_text="open: the policy decides; premoderated: every new comment waits for a "
        "moderator; closed: no new comments.",
    )


class DecidedCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)


class BulkDecisionResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    comments = DecidedCommentSerializer(many=True)


class AuthorRuleRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AuthorRule.Kind.choices)
    field = serializers.ChoiceField(choices=AuthorRule.Field.choices)

    def validate(self, attrs: dict) -> dict:
        if attrs["kind"] == AuthorRule.Kind.TRUST and attrs["field"] not in (
            AuthorRule.PROVEN_FIELDS
        ):
            raise serializers.ValidationError({"field": [AuthorRule.UNPROVEN_TRUST_MESSAGE]})
        return attrs


class AuthorRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuthorRule
        fields = ["id", "kind", "field", "value", "note", "created_at"]
        read_only_fields = fields
