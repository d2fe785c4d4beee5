"""The author's endpoint: a comment's status with the private token returned on posting,
and editing or deleting it within the edit window (without the token, the published
comment as anyone sees it)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from moderation import services
from moderation.api import serializers as s
from moderation.api.base import APIView, refusal
from moderation.api.parsers import BoundedJSONParser
from moderation.api.schema import (
    AUTHOR_TOKEN_PARAMETER,
    EDIT_WINDOW_CLOSED,
    ID_PARAMETER,
    NOT_YOURS,
    TOKEN_PARAMETER,
    TOO_FAST,
)
from moderation.api.targets import comments_on_open_models
from moderation.api.tokens import author_token, is_status_token
from moderation.models import Comment
from moderation.section.throttling import CommentEditingThrottle


def _authors_comment(request: Request, pk: int) -> Comment:
    """The comment the request's author token (header or body, as for its status) opens.

    A missing or wrong token is a 404 like a missing comment: nothing tells them apart.
    """
    token = author_token(request)
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
        token = author_token(request)
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
            return refusal(error)
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
            return refusal(error)
        return Response(status=status.HTTP_204_NO_CONTENT)
