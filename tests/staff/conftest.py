"""Builders for the sign-in tests: people, their factors, and a browser-like client per address."""

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.articles.roles import make_user

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"
OFFICE = "198.51.100.7"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # The production hasher costs a second per sign-in on a small machine; these
    # tests count sign-ins, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(db):
    """``browser(address)``: a separate person's cookie jar, every request from ``address``."""

    def make(address=OFFICE, agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"):
        return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)

    return make


def sign_in(client, username, password=PASSWORD):
    """The admin's login form, as a person fills it in."""
    return client.post(LOGIN, {"username": username, "password": password})


def authenticator(user):
    """A confirmed authenticator app for ``user``."""
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def code(device, offset=0):
    """The code ``device``'s app shows now (``offset`` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def publisher(db):
    return make_user("publisher")


@pytest.fixture
def editor(db):
    return make_user("editor")
