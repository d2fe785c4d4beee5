"""The moderators' endpoints: the queue, a comment with its audit trail, decisions one by
one or in bulk, and author rules. Only users who may moderate reach them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from moderation import services
from moderation.api import moderator_serializers as ms
from moderation.api import serializers as s
from moderation.api.base import APIView
from moderation.api.pagination import CommentCursorPagination
from moderation.api.parsers import BoundedJSONParser
from moderation.api.permissions import CanModerate
from moderation.api.schema import (
    ERROR,
    ID_PARAMETER,
    MODERATOR_ERRORS,
    QUERY_ERRORS,
    TARGET_PARAMETER,
)
from moderation.models import TO_AUDIT, Comment, Status


def _confirm(comment: Comment, *, by: object, reason: str = "") -> Comment:
    """Confirm an audit pick (a confirmation carries no reason)."""
    return services.confirm_audit(comment, by=by)


#: The moderators' actions and the service each one calls.
DECISIONS: dict[str, Callable[..., Comment]] = {
    "approve": services.approve,
    "reject": services.reject,
    "spam": services.mark_spam,
    "ham": services.mark_ham,
    "restore": services.restore,
    "confirm": _confirm,
}


def _for_moderators() -> QuerySet[Comment]:
    return Comment.objects.select_related("content_type")


#: The responses of a moderators' list of comments, for the schema.
LIST_RESPONSES = {
    200: ms.ModerationCommentSerializer(many=True),
    **MODERATOR_ERRORS,
    400: QUERY_ERRORS,
}


class _ModeratorsListView(APIView):
    """A cursor-paginated list of comments with everything a moderator needs."""

    permission_classes = [CanModerate]
    pagination_class = CommentCursorPagination
    serializer_class = ms.ModerationCommentSerializer

    def listing(self, comments: QuerySet[Comment]) -> Response:
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(ms.ModerationCommentSerializer(page, many=True).data)


class QueueView(_ModeratorsListView):
    """Comments waiting for a human: held ones, and pending ones the workers left behind."""

    @extend_schema(summary="The moderation queue, oldest first", responses=LIST_RESPONSES)
    def get(self, request: Request) -> Response:
        overdue = Comment.objects.overdue().values("pk")
        return self.listing(_for_moderators().filter(Q(status=Status.HELD) | Q(pk__in=overdue)))


class AuditQueueView(_ModeratorsListView):
    """Published comments picked for the moderators to confirm (the audit sample)."""

    @extend_schema(summary="Published comments to audit, oldest first", responses=LIST_RESPONSES)
    def get(self, request: Request) -> Response:
        return self.listing(_for_moderators().filter(TO_AUDIT))


def _write_responses(done: type, *, on_one_comment: bool = False) -> dict:
    """The responses of a moderators' write, for the schema: ``done``, the input's errors,
    not allowed; and no such comment for a write ``on_one_comment``."""
    missing = {404: ERROR} if on_one_comment else {}
    return {200: done, 400: s.ValidationErrorsSerializer, **MODERATOR_ERRORS, **missing}


#: The responses of a moderator's action on one comment.
ACTION_RESPONSES = _write_responses(ms.ModerationCommentDetailSerializer, on_one_comment=True)


def _comment_and_body(request: Request, pk: int, serializer_class: type) -> tuple[Comment, dict]:
    """The comment ``pk`` and the request's body, validated by ``serializer_class``."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return get_object_or_404(Comment, pk=pk), body.validated_data


def _detail(pk: int) -> Comment:
    return get_object_or_404(
        _for_moderators().prefetch_related("events__user"),
        pk=pk,
    )


