"""Rate limit on posting comments, keyed on the reader's real address (``client_ip``).

The rate is the site's ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["moderation.comments"]``,
``"10/minute"`` when unset. DRF's own ``get_ident`` trusts any ``X-Forwarded-For`` header,
which a client can change on every request; ``client_ip`` trusts only configured proxies.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from ..client_ip import client_ip

DEFAULT_RATE = "10/minute"


class CommentPostingThrottle(SimpleRateThrottle):
    """Throttles POST requests only: reading comments is not limited here."""

    scope = "moderation.comments"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope, DEFAULT_RATE)

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = client_ip(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}
