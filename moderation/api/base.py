"""What every API endpoint shares: the language of the answer, a database failure as a 503,
and a refusal of the services as an error body."""

from __future__ import annotations

from django import db
from django.core.exceptions import RequestDataTooBig
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from moderation import services
from moderation.conf import moderation_settings
from moderation.section.http import UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER, drop_connection


def refusal(error: services.CommentError) -> Response:
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
    ``i18n_patterns`` the default language when the default has no prefix.

    JSON only: the browsable renderer builds forms from a queryset these views do not
    have, so a browser's ``Accept: text/html`` made a 500."""

    renderer_classes = [JSONRenderer]

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