class ModerationCommentView(APIView):
    permission_classes = [CanModerate]
    serializer_class = ms.ModerationCommentDetailSerializer

    @extend_schema(
        summary="A comment with its scores, explanation and audit trail",
        parameters=[ID_PARAMETER],
        responses={200: ms.ModerationCommentDetailSerializer, **MODERATOR_ERRORS, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ms.ModerationCommentDetailSerializer(_detail(pk)).data)


class _ModeratorsWriteView(APIView):
    """An endpoint where a moderator changes something, with a JSON body."""

    permission_classes = [CanModerate]
    parser_classes = [BoundedJSONParser]


class DecisionView(_ModeratorsWriteView):
    serializer_class = ms.DecisionSerializer

    @extend_schema(
        summary="Approve, reject, mark as spam or ham, restore to the queue, or confirm an "
        "audit pick",
        parameters=[ID_PARAMETER],
        request=ms.DecisionSerializer,
        responses=ACTION_RESPONSES,
    )
    def post(self, request: Request, pk: int) -> Response:
        comment, decision = _comment_and_body(request, pk, ms.DecisionSerializer)
        DECISIONS[decision["action"]](comment, by=request.user, reason=decision["reason"])
        return Response(ms.ModerationCommentDetailSerializer(_detail(pk)).data)


class BulkDecisionView(_ModeratorsWriteView):
    serializer_class = ms.BulkDecisionSerializer

    @extend_schema(
        summary="One decision on many comments, all or none",
        request=ms.BulkDecisionSerializer,
        responses=_write_responses(ms.BulkDecisionResultSerializer),
    )
    def post(self, request: Request) -> Response:
        decision = ms.BulkDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        action, reason = decision.validated_data["action"], decision.validated_data["reason"]
        ids = list(dict.fromkeys(decision.validated_data["ids"]))
        comments = Comment.objects.in_bulk(ids)
        missing = [pk for pk in ids if pk not in comments]
        if missing:
            raise ValidationError(
                {
                    "ids": [
                        _("No comment has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
                    ]
                }
            )
        with transaction.atomic():
            decided = [
                DECISIONS[action](comments[pk], by=request.user, reason=reason) for pk in ids
            ]
        result = {"action": action, "comments": [{"id": c.pk, "status": c.status} for c in decided]}
        return Response(ms.BulkDecisionResultSerializer(result).data)


class FeaturedView(_ModeratorsWriteView):
    serializer_class = ms.FeaturedSerializer

    @extend_schema(
        summary="Make a published comment an editors' pick, or take it out of the picks",
        parameters=[ID_PARAMETER],
        request=ms.FeaturedSerializer,
        responses=ACTION_RESPONSES,
    )
    def post(self, request: Request, pk: int) -> Response:
        comment, choice = _comment_and_body(request, pk, ms.FeaturedSerializer)
        if not choice["featured"]:
            services.unfeature(comment, by=request.user)
        else:
            try:
                services.feature(comment, by=request.user)
            except services.CommentError as error:
                raise ValidationError({"featured": [error.message]}) from None
        return Response(ms.ModerationCommentDetailSerializer(_detail(pk)).data)


class DiscussionView(_ModeratorsWriteView):
    serializer_class = ms.DiscussionSerializer

    @extend_schema(
        summary="Whether an object's comments are open, pre-moderated or closed",
        parameters=[TARGET_PARAMETER],
        responses={200: ms.DiscussionSerializer, 400: QUERY_ERRORS, **MODERATOR_ERRORS},
    )
    def get(self, request: Request) -> Response:
        target = s.query_target(request)
        mode = services.discussion_mode(target)
        return Response(ms.DiscussionSerializer({"target": target, "mode": mode}).data)

    @extend_schema(
        summary="Open, pre-moderate or close an object's comments",
        request=ms.DiscussionSerializer,
        responses=_write_responses(ms.DiscussionSerializer),
    )
    def put(self, request: Request) -> Response:
        body = ms.DiscussionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target, mode = body.validated_data["target"], body.validated_data["mode"]
        services.set_discussion_mode(target, mode, by=request.user)
        return Response(body.data)


class AuthorRuleView(_ModeratorsWriteView):
    serializer_class = ms.AuthorRuleRequestSerializer

    @extend_schema(
        summary="Block the comment's author by email, email domain or IP address, or trust "
        "their account or browser",
        parameters=[ID_PARAMETER],
        request=ms.AuthorRuleRequestSerializer,
        responses=_write_responses(ms.AuthorRuleSerializer, on_one_comment=True),
    )
    def post(self, request: Request, pk: int) -> Response:
        comment, rule_request = _comment_and_body(request, pk, ms.AuthorRuleRequestSerializer)
        try:
            rule = services.add_author_rule(comment, **rule_request, by=request.user)
        except ValueError:
            raise ValidationError(
                {"field": [_("This comment has no value for this field.")]}
            ) from None
        return Response(ms.AuthorRuleSerializer(rule).data)
