"""An article's history in the admin: its versions, comparing two, restoring one through the workflow."""

from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles import editorial, history, publishing
from articles.importing.loader import import_paths
from articles.models import Article, Transition
from revisions.models import Revision
from tests.articles.roles import make_user

pytestmark = pytest.mark.django_db

URL = "https://example.com/news/history"
S = Article.Status


@pytest.fixture
def editor(db):
    return make_user("editor", first_name="Edith", last_name="Editor")


@pytest.fixture
def publisher(db):
    return make_user("publisher", first_name="Paula", last_name="Publisher")


@pytest.fixture
def imported(write_article):
    """One imported, live article: its first revision says "Source headline"."""
    path = write_article("history.md", body="The council met on Monday and agreed the budget.",
                         title="Source headline", webUrl=URL, topics=["Politics"])
    assert import_paths([path]).created == 1
    return Article.objects.get(web_url=URL)


def reload(article):
    return Article.objects.get(pk=article.pk)


def edit(article, by=None, **fields):
    content = editorial.editable_content(article)
    content.update(fields)
    return editorial.save_content(article, content, by=by, message="edited")


def history_url(article, **query):
    url = reverse("admin:articles_article_history", args=[article.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def compare_url(article, a, b):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={a}&b={b}"


def restore_url(article, revision=None):
    url = reverse("admin:articles_article_step", args=[article.pk, "restore"])
    return url + (f"?revision={revision.pk}" if revision is not None else "")


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def readers_headline(article):
    return Article.objects.live().get(pk=article.pk).title


# --- the history page -------------------------------------------------------------------------


def test_history_lists_every_version_with_who_when_and_what_changed(
    client, imported, editor, publisher, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    imported.revisions.update(created_at=datetime(2024, 5, 1, 10, 0, tzinfo=UTC))
    edit(imported, by=editor, title="Editor headline")
    publishing_article = reload(imported)
    editorial.publish_pending(publishing_article)
    edit(reload(imported), by=editor, body="The council met on Tuesday and agreed the budget.")

    client.force_login(publisher)
    page = client.get(history_url(imported))

    assert page.status_code == 200
    text = page.content.decode()
    rows = page.context["rows"]
    assert [row.revision.origin for row in rows] == ["edit", "edit", "import"]
    assert [row.state for row in rows] == ["pending", "live", "was_live"]
    assert rows[0].changed == ["Body"] and rows[1].changed == ["Headline"] and rows[2].changed is None
    assert "Edith Editor" in text
    assert "history.md" in text and imported.source_hash[:10] in text  # an import names its file and hash
    assert "Live now" in text and "Pending" in text and "Was live" in text
    # When, in the desk's local time with its zone.
    assert "2024-05-01 12:00 CEST" in text
    # The audit trail is still there.
    assert "Workflow and edits" in text and "Imported" in text


def test_a_long_history_is_shown_a_page_at_a_time_and_reads_only_that_page(
    client, make_article, publisher, django_assert_max_num_queries
):
    article = make_article(status=S.DRAFT, title="Version 0")
    for n in range(1, history.PER_PAGE + 11):
        edit(reload(article), title=f"Version {n}")
    client.force_login(publisher)

    with django_assert_max_num_queries(25):
        first = client.get(history_url(article))
    second = client.get(history_url(article, page=2))

    assert len(first.context["rows"]) == history.PER_PAGE
    assert first.context["rows"][0].revision.content["title"] == f"Version {history.PER_PAGE + 10}"
    assert first.context["rows"][-1].changed == ["Headline"]  # compared with the first row of page 2
    assert [row.revision.content["title"] for row in second.context["rows"]][-1] == "Version 0"
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()
    assert client.get(history_url(article, page="x")).status_code == 200


def test_history_is_for_staff_who_may_see_articles(client, imported):
    client.force_login(make_user("staff"))
    assert client.get(history_url(imported)).status_code in (403, 404)


# --- comparing ------------------------------------------------------------------------------------


def test_compare_shows_a_word_diff_of_the_body_with_labels(client, imported, publisher):
    first = imported.revisions.get()
    saved = edit(imported, body="The council met on Tuesday and agreed the budget.", topics=["Budget"])
    client.force_login(publisher)

    page = client.get(compare_url(imported, first.pk, saved.revision.pk))

    assert page.status_code == 200
    text = page.content.decode()
    assert "<del><span class=\"nr-sr-only\">[removed: </span>Monday<span" in text
    assert "<ins><span class=\"nr-sr-only\">[added: </span>Tuesday<span" in text
    assert "The council met on" in text
    # Field labels from revisions.content; an unchanged field says so.
    assert "Body" in text and "Topics" in text and "Headline <span class=\"nr-unchanged\">(unchanged)" in text
    assert "Added: <ins>Budget</ins>" in text and "Removed: <del>Politics</del>" in text


def test_compare_keeps_hostile_text_as_text(client, make_article, publisher):
    article = make_article(status=S.DRAFT, title="Calm headline")
    saved = edit(article, title="<script>alert(1)</script> headline", body="<img src=x onerror=alert(2)>")
    client.force_login(publisher)

    text = client.get(compare_url(article, saved.revision.pk, "live")).content.decode()
    text += client.get(compare_url(article, "live", saved.revision.pk)).content.decode()
    text += client.get(history_url(article)).content.decode()

    assert "<script>alert(1)" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_compare_with_the_live_and_the_pending_version(client, imported, publisher):
    first = imported.revisions.get()
    edit(imported, title="Editor headline")
    client.force_login(publisher)

    live_vs_pending = client.get(compare_url(imported, "live", "pending"))
    with_live = client.get(compare_url(imported, first.pk, "live"))

    assert [d.name for d in live_vs_pending.context["changed"]] == ["title"]
    assert with_live.context["changed"] == []
    assert "The two versions hold the same content" in with_live.content.decode()


def test_compare_refuses_versions_of_other_articles(client, imported, make_article, publisher):
    other = make_article(status=S.DRAFT)
    foreign = edit(other, title="Elsewhere").revision
    client.force_login(publisher)

    assert client.get(compare_url(imported, foreign.pk, "live")).status_code == 404
    assert client.get(compare_url(imported, "nonsense", "live")).status_code == 404
    assert client.get(compare_url(imported, "live", "pending")).status_code == 404  # none pending
    assert client.get(compare_url(imported, "", "live")).status_code == 302


def test_the_history_page_compares_any_two_versions_with_its_form(client, imported, publisher):
    edit(imported, title="Editor headline")
    client.force_login(publisher)

    page = client.get(history_url(imported))
    text = page.content.decode()

    action = reverse("admin:articles_article_compare", args=[imported.pk])
    assert f'<form method="get" action="{action}">' in text
    assert 'type="radio" name="a"' in text and 'type="radio" name="b"' in text
    assert 'value="Compare"' in text


# --- restoring ------------------------------------------------------------------------------------


def test_restoring_on_a_live_article_waits_for_a_publisher(client, imported, editor, publisher):
    first = imported.revisions.get()
    edit(imported, title="Editor headline")
    editorial.publish_pending(reload(imported))
    assert readers_headline(imported) == "Editor headline"

    client.force_login(editor)
    form = client.get(restore_url(imported, first))
    assert "becomes its pending version" in form.content.decode()
    done = client.post(restore_url(imported), {
        "revision": first.pk, "version": reload(imported).version, "note": "Back to the outlet's words",
    })

    assert done.status_code == 302, messages_of(done)
    article = reload(imported)
    assert readers_headline(article) == "Editor headline"  # readers keep the live one
    assert article.pending_revision.content["title"] == "Source headline"
    assert article.pending_revision.restored_from == first
    assert article.pending_revision.origin == Revision.Origin.RESTORE
    entry = article.transitions.first()
    assert entry.action == Transition.Action.RESTORE and entry.user == editor
    assert f"revision {first.pk}" in entry.note and "Back to the outlet's words" in entry.note

    editorial.publish_pending(article)
    assert readers_headline(article) == "Source headline"
    assert reload(article).modified_at is not None


def test_a_publisher_may_restore_and_publish_at_once(imported, publisher):
    first = imported.revisions.get()
    edit(imported, title="Editor headline")
    editorial.publish_pending(reload(imported))

    publishing.take("restore", reload(imported), by=publisher, revision=first.pk, publish=True)

    assert readers_headline(imported) == "Source headline"
    assert reload(imported).pending_revision is None


def test_an_editor_may_not_publish_a_restore_at_once(imported, editor):
    first = imported.revisions.get()
    edit(imported, title="Editor headline")
    editorial.publish_pending(reload(imported))

    with pytest.raises(publishing.NotPermitted):
        publishing.take("restore", reload(imported), by=editor, revision=first, publish=True)
    assert readers_headline(imported) == "Editor headline"
    assert reload(imported).pending_revision is None


def test_an_editor_restoring_on_a_draft_writes_at_once(client, make_article, editor):
    article = make_article(status=S.DRAFT, title="First draft")
    first = edit(article, title="Second draft").revision
    original = article.revisions.order_by("created_at", "id").first()
    assert original != first and original.content["title"] == "First draft"

    client.force_login(editor)
    done = client.post(restore_url(article), {"revision": original.pk, "version": reload(article).version})

    assert done.status_code == 302
    article = reload(article)
    assert article.title == "First draft"
    assert article.pending_revision is None
    assert article.revisions.first().origin == Revision.Origin.RESTORE


def test_without_change_permission_nobody_restores(client, make_article):
    article = make_article(status=S.DRAFT, title="First draft")
    edit(article, title="Second draft")
    original = article.revisions.order_by("created_at", "id").first()
    viewer = make_user("staff")
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(viewer)

    page = client.get(history_url(article))
    refused = client.post(restore_url(article), {"revision": original.pk, "version": reload(article).version})

    assert page.status_code == 200 and "Restore this version" not in page.content.decode()
    assert refused.status_code == 302
    assert any("may not restore" in m for m in messages_of(refused))
    assert reload(article).title == "Second draft"
    assert article.revisions.count() == 2
    assert not article.transitions.filter(action=Transition.Action.RESTORE).exists()


def test_a_stale_restore_is_refused_and_changes_nothing(client, make_article, editor):
    article = make_article(status=S.DRAFT, title="First draft")
    edit(article, title="Second draft")
    original = article.revisions.order_by("created_at", "id").first()
    seen = reload(article).version
    publishing.submit(reload(article), by=editor)  # someone moves it on meanwhile

    client.force_login(editor)
    refused = client.post(restore_url(article), {"revision": original.pk, "version": seen})

    assert refused.status_code == 200
    assert "after you opened it" in refused.content.decode()
    assert reload(article).title == "Second draft"
    assert not article.transitions.filter(action=Transition.Action.RESTORE).exists()


def test_restore_needs_a_version_of_this_article(client, imported, make_article, editor):
    foreign = edit(make_article(status=S.DRAFT), title="Elsewhere").revision
    client.force_login(editor)

    page = client.post(restore_url(imported), {"revision": foreign.pk, "version": imported.version})
    unchanged = client.post(restore_url(imported), {
        "revision": imported.revisions.get().pk, "version": imported.version,
    })

    assert "not one of this article" in page.content.decode()
    assert "nothing to restore" in unchanged.content.decode()
    assert reload(imported).pending_revision is None


def test_restore_is_no_button_on_the_change_form_but_on_the_history(client, imported, editor):
    edit(imported, title="Editor headline")
    first = imported.revisions.order_by("created_at", "id").first()
    client.force_login(editor)

    change_form = client.get(reverse("admin:articles_article_change", args=[imported.pk])).content.decode()
    history_page = client.get(history_url(imported)).content.decode()

    assert restore_url(imported) not in change_form
    assert restore_url(imported, first) in history_page
    assert "restore_selected" not in client.get(reverse("admin:articles_article_changelist")).content.decode()


def test_a_stored_revision_of_the_wrong_shape_never_breaks_the_pages(client, make_article, publisher):
    article = make_article(status=S.DRAFT, title="Sound")
    editorial.ensure_baseline(article)
    odd = Revision.objects.create(article=article, origin=Revision.Origin.EDIT, content=["not", "an", "object"])
    numbers = Revision.objects.create(article=article, origin=Revision.Origin.EDIT,
                                      content={"title": 42, "topics": "Politics", "images": [{"url": None}, 7]})
    client.force_login(publisher)

    assert client.get(history_url(article)).status_code == 200
    assert client.get(compare_url(article, odd.pk, numbers.pk)).status_code == 200
    page = client.get(compare_url(article, numbers.pk, "live"))
    assert page.status_code == 200 and "42" in page.content.decode()


def test_an_article_without_revisions_has_a_history_page(client, make_article, publisher):
    article = make_article(status=S.DRAFT)
    client.force_login(publisher)

    page = client.get(history_url(article))

    assert page.status_code == 200 and "No versions kept yet" in page.content.decode()
