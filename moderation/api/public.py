"""The readers' endpoints: the published comments of a target, their count, posting a
comment and reporting one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from moderation import client_ip, services
from moderation.api import serializers as s
from moderation.api.base import APIView, refusal
from moderation.api.pagination import CommentCursorPagination
from moderation.api.parsers import BoundedJSONParser
from moderation.api.schema import ID_PARAMETER, QUERY_ERRORS, TARGET_PARAMETER, TOO_FAST
from moderation.api.targets import comments_on_open_models
from moderation.api.tokens import status_token
from moderation.models import Comment, Status
from moderation.section.http import build_submission
from moderation.section.throttling import CommentPostingThrottle, CommentReportingThrottle

#: What the reader's form says once a report is sent.
REPORT_THANKS = _("Thank you. The moderators will look at this comment.")


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
        comments = Comment.objects.for_target(s.query_target(request)).published()
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
            return refusal(error)
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
        count = Comment.objects.for_target(s.query_target(request)).published().count()
        return Response({"count": count})


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
        reader_key, network_key = client_ip.api_keys(request)
        try:
            services.report_comment(
                comment,
                reason=report.validated_data["reason"],
                note=report.validated_data["note"],
                reader_key=reader_key,
                network_key=network_key,
            )
        except services.CommentError as error:
            return refusal(error)
        body = {"id": comment.pk, "message": str(REPORT_THANKS)}
        return Response(s.ReportReceivedSerializer(body).data, status=status.HTTP_201_CREATED)
