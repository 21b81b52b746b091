"""``RateLimit``: one fixed-window counter, per client address or per any other identity."""

import pytest
from django.test import RequestFactory

from newsroom.ratelimit import RateLimit

START = 1_800_000_000.0  # the first second of a minute window


@pytest.fixture
def at(monkeypatch):
    """``at(seconds)``: move the limit's clock to ``seconds`` after START."""

    def move(seconds):
        monkeypatch.setattr("newsroom.ratelimit.clock", lambda: START + seconds)

    move(0)
    return move


def test_each_identity_has_its_own_count_and_waits_for_the_next_window(at):
    limit = RateLimit("tokens", 2, seconds=60)
    at(15)

    assert [limit.count("partner-a") for _ in range(3)] == [0, 0, 45]
    assert limit.count("partner-b") == 0
    at(60)
    assert limit.count("partner-a") == 0


def test_hit_counts_the_client_address_as_its_identity(at):
    limit = RateLimit("search", 1, seconds=60)
    request = RequestFactory().get("/search/", REMOTE_ADDR="203.0.113.7")

    assert limit.hit(request) == 0
    assert limit.count("203.0.113.7") == 60
    assert limit.hit(RequestFactory().get("/search/", REMOTE_ADDR="198.51.100.2")) == 0


def test_no_limit_counts_nothing(at):
    limit = RateLimit("off", 0)

    assert {limit.count("anyone") for _ in range(5)} == {0}
