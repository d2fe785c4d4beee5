"""The reader's IP address, its network, and the keys derived from it.

The address is ``REMOTE_ADDR``, or behind trusted proxies the right-most untrusted hop:
``MODERATION["TRUSTED_PROXIES"]`` lists the proxies' addresses or CIDR ranges, and a client
that is not a trusted proxy cannot change its address by sending ``X-Forwarded-For``.

A report is refused when either of two keys matches an earlier report of the same comment
(docs/readers.md):

- ``network_key``: a keyed hash (``salted_hmac``) of the client's network
  (``client_network``: an IPv4 address, an IPv6 /64, honouring ``TRUSTED_PROXIES``); the
  address itself is never stored, and the key only for ``REPORT_NETWORK_RETENTION_DAYS``.
  The form and the API derive it the same way, so a reader cannot report once through
  each. Clients whose address cannot be known (an empty ``REMOTE_ADDR`` behind a unix
  socket, a garbled proxy chain) share one network key, so at most one of them reports a
  given comment.
- ``reader_key``: in a browser, the random token of a signed cookie set on the first report
  (``section.cookies.browser_reader_key``; clearing cookies does not beat the network key).
  API clients have no such cookie: their key is ``api:`` and the network key, so the
  network is what tells them apart.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from moderation.conf import moderation_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(value: str) -> IPAddress | None:
    """The address in ``value``, or None for anything that is not one IP address."""
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def is_trusted_proxy(address: IPAddress) -> bool:
    networks = _networks(tuple(moderation_settings.TRUSTED_PROXIES))
    return any(address.version == net.version and address in net for net in networks)


#: An IPv6 client usually holds a whole /64 (one subscriber, any address in it): counting
#: addresses would count one client many times.
IPV6_CLIENT_PREFIX = 64


def client_network(ip: str | None) -> str:
    """What tells one client from another: an IPv4 address, an IPv6 /64, or ``"unknown"``
    for every client whose address cannot be known (they share one key, not none)."""
    address = parse_ip(ip or "")
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)


def client_ip(request: HttpRequest) -> str | None:
    """The reader's address as a string, or None when it cannot be known."""
    address = parse_ip(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return None
    if is_trusted_proxy(address):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed(hops):
            hop_address = parse_ip(hop)
            if hop_address is None:
                return None  # a garbled chain: don't guess, don't store garbage
            address = hop_address
            if not is_trusted_proxy(hop_address):
                break
    return str(address)


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
