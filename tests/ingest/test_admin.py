"""Publishers create API tokens in the admin (shown once) and revoke them; editors cannot."""

import re

import pytest
from django.urls import reverse

from ingest.models import ApiToken
from tests.articles.roles import make_user
from tests.conftest import article_text

from .conftest import post_file

pytestmark = pytest.mark.django_db

ADD = reverse("admin:ingest_apitoken_add")
LIST = reverse("admin:ingest_apitoken_changelist")
TOKEN = re.compile(r"nr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def publisher_client(client):
    client.force_login(make_user("publisher"))
    return client


def create(client, **fields):
    data = {"name": "Example News CMS", "scope_ingest": "on", **fields}
    response = client.post(ADD, data)
    assert response.status_code == 200, response.content
    return response


def test_the_token_is_shown_once_after_creation_and_works(publisher_client, client):
    response = create(publisher_client)

    page = response.content.decode()
    [plain] = set(TOKEN.findall(page))
    assert "shown on this page only" in page
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    record = ApiToken.objects.get()
    assert record.created_by.groups.filter(name="Publishers").exists()
    assert record.matches(plain)
    # Never again: not on the token's page, not in the list.
    for url in (reverse("admin:ingest_apitoken_change", args=[record.pk]), LIST):
        assert TOKEN.search(publisher_client.get(url).content.decode()) is None
    assert post_file(client, plain, article_text()).status_code == 201


def test_the_database_holds_only_a_hash_of_the_token(publisher_client):
    plain = TOKEN.search(create(publisher_client).content.decode())[0]

    row = ApiToken.objects.values().get()

    assert not any(plain in str(value) for value in row.values())
    assert plain.rsplit("_", 1)[1] not in str(row)


def test_a_token_can_be_bound_to_a_provider(publisher_client, make_provider):
    provider = make_provider()

    create(publisher_client, provider=provider.pk)

    assert ApiToken.objects.get().provider == provider


def test_revoking_stops_the_token_at_once(publisher_client, client):
    plain = TOKEN.search(create(publisher_client).content.decode())[0]
    record = ApiToken.objects.get()

    response = publisher_client.post(
        LIST, {"action": "revoke_selected", "_selected_action": [record.pk]}, follow=True
    )

    assert "1 API token revoked" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert post_file(client, plain, article_text()).status_code == 401


def test_a_token_cannot_be_edited_or_deleted(publisher_client, make_token):
    record, _ = make_token()

    response = publisher_client.post(
        reverse("admin:ingest_apitoken_change", args=[record.pk]), {"name": "Renamed"}
    )

    assert response.status_code == 403
    assert publisher_client.get(reverse("admin:ingest_apitoken_delete", args=[record.pk])).status_code == 403


@pytest.mark.parametrize("url", [ADD, LIST])
def test_editors_may_not_see_or_create_tokens(client, url):
    client.force_login(make_user("editor"))

    assert client.get(url).status_code == 403
    assert client.post(ADD, {"name": "Sneaky", "scope_ingest": "on"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_import_runs_name_the_token(publisher_client, client, make_token):
    _, plain = make_token(name="Wire feed")
    post_file(client, plain, article_text())

    page = publisher_client.get(reverse("admin:articles_importrun_changelist")).content.decode()

    assert "Wire feed" in page
