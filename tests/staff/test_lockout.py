"""Lockout that an attacker cannot turn against the desk, nor wash out of the cache."""

from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from staff.models import AuditEvent
from tests.articles.roles import make_user

from .conftest import OFFICE, sign_in

ATTACKER = "203.0.113.66"


def locked(response):
    return response.status_code == 429 and "Too many failed sign-in attempts" in response.content.decode()


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail(person, username, times):
    for _ in range(times):
        assert not signed_in(sign_in(person, username, "wrong password"))


def test_five_failures_lock_that_user_name_from_that_address_even_with_the_right_password(browser, editor, settings):
    attacker = browser(ATTACKER)
    fail(attacker, editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS)
    response = sign_in(attacker, editor.username)
    assert locked(response)
    assert "_auth_user_id" not in attacker.session
    assert AuditEvent.objects.filter(username=editor.username.casefold(), kind=AuditEvent.Kind.LOCKED_OUT).exists()


def test_the_owner_at_another_address_still_signs_in(browser, editor, settings):
    fail(browser(ATTACKER), editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS + 3)
    assert signed_in(sign_in(browser(OFFICE), editor.username))


def test_failures_from_one_address_never_lock_out_the_others_behind_it(browser, editor, settings):
    """Behind the proxy or the office's NAT everyone shares an address: one person's guesses stay theirs."""
    colleague = make_user("publisher")
    guesser = browser(OFFICE)
    fail(guesser, editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS + 3)
    for n in range(30):
        sign_in(guesser, f"nobody{n}", "wrong password")
    assert signed_in(sign_in(browser(OFFICE), colleague.username))


def test_the_user_name_counts_whatever_its_case(browser, editor, settings):
    attacker = browser(ATTACKER)
    for _ in range(settings.LOGIN_FAILURES_PER_USER_ADDRESS):
        sign_in(attacker, editor.username.upper(), "wrong password")
    assert locked(sign_in(attacker, editor.username))


def test_a_guess_spread_over_many_addresses_locks_the_name_except_where_the_owner_signs_in(browser, editor, settings):
    settings.LOGIN_FAILURES_PER_USER = 12
    assert signed_in(sign_in(browser(OFFICE), editor.username))  # a known-good address from now on
    for n in range(settings.LOGIN_FAILURES_PER_USER):
        sign_in(browser(f"192.0.2.{n + 1}"), editor.username, "wrong password")

    elsewhere = sign_in(browser("203.0.113.200"), editor.username)
    assert elsewhere.status_code == 200
    assert elsewhere.context["form"].has_error("__all__", "locked_out")
    assert signed_in(sign_in(browser(OFFICE), editor.username))


def test_the_lock_ends_after_the_lockout_time(browser, editor, settings):
    attacker = browser(ATTACKER)
    fail(attacker, editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS)
    later = timezone.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        assert signed_in(sign_in(attacker, editor.username))


def test_the_counts_survive_a_flood_of_the_cache(browser, client, editor, settings, make_article, empty_caches):
    attacker = browser(ATTACKER)
    fail(attacker, editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS)
    article = make_article()
    for n in range(400):
        client.get(f"{article.get_absolute_url()}?n={n}")
    empty_caches()
    assert locked(sign_in(attacker, editor.username))


def test_a_publisher_sees_and_clears_a_lockout_in_the_admin(browser, client, editor, publisher, settings):
    attacker = browser(ATTACKER)
    fail(attacker, editor.username, settings.LOGIN_FAILURES_PER_USER_ADDRESS)
    client.force_login(publisher)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert editor.username.casefold() in listing.content.decode()

    attempt = AccessAttempt.objects.get(username=editor.username.casefold())
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert signed_in(sign_in(attacker, editor.username))
    cleared = AuditEvent.objects.get(kind=AuditEvent.Kind.LOCKOUT_CLEARED)
    assert cleared.username == editor.username.casefold()


def test_an_editor_cannot_clear_lockouts(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_a_failed_sign_in_is_in_the_audit_log_with_the_real_client_address(browser, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxied = browser("10.0.0.2")
    proxied.post("/admin/login/", {"username": editor.username, "password": "nope"},
                 HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.55")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert (event.username, event.address) == (editor.username, "192.0.2.55")
