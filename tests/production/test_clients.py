"""The client's address: REMOTE_ADDR unless proxies are declared, then the proxies' word only."""

import pytest

from newsroom.clients import client_address


def request(rf, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return rf.get("/", REMOTE_ADDR="10.0.0.5", headers=headers)


def test_without_a_declared_proxy_a_forged_forwarded_for_is_ignored(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(rf, "203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded_for", "client"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # The client wrote the leftmost value itself; only the proxy's is believed.
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_n_proxies_the_client_is_the_nth_address_from_the_right(rf, settings, count, forwarded_for, client):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request(rf, forwarded_for)) == client


@pytest.mark.parametrize("forwarded_for", [None, "", "not-an-address", "<script>"])
def test_a_missing_or_garbled_header_falls_back_to_the_connection(rf, settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(rf, forwarded_for)) == "10.0.0.5"


def test_fewer_hops_than_declared_proxies_vouch_for_nothing(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(rf, "203.0.113.9")) == "10.0.0.5"
