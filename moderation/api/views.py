"""The API's endpoints. They validate and serialize; every action is a call to ``services``."""

from __future__ import annotations

from collections.abc import Callable

from django import db
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .. import reader_keys, services
from ..conf import moderation_settings
from ..http import (
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_AFTER,
    build_submission,
    drop_connection,
)
from ..models import Comment, Status
from . import serializers as s
from .pagination import CommentCursorPagination
from .parsers import BoundedJSONParser
from .permissions import CanModerate
from .targets import TARGET_PATTERN, comments_on_open_models
from .throttling import CommentEditingThrottle, CommentPostingThrottle, CommentReportingThrottle
from .tokens import is_status_token, status_token

#: The moderators' actions and the service each one calls.
DECISIONS: dict[str, Callable[..., Comment]] = {
    "approve": services.approve,
    "reject": services.reject,
    "spam": services.mark_spam,
    "ham": services.mark_ham,
    "restore": services.restore,
}

TARGET_PARAMETER = OpenApiParameter(
    "target",
    str,
    required=True,
    description="The commented object, as app_label.model:pk (e.g. articles.article:42).",
    pattern=TARGET_PATTERN,
)
TOKEN_PARAMETER = OpenApiParameter(
    "token",
    str,
    required=False,
    description="The private token returned when the comment was posted: "
    "the response is then the comment's status only.",
)
AUTHOR_TOKEN_PARAMETER = OpenApiParameter(
    "token",
    str,
    required=True,
    description="The private token returned when the comment was posted.",
)
ID_PARAMETER = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The comment's id."
)
ERROR = OpenApiResponse(s.ErrorSerializer)
NOT_YOURS = OpenApiResponse(
    s.ErrorSerializer,
    description="No such comment, or a missing or wrong token (which of them is not said).",
)
EDIT_WINDOW_CLOSED = OpenApiResponse(
    s.ErrorSerializer,
    description="The edit window is over, or the comment is held, spam or rejected "
    "(or a session-authenticated request lacks its CSRF token).",
)
TOO_FAST = OpenApiResponse(s.ErrorSerializer, description="Posting too fast.")
#: What the reader's form says once a report is sent.
REPORT_THANKS = _("Thank you. The moderators will look at this comment.")
QUERY_ERRORS = OpenApiResponse(s.QueryErrorsSerializer, description="Bad target or cursor.")
MODERATOR_ERRORS = {
    401: OpenApiResponse(s.ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not allowed to moderate."),
}


def _target(request: Request):
    query = s.TargetQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["target"]


def _refusal(error: services.CommentError) -> Response:
    """A comment the services refused: field-shaped for 400s, ``detail`` otherwise."""
    if error.status_code == status.HTTP_400_BAD_REQUEST:
        return Response({api_settings.NON_FIELD_ERRORS_KEY: [error.message]}, status=400)
    response = Response({"detail": error.message}, status=error.status_code)
    if isinstance(error, services.TooFast):
        response["Retry-After"] = str(moderation_settings.FLOOD_INTERVAL)
    return response


class APIView(GenericAPIView):
    """Answers in the language the client asks for with Accept-Language (or the language
    cookie), whatever the site's URL scheme: LocaleMiddleware gives every URL outside
    ``i18n_patterns`` the default language when the default has no prefix."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        translation.activate(translation.get_language_from_request(request._request))
        request.LANGUAGE_CODE = translation.get_language()
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        """A database failure (e.g. a dropped connection) is a 503 to retry, not a 500; a body
        over DATA_UPLOAD_MAX_MEMORY_SIZE is a JSON 413 like every other API error."""
        if isinstance(exc, RequestDataTooBig):
            return Response({"detail": _("The request body is too large.")}, status=413)
        if isinstance(exc, db.Error):
            drop_connection()
            response = Response({"detail": UNAVAILABLE_MESSAGE}, status=503)
            response["Retry-After"] = UNAVAILABLE_RETRY_AFTER
            return response
        return super().handle_exception(exc)


# Readers ------------------------------------------------------------------------------------


class CommentListCreateView(APIView):
    """Published comments of one target; a reader's new comment."""

    permission_classes = [AllowAny]
    throttle_classes = [CommentPostingThrottle]
    pagination_class = CommentCursorPagination
    serializer_class = s.PublicCommentSerializer

    def get_parsers(self):
        if self.request is not None and self.request.method == "POST":
            return [BoundedJSONParser()]
        return super().get_parsers()

    @extend_schema(
        summary="Published comments of a target, oldest first",
        parameters=[TARGET_PARAMETER],
        responses={200: s.PublicCommentSerializer(many=True), 400: QUERY_ERRORS},
    )
    def get(self, request: Request) -> Response:
        comments = Comment.objects.for_target(_target(request)).published()
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(s.PublicCommentSerializer(page, many=True).data)

    @extend_schema(
        summary="Post a comment; it is published only after classification",
        request=s.CommentSubmissionSerializer,
        responses={
            202: s.SubmittedCommentSerializer,
            400: OpenApiResponse(
                s.SubmissionErrorsSerializer,
                description="Invalid fields, in the request's language.",
            ),
            403: OpenApiResponse(s.ErrorSerializer, description="Comments are closed."),
            409: OpenApiResponse(s.ErrorSerializer, description="Duplicate comment."),
            429: TOO_FAST,
        },
    )
    def post(self, request: Request) -> Response:
        submission = s.CommentSubmissionSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        target, form_data = (
            submission.validated_data["target"],
            submission.validated_data["form_data"],
        )
        try:
            comment = services.submit_comment(build_submission(request, target, form_data))
        except services.CommentError as error:
            return _refusal(error)
        body = {"id": comment.pk, "status": Status.PENDING, "token": status_token(comment.pk)}
        return Response(s.SubmittedCommentSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class CommentCountView(APIView):
    permission_classes = [AllowAny]
    serializer_class = s.CommentCountSerializer

    @extend_schema(
        summary="How many comments of a target are published",
        parameters=[TARGET_PARAMETER],
        responses={200: s.CommentCountSerializer, 400: QUERY_ERRORS},
    )
    def get(self, request: Request) -> Response:
        count = Comment.objects.for_target(_target(request)).published().count()
        return Response({"count": count})


def _authors_comment(request: Request, pk: int) -> Comment:
    """The comment the request's author token (``?token=``, as for its status) opens.

    A missing or wrong token is a 404 like a missing comment: nothing tells them apart.
    """
    token = request.query_params.get("token")
    if not token or not is_status_token(pk, token):
        raise NotFound
    comment = comments_on_open_models().filter(pk=pk).first()
    if comment is None:
        raise NotFound
    return comment


def _status(comment: Comment, code: int = status.HTTP_200_OK) -> Response:
    body = {"id": comment.pk, "status": s.PUBLIC_STATUS[comment.status]}
    return Response(s.CommentStatusSerializer(body).data, status=code)


class CommentDetailView(APIView):
    """A published comment, or, with its author's token, any comment's status and no more;
    with the token, its author edits or deletes it within the edit window."""

    permission_classes = [AllowAny]
    throttle_classes = [CommentEditingThrottle]
    serializer_class = s.PublicCommentSerializer

    def get_parsers(self):
        if self.request is not None and self.request.method == "PATCH":
            return [BoundedJSONParser()]
        return super().get_parsers()

    @extend_schema(
        summary="A published comment, or the status of one's own comment",
        parameters=[ID_PARAMETER, TOKEN_PARAMETER],
        responses={
            200: PolymorphicProxySerializer(
                component_name="CommentOrStatus",
                serializers=[s.PublicCommentSerializer, s.CommentStatusSerializer],
                resource_type_field_name=None,
            ),
            404: OpenApiResponse(s.ErrorSerializer, description="No such comment, or bad token."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        comment = comments_on_open_models().filter(pk=pk).first()
        token = request.query_params.get("token")
        if token is not None:
            if comment is None or not is_status_token(comment.pk, token):
                raise NotFound
            return _status(comment)
        if comment is None or not comment.is_public:
            raise NotFound
        return Response(s.PublicCommentSerializer(comment).data)

    @extend_schema(
        summary="Edit one's own comment within the edit window; it is classified again",
        description="With the token returned when the comment was posted, for "
        "EDIT_WINDOW_MINUTES after posting, while the comment is pending or published. "
        "The comment goes back to pending and is classified again, as on posting; "
        "moderators keep the previous text. Edits count with posts against the throttle.",
        parameters=[ID_PARAMETER, AUTHOR_TOKEN_PARAMETER],
        request=s.CommentEditSerializer,
        responses={
            202: OpenApiResponse(
                s.CommentStatusSerializer,
                description="Accepted: pending until it is classified again "
                "(unchanged text: the comment is left as it was).",
            ),
            400: OpenApiResponse(
                s.EditErrorsSerializer, description="Invalid text, in the request's language."
            ),
            403: EDIT_WINDOW_CLOSED,
            404: NOT_YOURS,
            429: TOO_FAST,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        comment = _authors_comment(request, pk)
        edit = s.CommentEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        try:
            comment = services.edit_comment(comment, text=edit.validated_data["text"])
        except services.CommentError as error:
            return _refusal(error)
        return _status(comment, status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Delete one's own comment within the edit window",
        description="With the token returned when the comment was posted, for "
        "EDIT_WINDOW_MINUTES after posting, while the comment is pending or published. "
        "The comment is never shown again; its status becomes not_published.",
        parameters=[ID_PARAMETER, AUTHOR_TOKEN_PARAMETER],
        responses={
            204: OpenApiResponse(description="Deleted: the comment is never shown again."),
            403: EDIT_WINDOW_CLOSED,
            404: NOT_YOURS,
        },
    )
    def delete(self, request: Request, pk: int) -> Response:
        comment = _authors_comment(request, pk)
        try:
            services.delete_by_author(comment)
        except services.CommentError as error:
            return _refusal(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentReportView(APIView):
    """A reader's report of a published comment, as with the form's "Report" link."""

    permission_classes = [AllowAny]
    throttle_classes = [CommentReportingThrottle]
    parser_classes = [BoundedJSONParser]
    serializer_class = s.ReportSerializer

    @extend_schema(
        summary="Report a published comment to the moderators",
        description="One report per client and comment: a client is known by a keyed hash "
        "of its address, the same one the report form records, so a second report from "
        "the same address, through the API or the form, is a 409. Enough reports "
        "(REPORTS_TO_HOLD) send the comment back to the moderators.",
        parameters=[ID_PARAMETER],
        request=s.ReportSerializer,
        responses={
            201: s.ReportReceivedSerializer,
            400: OpenApiResponse(
                s.ReportErrorsSerializer, description="Invalid fields, in the request's language."
            ),
            403: OpenApiResponse(
                s.ErrorSerializer,
                description="A session-authenticated request without its CSRF token.",
            ),
            404: OpenApiResponse(s.ErrorSerializer, description="No such published comment."),
            409: OpenApiResponse(
                s.ErrorSerializer, description="This client has already reported the comment."
            ),
            429: OpenApiResponse(s.ErrorSerializer, description="Reporting too fast."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        comment = comments_on_open_models().filter(pk=pk, status=Status.PUBLISHED).first()
        if comment is None:
            raise NotFound
        report = s.ReportSerializer(data=request.data)
        report.is_valid(raise_exception=True)
        reader_key, network_key = reader_keys.api_keys(request)
        try:
            services.report_comment(
                comment,
                reason=report.validated_data["reason"],
                note=report.validated_data["note"],
                reader_key=reader_key,
                network_key=network_key,
            )
        except services.CommentError as error:
            return _refusal(error)
        body = {"id": comment.pk, "message": str(REPORT_THANKS)}
        return Response(s.ReportReceivedSerializer(body).data, status=status.HTTP_201_CREATED)


# Moderators ---------------------------------------------------------------------------------


def _for_moderators() -> QuerySet[Comment]:
    return Comment.objects.select_related("content_type")


class QueueView(APIView):
    """Comments waiting for a human: held ones, and pending ones the workers left behind."""

    permission_classes = [CanModerate]
    pagination_class = CommentCursorPagination
    serializer_class = s.ModerationCommentSerializer

    @extend_schema(
        summary="The moderation queue, oldest first",
        responses={
            200: s.ModerationCommentSerializer(many=True),
            **MODERATOR_ERRORS,
            400: QUERY_ERRORS,
        },
    )
    def get(self, request: Request) -> Response:
        overdue = services.overdue_pending().values("pk")
        queue = _for_moderators().filter(Q(status=Status.HELD) | Q(pk__in=overdue))
        page = self.paginate_queryset(queue)
        return self.get_paginated_response(s.ModerationCommentSerializer(page, many=True).data)


def _detail(pk: int) -> Comment:
    return get_object_or_404(
        _for_moderators().prefetch_related("events__user"),
        pk=pk,
    )


class ModerationCommentView(APIView):
    permission_classes = [CanModerate]
    serializer_class = s.ModerationCommentDetailSerializer

    @extend_schema(
        summary="A comment with its scores, explanation and audit trail",
        parameters=[ID_PARAMETER],
        responses={200: s.ModerationCommentDetailSerializer, **MODERATOR_ERRORS, 404: ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ModerationCommentDetailSerializer(_detail(pk)).data)


class DecisionView(APIView):
    permission_classes = [CanModerate]
    parser_classes = [BoundedJSONParser]
    serializer_class = s.DecisionSerializer

    @extend_schema(
        summary="Approve, reject, mark as spam or ham, or restore a comment to the queue",
        parameters=[ID_PARAMETER],
        request=s.DecisionSerializer,
        responses={
            200: s.ModerationCommentDetailSerializer,
            400: s.ValidationErrorsSerializer,
            **MODERATOR_ERRORS,
            404: ERROR,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        decision = s.DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        comment = get_object_or_404(Comment, pk=pk)
        decide = DECISIONS[decision.validated_data["action"]]
        decide(comment, by=request.user, reason=decision.validated_data["reason"])
        return Response(s.ModerationCommentDetailSerializer(_detail(pk)).data)


class BulkDecisionView(APIView):
    permission_classes = [CanModerate]
    parser_classes = [BoundedJSONParser]
    serializer_class = s.BulkDecisionSerializer

    @extend_schema(
        summary="One decision on many comments, all or none",
        request=s.BulkDecisionSerializer,
        responses={
            200: s.BulkDecisionResultSerializer,
            400: s.ValidationErrorsSerializer,
            **MODERATOR_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        decision = s.BulkDecisionSerializer(data=request.data)
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
        return Response(s.BulkDecisionResultSerializer(result).data)


class AuthorRuleView(APIView):
    permission_classes = [CanModerate]
    parser_classes = [BoundedJSONParser]
    serializer_class = s.AuthorRuleRequestSerializer

    @extend_schema(
        summary="Block or trust the comment's author by email, email domain or IP address",
        parameters=[ID_PARAMETER],
        request=s.AuthorRuleRequestSerializer,
        responses={
            200: s.AuthorRuleSerializer,
            400: s.ValidationErrorsSerializer,
            **MODERATOR_ERRORS,
            404: ERROR,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        rule_request = s.AuthorRuleRequestSerializer(data=request.data)
        rule_request.is_valid(raise_exception=True)
        comment = get_object_or_404(Comment, pk=pk)
        try:
            rule = services.add_author_rule(comment, **rule_request.validated_data, by=request.user)
        except ValueError:
            raise ValidationError(
                {"field": [_("This comment has no value for this field.")]}
            ) from None
        return Response(s.AuthorRuleSerializer(rule).data)
