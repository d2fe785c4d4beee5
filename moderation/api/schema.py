"""The pieces of the OpenAPI description that several endpoints share: parameters and
error responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from moderation.api import serializers as s
from moderation.api.targets import TARGET_PATTERN
from moderation.api.tokens import TOKEN_HEADER

TARGET_PARAMETER = OpenApiParameter(
    "target",
    str,
    required=True,
    description="The commented object, as app_label.model:pk (e.g. articles.article:42).",
    pattern=TARGET_PATTERN,
)
TOKEN_PARAMETER = OpenApiParameter(
    TOKEN_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The private token returned when the comment was posted: "
    "the response is then the comment's status only. Never in the URL.",
)
AUTHOR_TOKEN_PARAMETER = OpenApiParameter(
    TOKEN_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The private token returned when the comment was posted, in this header "
    "or as token in the JSON body (never in the URL, which logs keep).",
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
QUERY_ERRORS = OpenApiResponse(s.QueryErrorsSerializer, description="Bad target or cursor.")
MODERATOR_ERRORS = {
    401: OpenApiResponse(s.ErrorSerializer, description="Not authenticated."),
    403: OpenApiResponse(s.ErrorSerializer, description="Not allowed to moderate."),
}
