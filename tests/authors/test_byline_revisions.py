"""Bylines under the editorial control: held in pending versions, compared, restored.

An editor's byline change on a live house article waits for a publisher like
a headline change; the history compares bylines and a restore brings one back.
"""

import re

import pytest
from django.urls import reverse

from articles import editorial, workflow
from articles.models import Transition
from authors.models import Byline
from revisions import content as contents
from revisions import diffing
from revisions.models import Revision
from tests.articles.roles import make_user
from tests.articles.test_admin_editorial import form_data, messages_of, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user("editor")


@pytest.fixture
def publisher():
    return make_user("publisher")


@pytest.fixture
def story(make_house_article, make_author):
    """A live house article by Jane Doe, and Sam Roe, who may join it."""
    jane, sam = make_author(name="Jane Doe", slug="jane-doe"), make_author(name="Sam Roe", slug="sam-roe")
    return make_house_article(authors=[jane], title="Harbour cranes return"), jane, sam


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def compare_url(article, a, b):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={a}&b={b}"


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def byline_on_page(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    return re.sub(r"<[^>]+>", "", re.search(r'<p class="byline">(.*?)</p>', html, re.S).group(1))


def rows(article):
    return list(Byline.objects.filter(article=article).order_by("position").values_list("author__name", flat=True))


def edit(client, article, button="_save", **changes):
    page = client.get(change_url(article))
    assert page.status_code == 200
    return client.post(change_url(article), {**form_data(page, **changes), button: "1"})


def test_an_editors_byline_change_waits_until_a_publisher_publishes_it(client, story, editor, publisher):
    article, jane, sam = story

    client.force_login(editor)
    response = edit(client, article, **{"bylines-0-author": sam.pk})
    assert response.status_code == 302
    assert any("pending changes" in m for m in messages_of(response))

    assert rows(article) == ["Jane Doe"]
    client.logout()
    assert "Jane Doe" in byline_on_page(client, article) and "Sam Roe" not in byline_on_page(client, article)
    pending = reload(article).pending_revision
    assert [entry["name"] for entry in pending.content["bylines"]] == ["Sam Roe"]

    # The editor goes on from the pending byline: the form shows Sam, and a headline edit keeps him.
    client.force_login(editor)
    page = client.get(change_url(article))
    assert form_data(page)["bylines-0-author"] == sam.pk
    assert edit(client, reload(article), title="Harbour cranes are back").status_code == 302
    pending = reload(article).pending_revision
    assert pending.content["title"] == "Harbour cranes are back"
    assert [entry["name"] for entry in pending.content["bylines"]] == ["Sam Roe"]
    assert rows(article) == ["Jane Doe"]

    workflow.take("publish_changes", reload(article), by=publisher)
    assert rows(article) == ["Sam Roe"]
    client.logout()
    assert "Sam Roe" in byline_on_page(client, article) and "Jane Doe" not in byline_on_page(client, article)
    entry = Transition.objects.filter(article=article, action="publish_changes").get()
    assert entry.changes["bylines"] == ["Jane Doe", "Sam Roe"]


def test_an_editor_adds_a_second_author_in_the_pending_version_and_send_back_keeps_readers_on_the_live_one(
    client, story, editor, publisher
):
    article, jane, sam = story
    client.force_login(editor)
    data = form_data(client.get(change_url(article)))
    data.update({"bylines-1-author": sam.pk, "bylines-1-position": 1, "_save": "1"})
    assert client.post(change_url(article), data).status_code == 302
    assert [e["name"] for e in reload(article).pending_revision.content["bylines"]] == ["Jane Doe", "Sam Roe"]

    workflow.take("send_back_changes", reload(article), by=publisher, note="Not yet")
    assert rows(article) == ["Jane Doe"]
    client.logout()
    assert "Sam Roe" not in byline_on_page(client, article)


def test_a_publishers_save_and_publish_changes_the_byline_at_once(client, story, publisher):
    article, jane, sam = story
    client.force_login(publisher)

    response = edit(client, article, button="_publish", **{"bylines-0-author": sam.pk})

    assert response.status_code == 302
    assert rows(article) == ["Sam Roe"] and reload(article).pending_revision is None
    client.logout()
    assert "Sam Roe" in byline_on_page(client, article)


def test_compare_shows_the_old_and_the_new_byline(client, story, editor):
    article, jane, sam = story
    client.force_login(editor)
    edit(client, article, **{"bylines-0-author": sam.pk})

    page = client.get(compare_url(article, "live", "pending"))

    assert page.status_code == 200
    html = page.content.decode()
    section = re.search(r'<section[^>]*nr-field-bylines.*?</section>', html, re.S).group(0)
    assert "nr-field-changed" in section
    assert re.search(r"<del>.*Jane.*</del>", section, re.S) and re.search(r"<ins>.*Sam.*</ins>", section, re.S)


def test_restore_brings_the_old_byline_back_and_leaves_out_authors_deleted_since(story, make_author, publisher):
    article, jane, sam = story
    bob = make_author(name="Bob Gone", slug="bob-gone")
    Byline.objects.create(article=article, author=bob, position=1)
    editorial.ensure_baseline(article)
    old = Revision.objects.get(article=article)
    assert [e["name"] for e in old.content["bylines"]] == ["Jane Doe", "Bob Gone"]

    Byline.objects.filter(article=article).delete()
    Byline.objects.create(article=article, author=sam, position=0)
    bob.delete()

    workflow.take("restore", reload(article), by=publisher, revision=old.pk, publish=True)

    assert rows(article) == ["Jane Doe"]
    restored = Revision.objects.filter(article=article, origin=Revision.Origin.RESTORE).get()
    assert "Bob Gone" in restored.message
    assert "Bob Gone" in Transition.objects.filter(article=article, action="restore").get().note


def test_a_revision_older_than_bylines_still_shows_and_restoring_it_keeps_the_byline(client, story, editor):
    article, jane, sam = story
    old = Revision.objects.create(article=article, content={"title": "Old headline", "body": "Old."}, was_live=True)
    client.force_login(editor)

    assert client.get(history_url(article)).status_code == 200
    page = client.get(compare_url(article, old.pk, "live"))
    assert page.status_code == 200
    section = re.search(r'<section[^>]*nr-field-bylines.*?</section>', page.content.decode(), re.S).group(0)
    assert "(unchanged)" in section

    workflow.take("restore", reload(article), by=editor, revision=old.pk)
    pending = reload(article).pending_revision
    assert pending.content["title"] == "Old headline"
    assert [e["name"] for e in pending.content["bylines"]] == ["Jane Doe"]


def test_hostile_author_names_stay_text_in_history_and_compare(client, story, make_author, editor):
    article, jane, sam = story
    hostile = make_author(name='<script>alert("x")</script><img src=x onerror=alert(1)>', slug="hostile")
    client.force_login(editor)
    edit(client, article, **{"bylines-0-author": hostile.pk})
    workflow.take("restore", reload(article), by=editor,
                  revision=Revision.objects.filter(article=article).earliest("created_at").pk)

    for url in [history_url(article), compare_url(article, "live", reload(article).pending_revision.pk),
                compare_url(article, Revision.objects.filter(article=article, origin="edit").get().pk, "live")]:
        page = client.get(url)
        html = page.content.decode()
        assert page.status_code == 200
        assert "<script>alert" not in html and "<img src=x" not in html
    compare = client.get(compare_url(
        article, "live", Revision.objects.filter(article=article, origin="edit").get().pk
    )).content.decode()
    assert "&lt;script&gt;alert" in compare


@pytest.mark.parametrize("stored", [
    None, "Jane", 3, [], ["Jane", 7, None], [{"id": "3", "name": 5}, {"id": True}, {"name": None}],
    [{"id": 1, "name": "A"}, {"id": 1, "name": "A again"}], [{"id": 2**70, "name": "Huge"}],
])
def test_any_stored_byline_normalises_and_compares(stored):
    content = contents.normalise({"title": "T", "bylines": stored})
    value = content["bylines"]
    assert value is None or all(set(entry) == {"id", "name"} for entry in value)
    diffs = diffing.compare(content, contents.normalise({"bylines": [{"id": 1, "name": "<b>"}]}))
    assert "<b>" not in next(d for d in diffs if d.name == "bylines").html


def test_an_imported_articles_snapshot_has_no_byline_and_costs_no_query(make_article, django_assert_num_queries):
    article = make_article()
    with django_assert_num_queries(0):
        snap = contents.snapshot(article, topics=[], images=[])
    assert snap["bylines"] == []


def test_a_drafts_byline_change_is_written_at_once_and_kept_as_a_revision(client, make_house_article, make_author,
                                                                          editor):
    jane, sam = make_author(name="Jane Doe", slug="jd"), make_author(name="Sam Roe", slug="sr")
    article = make_house_article(authors=[jane], status="draft")
    client.force_login(editor)

    assert edit(client, article, **{"bylines-0-DELETE": "on", "bylines-1-author": sam.pk,
                                    "bylines-1-position": 0}).status_code == 302

    assert rows(article) == ["Sam Roe"] and reload(article).pending_revision is None
    latest = Revision.objects.filter(article=article).latest("created_at")
    assert [e["name"] for e in latest.content["bylines"]] == ["Sam Roe"]
    assert "byline" in latest.message.lower()


def test_an_editor_adds_an_author_to_the_pending_byline_and_keeps_the_pending_one(client, story, editor):
    article, jane, sam = story
    client.force_login(editor)
    assert edit(client, article, **{"bylines-0-author": sam.pk}).status_code == 302

    # The form now starts from the pending byline (Sam); adding Jane keeps Sam first.
    data = form_data(client.get(change_url(reload(article))))
    assert data["bylines-0-author"] == sam.pk
    data.update({"bylines-1-author": jane.pk, "bylines-1-position": 1, "_save": "1"})
    assert client.post(change_url(article), data).status_code == 302
    assert [e["name"] for e in reload(article).pending_revision.content["bylines"]] == ["Sam Roe", "Jane Doe"]
    assert rows(article) == ["Jane Doe"]
