"""Who reports a comment: the two keys ``services.report_comment`` allows one report on.

A report is refused when either key matches an earlier report of the same comment
(docs/readers.md):

- ``network_key``: a keyed hash (``salted_hmac``) of the client's address (``client_ip``,
  which honours ``TRUSTED_PROXIES``); the address itself is never stored. The form and the
  API derive it the same way, so a reader cannot report once through each.
- ``reader_key``: in a browser, the random token of a signed cookie set on the first report
  (``reader_cookies.browser_reader_key``; clearing cookies does not beat the network key).
  API clients have no such cookie: their key is ``api:`` and the network key, so the
  address is what tells them apart; clients whose address cannot be known (a garbled proxy
  chain) share one key, ``api:unknown``, and so at most one of them reports a given comment.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .client_ip import client_ip

NETWORK_SALT = "moderation.report-network"
API_READER_PREFIX = "api:"
API_UNKNOWN_ADDRESS = f"{API_READER_PREFIX}unknown"


def network_key(request: HttpRequest) -> str:
    """A keyed hash of the client's address; empty when the address cannot be known."""
    return network_key_of(client_ip(request))


def network_key_of(ip: str | None) -> str:
    """The network key of an address (``erase_commenter_data`` finds a commenter's reports)."""
    return salted_hmac(NETWORK_SALT, ip).hexdigest() if ip else ""


def api_keys(request: HttpRequest) -> tuple[str, str]:
    """``(reader_key, network_key)`` of an API client, which has no reader cookie."""
    network = network_key(request)
    return (f"{API_READER_PREFIX}{network}" if network else API_UNKNOWN_ADDRESS), network
