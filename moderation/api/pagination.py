"""Cursor pagination in submission order; a garbled cursor is a 400, not a 404."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

from moderation.conf import moderation_settings


class CommentCursorPagination(CursorPagination):
    ordering = ("created_at", "pk")
    # DRF sets a lazy string here itself; its stub says str.
    invalid_cursor_message = _("This page cursor is not valid.")  # type: ignore[assignment]

    def get_page_size(self, request: Request) -> int:
        return moderation_settings.COMMENTS_PER_PAGE

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
            # DRF does not check the position; the database would choke on a forged one.
            position = cursor.position if cursor is not None else None
            # The position is the query string's text; the stub says int.
            if position is not None and parse_datetime(position) is None:  # type: ignore[arg-type]
                raise ValueError(position)
        except (NotFound, ValueError):
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None
        return cursor
