"""Admin sign-in throttling: repeated failures pause sign-in for that user or address."""

import time

import pytest
from django.contrib.auth.models import User

from .servers import free_port

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a long and correct password"


@pytest.fixture
def editor(db, settings):
    # The production hasher costs seconds per attempt on a small machine; these
    # tests count attempts, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("editor", "editor@example.com", PASSWORD)


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def throttled(response):
    return response.status_code == 200 and "Too many failed sign-in attempts" in response.content.decode()


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_USER):
        assert not throttled(sign_in(client, "editor", "wrong"))
    response = sign_in(client, "editor", PASSWORD)
    assert throttled(response)
    assert "_auth_user_id" not in client.session


def test_the_pause_ends_after_the_lockout_window(client, editor, settings):
    # A real second: Redis expires keys on its own clock, which time_machine cannot move.
    settings.LOGIN_LOCKOUT_SECONDS = 1
    for _ in range(settings.LOGIN_FAILURES_PER_USER):
        sign_in(client, "editor", "wrong")
    assert throttled(sign_in(client, "editor", PASSWORD))
    time.sleep(1.5)
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_the_pause_counts_the_user_name_whatever_its_case(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_USER):
        sign_in(client, "EDITOR", "wrong", address=f"10.0.0.{_ + 2}")
    assert throttled(sign_in(client, "editor", PASSWORD, address="10.9.9.9"))


def test_other_users_are_not_locked_out_by_someone_elses_failures(client, editor, settings):
    User.objects.create_superuser("other", "other@example.com", PASSWORD)
    for _ in range(settings.LOGIN_FAILURES_PER_USER):
        sign_in(client, "editor", "wrong", address="10.0.0.1")
    assert sign_in(client, "other", PASSWORD, address="10.0.0.2").status_code == 302


def test_one_address_guessing_many_names_is_paused(client, editor, settings):
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        sign_in(client, f"guess{n}", "wrong", address="203.0.113.9")
    assert throttled(sign_in(client, "editor", PASSWORD, address="203.0.113.9"))
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.1").status_code == 302


def test_a_correct_password_clears_earlier_failures(client, editor, settings):
    for _ in range(settings.LOGIN_FAILURES_PER_USER - 1):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.LOGIN_FAILURES_PER_USER - 1):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_editors_can_still_sign_in_when_the_cache_is_down(client, editor, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert sign_in(client, "editor", "wrong").status_code == 200
    assert sign_in(client, "editor", PASSWORD).status_code == 302
