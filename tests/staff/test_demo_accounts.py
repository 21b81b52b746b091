"""demo_accounts: a development machine gets an editor and a publisher to sign in as; production never."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def demo(*args):
    out = StringIO()
    call_command("demo_accounts", *args, stdout=out)
    return out.getvalue()


def passwords(output):
    return dict(re.findall(r"^\s+(editor|publisher)\s+(\S+)", output, re.M))


def test_the_printed_passwords_sign_in_to_the_admin_in_each_role(settings):
    settings.DEBUG = True
    printed = passwords(demo())
    assert set(printed) == {"editor", "publisher"}
    assert printed["editor"] != printed["publisher"]

    editor = get_user_model().objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == ["Editors"]
    assert get_user_model().objects.get(username="publisher").groups.filter(name="Publishers").exists()
    # The editor writes house articles under a byline of their own.
    assert editor.author_profile.name == "Demo Editor"

    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": printed["editor"]}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_running_again_keeps_the_passwords_and_reset_prints_new_ones(settings):
    settings.DEBUG = True
    first = passwords(demo())
    again = demo()
    assert passwords(again) == {}
    assert "--reset" in again
    assert get_user_model().objects.get(username="editor").check_password(first["editor"])

    renewed = passwords(demo("--reset"))
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(renewed["editor"])
    assert not editor.check_password(first["editor"])


def test_a_production_site_refuses_and_creates_nobody(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        demo()
    assert not get_user_model().objects.filter(username__in=["editor", "publisher"]).exists()
