"""Rate limits on readers' writes, keyed on the reader's real network (``client_network`` of
``client_ip``: an IPv4 address, an IPv6 /64, one shared key when unknown).

Posting and editing share the ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["moderation.comments"]``
rate (an edit is new text to classify, like a post), ``"10/minute"`` when unset. Reports are
counted apart, at the ``"moderation.reports"`` rate, the posting rate when unset. DRF's own
``get_ident`` trusts any ``X-Forwarded-For`` header, which a client can change on every
request; ``client_ip`` trusts only configured proxies.
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from moderation.client_ip import client_ip, client_network

DEFAULT_RATE = "10/minute"
POSTING_SCOPE = "moderation.comments"


class CommentPostingThrottle(SimpleRateThrottle):
    """Throttles POST requests only: reading comments is not limited here."""

    scope = POSTING_SCOPE
    methods = frozenset({"POST"})

    def get_rate(self) -> str | None:
        # Rates are strings ("10/minute"); DRF's stub types them as numbers.
        rates: dict[str, str | None] = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        return rates.get(self.scope, rates.get(POSTING_SCOPE, DEFAULT_RATE))

    def allow_request(self, request: Request | HttpRequest, view: APIView | None) -> bool:
        """Also asked by the reader's forms, with Django's request and no view: DRF's check
        hands both on to ``get_cache_key`` alone, which takes them."""
        if request.method not in self.methods:
            return True
        return super().allow_request(request, view)  # type: ignore[arg-type]

    def get_cache_key(self, request: Request | HttpRequest, view: APIView | None) -> str:
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = client_network(client_ip(request))
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CommentEditingThrottle(CommentPostingThrottle):
    """An author's edit, counted with the posts of the same client: PATCH in the API, the
    POST of the reader's edit form (``views.readers.edit_comment``)."""

    methods = frozenset({"PATCH", "POST"})


class CommentReportingThrottle(CommentPostingThrottle):
    """Readers' reports, counted apart from posts."""

    scope = "moderation.reports"
