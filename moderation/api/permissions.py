"""Who may use the moderators' endpoints."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from moderation.roles import can_moderate


class CanModerate(BasePermission):
    """Authenticated users holding ``moderation.can_moderate`` (being staff is not enough)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and can_moderate(user))
