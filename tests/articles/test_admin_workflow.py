"""The workflow in the admin: buttons by role, step pages, no silent overwrites, history, bulk actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article, ShareLink, Transition

from .roles import make_user

S = Article.Status
LIST_URL = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article, step):
    return reverse("admin:articles_article_step", args=[article.pk, step])


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def reload(article):
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def editor(db):
    return make_user("editor", first_name="Edith", last_name="Editor")


@pytest.fixture
def publisher(db):
    return make_user("publisher", first_name="Paula", last_name="Publisher")


def login(client, user):
    client.force_login(user)
    return client


def edit_data(article, **changes):
    """What the change form of a hand-made article posts, with ``changes`` typed in."""
    data = {
        "title": article.title, "excerpt": article.excerpt, "body": article.body,
        "provider": article.provider_id, "published_at_0": "2024-05-01", "published_at_1": "10:00:00",
        "category": "", "type": article.type, "topics": "", "quality": "", "heat": "",
        "version": article.version, "_continue": "Save and continue editing",
    }
    for prefix in ("images", "related_items"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    data.update(changes)
    return data


# --- the change form --------------------------------------------------------------------------


def test_buttons_fit_the_state_and_the_role(client, make_article, editor, publisher):
    article = make_article(status=S.IN_REVIEW)

    as_editor = login(client, editor).get(change_url(article)).content.decode()
    as_publisher = login(client, publisher).get(change_url(article)).content.decode()

    assert step_url(article, "send_back") in as_editor
    assert step_url(article, "publish") not in as_editor
    assert step_url(article, "kill") not in as_editor
    for step in ("send_back", "publish", "schedule", "embargo", "kill"):
        assert step_url(article, step) in as_publisher
    assert step_url(article, "unpublish") not in as_publisher


def test_the_change_form_shows_an_embargo_clearly(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED, embargo_until=timezone.now() + timedelta(hours=6))

    page = login(client, publisher).get(change_url(article)).content.decode()

    assert 'class="nr-embargo"' in page
    assert "Embargoed until" in page


def test_staff_preview_an_unpublished_article_as_readers_will_see_it(client, make_article, editor):
    article = make_article(status=S.DRAFT, title="Draft story")

    page = login(client, editor).get(change_url(article)).content.decode()
    preview = client.get(article.get_absolute_url())

    assert f'href="{article.get_absolute_url()}"' in page and "Preview as readers will see it" in page
    assert preview.status_code == 200
    assert "Draft story" in preview.content.decode()
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_imported_content_is_editable_but_the_files_own_fields_and_unknown_keys_are_shown(
    client, make_article, publisher
):
    article = make_article(
        source_hash="abc123", title="From the feed",
        extra={"locale": "fr-FR", "tags": ["<b>x</b>"]}, provider_extra={"country": "FR"},
        topics=["Orbital <launch>"],
    )

    page = login(client, publisher).get(change_url(article)).content.decode()

    assert 'name="title"' in page and 'name="topics"' in page and 'name="editor_note"' in page
    assert 'name="provider"' not in page and 'name="published_at_0"' not in page
    assert "Orbital &lt;launch&gt;" in page
    assert "From the feed" in page
    assert "fr-FR" in page and "&lt;b&gt;x&lt;/b&gt;" in page and "country" in page
    assert 'value="Save as pending changes"' in page and 'name="_publish"' in page
    assert "next import does not overwrite them" in page


def test_a_killed_article_has_no_save_button(client, make_article, publisher):
    article = make_article(source_hash="abc123", status=S.KILLED)

    page = login(client, publisher).get(change_url(article)).content.decode()

    assert 'name="_save"' not in page and 'name="_publish"' not in page and 'name="title"' not in page


def test_a_hand_made_article_is_edited_and_the_edit_recorded(client, make_article, editor):
    article = make_article(status=S.DRAFT)

    response = login(client, editor).post(change_url(article), edit_data(article, title="Better headline"))

    assert response.status_code == 302
    stored = reload(article)
    assert (stored.title, stored.version) == ("Better headline", 2)
    entry = stored.transitions.get()
    assert (entry.action, entry.user) == ("edit", editor)


def test_adding_an_article_makes_a_draft_and_records_who_made_it(client, make_provider, editor):
    provider = make_provider()
    data = edit_data(
        Article(provider=provider, title="Hand made", type="article"),
        web_url="https://example.com/hand-made", version="",
    )

    response = login(client, editor).post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    article = Article.objects.get(web_url="https://example.com/hand-made")
    assert article.status == S.DRAFT and article.slug
    assert article.transitions.get().action == "create"


def test_a_url_that_is_not_http_is_refused_on_add(client, make_provider, editor):
    data = edit_data(
        Article(provider=make_provider(), title="Bad", type="article"),
        web_url="javascript:alert(1)", version="",
    )

    response = login(client, editor).post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    assert "web_url" in response.context["adminform"].form.errors
    assert not Article.objects.filter(title="Bad").exists()


def test_a_stale_save_is_refused_naming_who_changed_it_and_keeps_the_input(
    client, make_article, editor, publisher
):
    article = make_article(status=S.DRAFT)
    # Both open the form at version 1; the publisher saves first.
    login(client, publisher).post(change_url(article), edit_data(article, title="Publisher's headline"))

    response = login(client, editor).post(
        change_url(article), edit_data(article, title="Editor's headline", excerpt="Typed with care")
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [e.code for e in form.errors.as_data()["__all__"]] == ["stale"]
    page = response.content.decode()
    assert "Paula Publisher" in page
    assert "Editor&#x27;s headline" in page and "Typed with care" in page
    assert reload(article).title == "Publisher's headline"
    assert Transition.objects.filter(article=article).count() == 1


def test_after_a_refusal_saving_again_is_a_deliberate_overwrite(client, make_article, editor, publisher):
    article = make_article(status=S.DRAFT)
    login(client, publisher).post(change_url(article), edit_data(article, title="Publisher's headline"))
    refused = login(client, editor).post(change_url(article), edit_data(article, title="Editor's headline"))
    carried = refused.context["adminform"].form["version"].value()

    again = client.post(change_url(article), edit_data(article, title="Editor's headline", version=carried))

    assert again.status_code == 302
    assert reload(article).title == "Editor's headline"


def test_history_lists_every_transition(client, make_article, publisher):
    article = make_article(status=S.DRAFT)
    publishing.submit(article, by=publisher, note="Ready for the desk")
    publishing.publish(article, by=publisher)

    page = login(client, publisher).get(reverse("admin:articles_article_history", args=[article.pk]))

    text = page.content.decode()
    assert "Submitted for review" in text and "Ready for the desk" in text and "Published" in text
    assert "Paula Publisher" in text
    assert "change history" not in text and "wasn’t added via this admin" not in text


def test_the_audit_trail_is_filterable_by_user_and_state(client, make_article, editor, publisher):
    article = make_article(status=S.DRAFT)
    publishing.submit(article, by=editor)
    publishing.publish(article, by=publisher)
    url = reverse("admin:articles_transition_changelist")

    by_user = login(client, publisher).get(url, {"user__id__exact": editor.pk}).context["cl"].result_list
    by_state = client.get(url, {"to_status__exact": S.PUBLISHED}).context["cl"].result_list
    of_article = client.get(url, {"article__id__exact": article.pk}).context["cl"].result_list

    assert [e.action for e in by_user] == ["submit"]
    assert [e.action for e in by_state] == ["publish"]
    assert len(of_article) == 2


# --- step pages ---------------------------------------------------------------------------------


def test_publisher_publishes_from_the_step_page(client, make_article, publisher):
    article = make_article(status=S.IN_REVIEW)
    login(client, publisher)
    assert client.get(step_url(article, "publish")).status_code == 200

    response = client.post(step_url(article, "publish"), {"note": "Checked", "version": 1})

    assert response.status_code == 302
    assert reload(article).status == S.PUBLISHED
    assert reload(article).transitions.get().note == "Checked"


def test_an_editor_crafting_a_publish_post_is_refused_and_nothing_changes(client, make_article, editor):
    article = make_article(status=S.IN_REVIEW)

    response = login(client, editor).post(step_url(article, "publish"), {"note": "", "version": 1})

    assert response.status_code == 302
    assert any("may not publish" in m for m in messages_of(response))
    assert reload(article).status == S.IN_REVIEW
    assert not Transition.objects.exists()


def test_a_step_that_needs_a_note_shows_the_form_again(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)

    response = login(client, publisher).post(step_url(article, "kill"), {"note": "", "version": 1})

    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert reload(article).status == S.PUBLISHED


def test_schedule_from_the_step_page(client, make_article, publisher):
    article = make_article(status=S.IN_REVIEW)
    go_live = timezone.localtime() + timedelta(days=2)

    login(client, publisher).post(step_url(article, "schedule"), {
        "go_live_at_0": go_live.strftime("%Y-%m-%d"), "go_live_at_1": go_live.strftime("%H:%M:00"),
        "expire_at_0": "", "expire_at_1": "", "note": "", "version": 1,
    })

    stored = reload(article)
    assert stored.status == S.PUBLISHED
    assert stored.go_live_at.replace(second=0, microsecond=0) == go_live.replace(second=0, microsecond=0)
    assert not stored.is_live()


def test_a_step_on_a_stale_version_is_refused_and_the_note_kept(client, make_article, publisher):
    article = make_article(status=S.IN_REVIEW)
    publishing.send_back(article, by=make_user("editor", first_name="Olga"), note="More sources")

    response = login(client, publisher).post(
        step_url(article, "kill"), {"note": "Injunction", "version": 1}
    )

    assert response.status_code == 200
    assert "Olga" in response.content.decode()
    assert response.context["form"]["note"].value() == "Injunction"
    assert reload(article).status == S.DRAFT


def test_killing_from_the_admin_makes_the_public_page_gone(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)
    link = ShareLink.objects.create(article=article, expires_at=timezone.now() + timedelta(days=1))

    login(client, publisher).post(step_url(article, "kill"), {"note": "Court order", "version": 1})
    client.logout()

    assert client.get(article.get_absolute_url()).status_code == 410
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_killed_article_can_be_viewed_but_not_edited(client, make_article, publisher):
    article = make_article(status=S.KILLED)

    page = login(client, publisher).get(change_url(article)).content.decode()

    assert 'name="title"' not in page
    assert 'name="_save"' not in page


def test_a_correction_from_the_admin_is_dated_and_listed(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)

    login(client, publisher).post(step_url(article, "correct"), {"note": "Fixed the date.", "version": 1})

    assert reload(article).corrections.get().note == "Fixed the date."
    assert "Fixed the date." in client.get(change_url(article)).content.decode()


# --- bulk actions ---------------------------------------------------------------------------------


def bulk(client, action, articles, seen=None, **extra):
    """POST a bulk action from the list page, with the versions the user saw."""
    seen = seen or {}
    return client.post(LIST_URL, {
        "action": action, "index": 0, "_selected_action": [a.pk for a in articles],
        "_seen_version": [f"{a.pk}:{seen.get(a.pk, a.version)}" for a in articles], **extra,
    }, follow=True)


def test_bulk_publish_reports_each_article(client, make_article, publisher):
    ready = make_article(status=S.IN_REVIEW, title="Ready one")
    killed = make_article(status=S.KILLED, title="Killed one")
    moved = make_article(status=S.IN_REVIEW, title="Moved one")
    publishing.send_back(moved, by=make_user("editor", first_name="Zoe"), note="Not yet")

    response = bulk(login(client, publisher), "publish_selected", [ready, killed, moved], seen={moved.pk: 1})

    text = " | ".join(messages_of(response))
    assert "done for 1 article: “Ready one”" in text
    assert "not possible from their state" in text and "Killed one" in text
    assert "changed since you loaded the page" in text and "Moved one" in text and "Zoe" in text
    assert [reload(a).status for a in (ready, killed, moved)] == [S.PUBLISHED, S.KILLED, S.DRAFT]


def test_editors_do_not_get_publisher_actions(client, make_article, editor):
    make_article(status=S.IN_REVIEW)

    actions = login(client, editor).get(LIST_URL).context["action_form"].fields["action"].choices

    names = {name for name, _ in actions}
    assert "submit_selected" in names
    assert not names & {"publish_selected", "schedule_selected", "unpublish_selected", "archive_selected", "kill_selected"}


def test_an_editor_crafting_a_bulk_publish_is_refused_and_nothing_changes(client, make_article, editor):
    article = make_article(status=S.IN_REVIEW)

    response = bulk(login(client, editor), "publish_selected", [article])

    assert any("may not publish" in m for m in messages_of(response))
    assert reload(article).status == S.IN_REVIEW


def test_bulk_submit_by_an_editor(client, make_article, editor):
    drafts = [make_article(status=S.DRAFT) for _ in range(3)]

    bulk(login(client, editor), "submit_selected", drafts)

    assert {reload(a).status for a in drafts} == {S.IN_REVIEW}


def test_bulk_kill_asks_for_confirmation_first(client, make_article, publisher):
    articles = [make_article(status=S.PUBLISHED, title=f"Story {n}") for n in range(2)]

    asked = bulk(login(client, publisher), "kill_selected", articles)

    assert asked.templates[0].name == "admin/articles/article/bulk_step.html"
    assert "Story 0" in asked.content.decode()
    assert {reload(a).status for a in articles} == {S.PUBLISHED}

    done = bulk(client, "kill_selected", articles, confirm="yes", note="Legal advice")

    assert {reload(a).status for a in articles} == {S.KILLED}
    assert any("done for 2 articles" in m for m in messages_of(done))
    assert {t.note for t in Transition.objects.filter(action="kill")} == {"Legal advice"}


def test_bulk_kill_without_a_reason_changes_nothing(client, make_article, publisher):
    article = make_article(status=S.PUBLISHED)

    response = bulk(login(client, publisher), "kill_selected", [article], confirm="yes", note="")

    assert "note" in response.context["form"].errors
    assert reload(article).status == S.PUBLISHED


def test_bulk_schedule_sets_the_times(client, make_article, publisher):
    articles = [make_article(status=S.IN_REVIEW) for _ in range(2)]
    expire = timezone.localtime() + timedelta(days=3)

    bulk(login(client, publisher), "schedule_selected", articles, confirm="yes", note="", **{
        "go_live_at_0": "", "go_live_at_1": "",
        "expire_at_0": expire.strftime("%Y-%m-%d"), "expire_at_1": expire.strftime("%H:%M:00"),
    })

    for article in articles:
        stored = reload(article)
        assert stored.status == S.PUBLISHED and stored.expire_at is not None and stored.is_live()
