"""The reader's IP: REMOTE_ADDR unless a trusted proxy forwarded it; never forged, never garbage."""

import pytest
from django.test import RequestFactory

from moderation.client_ip import client_ip, client_network

rf = RequestFactory()


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(rf.post("/", **extra))


def test_remote_addr_is_used_by_default():
    assert ip_of("203.0.113.7") == "203.0.113.7"


def test_a_header_from_an_untrusted_client_is_ignored():
    assert ip_of("203.0.113.7", "1.2.3.4") == "203.0.113.7"


def test_a_trusted_proxys_header_is_used(settings):
    settings.MODERATION = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    assert ip_of("10.0.0.2", "198.51.100.9") == "198.51.100.9"


def test_a_chain_of_proxies_gives_the_right_most_untrusted_address(settings):
    settings.MODERATION = {"TRUSTED_PROXIES": ["10.0.0.0/8", "192.0.2.1"]}
    # The reader forged the first entry; the CDN (192.0.2.1) and nginx (10.0.0.2) are trusted.
    assert ip_of("10.0.0.2", "6.6.6.6, 198.51.100.9, 192.0.2.1") == "198.51.100.9"


def test_a_chain_of_only_trusted_proxies_gives_the_left_most(settings):
    settings.MODERATION = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    assert ip_of("10.0.0.2", "10.0.0.5, 10.0.0.3") == "10.0.0.5"


def test_ipv6_works_and_mapped_ipv4_is_unwrapped(settings):
    assert ip_of("2001:db8::1") == "2001:db8::1"
    assert ip_of("::ffff:203.0.113.7") == "203.0.113.7"
    settings.MODERATION = {"TRUSTED_PROXIES": ["2001:db8::/32"]}
    assert ip_of("2001:db8::1", "2001:db9::42") == "2001:db9::42"


@pytest.mark.parametrize("garbage", ["", "not-an-ip", "999.1.1.1", "1.2.3.4; DROP TABLE", "\x00"])
def test_garbage_never_becomes_an_address(garbage, settings):
    assert ip_of(garbage) is None
    settings.MODERATION = {"TRUSTED_PROXIES": ["10.0.0.0/8"]}
    assert ip_of("10.0.0.2", garbage) is None


def test_the_form_stores_the_forwarded_address_only_behind_a_trusted_proxy(
    an_article, post_comment, settings
):
    from django.test import Client

    from moderation.models import Comment

    forged = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    post_comment(forged, an_article)
    assert Comment.objects.get().ip_address == "203.0.113.7"


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::7", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, network):
    assert client_network(address) == network
