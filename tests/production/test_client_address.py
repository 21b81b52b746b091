"""The client's address, behind as many proxies as TRUSTED_PROXY_COUNT says and no more."""

import pytest
from django.test import RequestFactory

from newsroom.clients import client_address


def request(remote="10.0.0.2", forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="1.2.3.4")) == "10.0.0.2"


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (1, "192.0.2.55", "192.0.2.55"),
    # A client-written entry on the left is never believed.
    (1, "1.2.3.4, 192.0.2.55", "192.0.2.55"),
    (2, "1.2.3.4, 192.0.2.55, 10.0.0.9", "192.0.2.55"),
    (1, " 2001:db8::1 ", "2001:db8::1"),
])
def test_the_nth_address_from_the_right_is_the_client(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(forwarded=forwarded)) == expected


def test_a_request_that_skipped_a_proxy_counts_as_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(forwarded="192.0.2.55")) == "10.0.0.2"


def test_garbage_vouches_for_nothing(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # A garbled forwarded entry: the connection's own address, as with no header.
    assert client_address(request(forwarded="not an address")) == "10.0.0.2"
    assert client_address(request(remote="not an address", forwarded="junk")) == ""
