"""Who reports a comment: the two keys ``services.report_comment`` allows one report on.

A report is refused when either key matches an earlier report of the same comment
(docs/readers.md):

- ``network_key``: a keyed hash (``salted_hmac``) of the client's network
  (``client_network``: an IPv4 address, an IPv6 /64, honouring ``TRUSTED_PROXIES``); the
  address itself is never stored, and the key only for ``REPORT_NETWORK_RETENTION_DAYS``.
  The form and the API derive it the same way, so a reader cannot report once through
  each. Clients whose address cannot be known (an empty ``REMOTE_ADDR`` behind a unix
  socket, a garbled proxy chain) share one network key, so at most one of them reports a
  given comment.
- ``reader_key``: in a browser, the random token of a signed cookie set on the first report
  (``reader_cookies.browser_reader_key``; clearing cookies does not beat the network key).
  API clients have no such cookie: their key is ``api:`` and the network key, so the
  network is what tells them apart.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from moderation.client_ip import client_ip, client_network

NETWORK_SALT = "moderation.report-network"
API_READER_PREFIX = "api:"


def network_key(request: HttpRequest) -> str:
    """A keyed hash of the client's network (one shared key when it cannot be known)."""
    return network_key_of(client_ip(request))


def network_key_of(ip: str | None) -> str:
    """The network key of an address (``erase_commenter_data`` finds a commenter's reports)."""
    return salted_hmac(NETWORK_SALT, client_network(ip)).hexdigest()


def api_keys(request: HttpRequest) -> tuple[str, str]:
    """``(reader_key, network_key)`` of an API client, which has no reader cookie."""
    network = network_key(request)
    return f"{API_READER_PREFIX}{network}", network
