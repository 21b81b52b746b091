"""Signed share links: valid, expired, revoked, tampered; created and revoked from the admin."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import publishing, sharing
from articles.models import Article, ShareLink, Transition

from .roles import make_user

S = Article.Status


@pytest.fixture
def publisher(db):
    return make_user("publisher")


@pytest.fixture
def draft(make_article):
    return make_article(status=S.DRAFT, title="Secret scoop <i>soon</i>")


def share(article, by, hours=24):
    return sharing.create_link(article, by=by, expires_at=timezone.now() + timedelta(hours=hours))


def test_a_valid_link_shows_the_unpublished_article_with_a_banner(client, draft, publisher):
    link = share(draft, publisher)

    response = client.get(sharing.url_for(link))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Secret scoop &lt;i&gt;soon&lt;/i&gt;" in page
    assert "Shared preview" in page and "expires" in page
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_article_itself_stays_hidden_from_the_public(client, draft, publisher):
    share(draft, publisher)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_expired_link_is_gone(client, draft, publisher):
    link = share(draft, publisher, hours=1)

    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        response = client.get(sharing.url_for(link))

    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_link_works_until_its_expiry(client, draft, publisher):
    link = share(draft, publisher, hours=1)

    with time_machine.travel(link.expires_at - timedelta(seconds=1)):
        assert client.get(sharing.url_for(link)).status_code == 200


def test_a_revoked_link_is_gone(client, draft, publisher):
    link = share(draft, publisher)

    sharing.revoke_link(link, by=publisher)

    assert client.get(sharing.url_for(link)).status_code == 410


def test_killing_the_article_ends_its_links(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    link = share(article, publisher)

    publishing.kill(article, by=publisher, note="Legal")

    assert client.get(sharing.url_for(link)).status_code == 410


@pytest.mark.parametrize("step", ["unpublish", "archive"])
def test_taking_a_published_article_off_the_site_ends_its_links(client, make_article, publisher, step):
    """A link must not go on showing a withdrawn article, nor what a later re-import writes."""
    article = make_article(status=S.PUBLISHED, title="Withdrawn story")
    link = share(article, publisher)

    publishing.take(step, article, by=publisher)
    Article.objects.filter(pk=article.pk).update(title="Rewritten by a later import")

    response = client.get(sharing.url_for(link))
    assert response.status_code == 410
    assert "Rewritten" not in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == publisher


def test_a_link_made_after_the_withdrawal_works(client, make_article, publisher):
    """Sharing the withdrawn article for review is a new, deliberate decision."""
    article = make_article(status=S.PUBLISHED)
    publishing.unpublish(article, by=publisher)

    assert client.get(sharing.url_for(share(article, publisher))).status_code == 200


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: "2" + token[1:],
    lambda token: "not-a-token",
])
def test_a_tampered_link_is_not_found(client, draft, publisher, mangle):
    link = share(draft, publisher)
    token = mangle(sharing.token_for(link))

    response = client.get(reverse("sharing:article", kwargs={"token": token}))

    assert response.status_code == 404


def test_a_signed_id_of_a_deleted_link_is_not_found(client, draft, publisher):
    link = share(draft, publisher)
    url = sharing.url_for(link)
    link.delete()

    assert client.get(url).status_code == 404


def test_only_publishers_may_share(draft):
    with pytest.raises(publishing.NotPermitted):
        share(draft, make_user("editor"))
    assert not ShareLink.objects.exists()


def test_creating_and_revoking_are_audited(draft, publisher):
    link = share(draft, publisher)
    sharing.revoke_link(link, by=publisher)

    assert list(Transition.objects.filter(article=draft).order_by("id").values_list("action", flat=True)) == [
        "share", "revoke_share",
    ]


def test_a_publisher_creates_and_revokes_a_link_in_the_admin(client, draft, publisher):
    url = reverse("admin:articles_article_share", args=[draft.pk])
    expires = timezone.localtime() + timedelta(days=2)
    client.force_login(publisher)

    client.post(url, {"create": "1", "expires_at_0": expires.strftime("%Y-%m-%d"),
                      "expires_at_1": expires.strftime("%H:%M:%S")})
    link = ShareLink.objects.get()
    page = client.get(url).content.decode()
    client.post(url, {"revoke": link.pk})

    assert sharing.url_for(link) in page
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == publisher


def test_the_admin_refuses_a_link_longer_than_thirty_days(client, draft, publisher):
    url = reverse("admin:articles_article_share", args=[draft.pk])
    expires = timezone.localtime() + timedelta(days=45)
    client.force_login(publisher)

    response = client.post(url, {"create": "1", "expires_at_0": expires.strftime("%Y-%m-%d"),
                                 "expires_at_1": expires.strftime("%H:%M:%S")})

    assert response.context["form"].errors.as_data()["expires_at"][0].code == "too_long"
    assert not ShareLink.objects.exists()


def test_editors_cannot_open_the_share_page(client, draft):
    client.force_login(make_user("editor"))

    response = client.get(reverse("admin:articles_article_share", args=[draft.pk]))

    assert response.status_code == 403


def test_a_link_keeps_one_url_however_often_it_is_shown(draft, publisher):
    link = share(draft, publisher)
    first = sharing.url_for(link)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert sharing.url_for(link) == first


def test_links_that_outlived_an_earlier_withdrawal_are_revoked_by_the_migration(
    client, make_article, publisher
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0008_revoke_withdrawn_share_links")
    article = make_article(status=S.PUBLISHED)
    before = share(article, publisher)
    # As an unpublish did before the workflow revoked links itself.
    Article.objects.filter(pk=article.pk).update(status=S.UNPUBLISHED)
    Transition.objects.create(
        article=article, action="unpublish", from_status=S.PUBLISHED, to_status=S.UNPUBLISHED,
        user=publisher,
    )
    after = share(article, publisher)

    migration.revoke_withdrawn(apps, None)

    assert client.get(sharing.url_for(before)).status_code == 410
    assert client.get(sharing.url_for(after)).status_code == 200
