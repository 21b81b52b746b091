"""The curation screen and the audit trail (curation/)."""

from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry

from curation.models import Pin
from tests.articles.roles import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pins(make_article):
    articles = [
        make_article(title=f"Story {n}", published_at=datetime(2024, 5, 1, n, tzinfo=UTC)) for n in range(3)
    ]
    return [Pin.objects.create(article=article, position=n) for n, article in enumerate(articles)]


def signed_in(client, role):
    user = make_user(role)
    client.force_login(user)
    return user


def lead_title(client):
    html = client.get("/").content.decode()
    start = html.index('class="lead"')
    return html[start: html.index("</section>", start)]


def test_a_publisher_reorders_with_order_numbers_and_unpins_without_javascript(client, pins):
    publisher = signed_in(client, "publisher")
    screen = client.get("/admin/curation/front/")
    assert screen.status_code == 200
    assert f'name="order-{pins[2].pk}"' in screen.content.decode()

    response = client.post("/admin/curation/front/", {
        f"order-{pins[0].pk}": "2", f"order-{pins[1].pk}": "3", f"order-{pins[2].pk}": "1",
        f"ends-{pins[0].pk}": "2031-01-02T18:00", f"unpin-{pins[1].pk}": "1",
    })
    assert response.status_code == 302

    assert list(Pin.objects.order_by("position").values_list("article__title", flat=True)) == ["Story 2", "Story 0"]
    assert Pin.objects.get(pk=pins[0].pk).ends_at is not None
    client.logout()
    assert "Story 2" in lead_title(client)

    entries = LogEntry.objects.filter(user=publisher)
    assert entries.filter(action_flag=DELETION, object_id=str(pins[1].pk)).exists()
    moved = entries.get(action_flag=CHANGE, object_id=str(pins[0].pk)).change_message
    assert "Moved to place 2" in moved and "Ends 2031-01-02 18:00" in moved


def test_an_editor_sees_the_screen_but_cannot_change_it(client, pins):
    signed_in(client, "editor")
    screen = client.get("/admin/curation/front/")
    assert screen.status_code == 200
    assert "Story 0" in screen.content.decode()
    assert 'name="order-' not in screen.content.decode()

    response = client.post("/admin/curation/front/", {f"order-{pins[0].pk}": "3"})
    assert response.status_code == 403
    assert Pin.objects.get(pk=pins[0].pk).position == 0


def test_staff_without_a_group_cannot_see_the_screen(client, pins):
    signed_in(client, "staff")
    assert client.get("/admin/curation/front/").status_code == 403


def test_a_bad_order_number_or_end_time_changes_nothing(client, pins):
    signed_in(client, "publisher")
    response = client.post("/admin/curation/front/", {
        f"order-{pins[0].pk}": "first", f"ends-{pins[1].pk}": "tomorrow-ish",
    }, follow=True)
    assert response.status_code == 200
    assert "whole number" in response.content.decode()
    assert list(Pin.objects.order_by("position").values_list("pk", flat=True)) == [p.pk for p in pins]


def test_the_screen_shows_what_readers_see_with_pins_marked(client, pins, make_article):
    make_article(title="From the formula", published_at=datetime(2024, 4, 1, tzinfo=UTC))
    signed_in(client, "publisher")
    html = client.get("/admin/curation/front/").content.decode()
    assert "Lead (pinned)" in html and "Top story (pinned)" in html
    assert "From the formula" in html


def test_pinning_through_the_admin_form_is_audited_and_refuses_drafts(client, make_article):
    publisher = signed_in(client, "publisher")
    live = make_article(title="Live one")
    draft = make_article(title="Draft one", status="draft")

    refused = client.post("/admin/curation/pin/add/", {"article": draft.pk, "position": 0})
    assert refused.status_code == 200 and not Pin.objects.exists()

    added = client.post("/admin/curation/pin/add/", {"article": live.pk, "position": 0, "ends_at_0": "2031-01-01", "ends_at_1": "18:00"})
    assert added.status_code == 302 and added["Location"] == "/admin/curation/front/"
    pin = Pin.objects.get()
    assert pin.created_by == publisher
    assert LogEntry.objects.filter(user=publisher, object_id=str(pin.pk), action_flag=1).exists()


def test_a_topic_screen_and_the_topic_chooser(client, make_article):
    article = make_article(title="On climate", topics=["Climate"])
    Pin.objects.create(article=article, topic=article.topics.get(), position=0)
    signed_in(client, "publisher")
    chosen = client.get("/admin/curation/topic/", {"topic": "climate"})
    assert chosen.status_code == 302
    html = client.get(chosen["Location"]).content.decode()
    assert "On climate" in html and "Lead (pinned)" in html


def test_the_admin_index_links_the_screen(client):
    signed_in(client, "editor")
    assert "/admin/curation/front/" in client.get("/admin/").content.decode()


def test_a_pin_with_a_stored_bad_value_never_breaks_the_screen(client, pins):
    Pin.objects.filter(pk=pins[0].pk).update(
        starts_at=datetime(2031, 1, 2, tzinfo=UTC), ends_at=datetime(2031, 1, 1, tzinfo=UTC), position=32000
    )
    signed_in(client, "publisher")
    response = client.get("/admin/curation/front/")
    assert response.status_code == 200
    assert "Never shown" in response.content.decode() or "Starts later" in response.content.decode()
