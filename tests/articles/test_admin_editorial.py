"""Editing imported articles in the admin: pending versions, publishing or sending back changes.

Through the admin client as an editor and a publisher, checking what readers
and the desk see after each step.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles import editorial, publishing
from articles.importing.loader import import_paths
from articles.models import Article, Transition
from revisions.models import Revision

from .roles import make_user

pytestmark = pytest.mark.django_db

URL = "https://example.com/news/desk-story"
IMAGES = [
    {"url": "https://img.example.com/one.jpg", "title": "First caption", "attribution": "Agency A"},
    {"url": "https://img.example.com/two.jpg", "title": "Second caption"},
]


@pytest.fixture
def editor():
    return make_user("editor", first_name="Edith", last_name="Editor")


@pytest.fixture
def publisher():
    return make_user("publisher", first_name="Paula", last_name="Publisher")


@pytest.fixture
def imported(write_article):
    """A live imported article; ``reimport(**fields)`` imports its file again, changed."""
    fields = {"title": "Source headline", "webUrl": URL, "topics": ["Politics"], "images": IMAGES}

    def reimport(body="Source body.", **changes):
        path = write_article("desk.md", body=body, **{**fields, **changes})
        result = import_paths([path])
        assert not result.rejected, result.rejections
        return Article.objects.get(web_url=URL)

    return reimport(), reimport


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def step_url(article, step):
    return reverse("admin:articles_article_step", args=[article.pk, step])


def reload(article):
    return Article.objects.get(pk=article.pk)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(response, **changes):
    """What the change form on ``response`` posts as it stands, with ``changes`` typed in."""
    context = response.context
    data = {}
    for form in [context["adminform"].form, *(f for inline in context["inline_admin_formsets"]
                                            for f in [inline.formset.management_form, *inline.formset.forms])]:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            if name == "topics" and not isinstance(value, str):
                value = ", ".join(tag.name for tag in value)
            widgets = getattr(field.widget, "widgets", None)
            if widgets and not isinstance(value, list | tuple):  # a date and a time input
                for n, part in enumerate(field.widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{n}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = list(value)
            else:
                data[form.add_prefix(name)] = value
    data.update(changes)
    return data


def edit(client, article, button="_save", **changes):
    page = client.get(change_url(article))
    return client.post(change_url(article), {**form_data(page, **changes), button: "1"})


# --- the editor's save on a live article waits; the publisher publishes it ------------------


def test_an_editors_headline_waits_until_a_publisher_publishes_it(client, imported, editor, publisher):
    article, _ = imported

    client.force_login(editor)
    response = edit(client, article, title="Editor headline")
    assert response.status_code == 302
    assert any("pending changes" in m for m in messages_of(response))

    client.logout()
    public = client.get(article.get_absolute_url()).content.decode()
    assert "Source headline" in public and "Editor headline" not in public and "Updated" not in public

    client.force_login(publisher)
    page = client.get(change_url(article)).content.decode()
    assert "Changes await review" in page and "Edith Editor" in page
    assert step_url(article, "publish_changes") in page
    assert client.post(step_url(article, "publish_changes"), {"note": "", "version": reload(article).version}).status_code == 302

    client.logout()
    public = client.get(article.get_absolute_url()).content.decode()
    assert "Editor headline" in public and "Updated" in public
    entry = reload(article).transitions.filter(action="publish_changes").get()
    assert entry.changes["title"] == ["Source headline", "Editor headline"]


def test_the_editors_save_is_audited_with_old_and_new_values_and_kept_as_a_revision(
    client, imported, editor
):
    article, _ = imported
    client.force_login(editor)
    edit(client, article, title="Editor headline", body="A much longer body. " * 30)

    entry = reload(article).transitions.filter(action="edit").get()
    assert entry.user == editor
    assert entry.changes["title"] == ["Source headline", "Editor headline"]
    old_body, new_body = entry.changes["body"]
    assert old_body == "Source body." and new_body.endswith("(120 words)") and len(new_body) < 230
    revision = reload(article).pending_revision
    assert revision.origin == Revision.Origin.EDIT and revision.user == editor
    assert revision.content["body"].count("A much longer body.") == 30
    page = client.get(change_url(article)).content.decode()
    assert "Source headline" in page and "Editor headline" in page  # in the recent history


def test_an_editor_cannot_publish_changes(client, imported, editor):
    article, _ = imported
    client.force_login(editor)

    assert 'name="_publish"' not in client.get(change_url(article)).content.decode()
    response = edit(client, article, button="_publish", title="Sneaked out")
    assert response.status_code == 403
    assert reload(article).title == "Source headline" and reload(article).pending_revision is None

    edit(client, article, title="Editor headline")
    response = client.post(step_url(article, "publish_changes"), {"note": "", "version": reload(article).version})
    assert any("may not publish changes" in m for m in messages_of(response))
    assert reload(article).title == "Source headline"


def test_a_publisher_saves_and_publishes_in_one_go(client, imported, publisher):
    article, _ = imported
    client.force_login(publisher)

    response = edit(client, article, button="_publish", excerpt="Sharper excerpt")

    assert response.status_code == 302 and response["Location"] == change_url(article)
    stored = reload(article)
    assert stored.excerpt == "Sharper excerpt" and stored.pending_revision is None
    assert stored.transitions.filter(action="publish_changes").get().changes["excerpt"][1] == "Sharper excerpt"


def test_a_stale_save_is_refused_and_the_other_save_kept(client, imported, editor, publisher):
    article, _ = imported
    client.force_login(editor)
    opened = client.get(change_url(article))
    client.force_login(publisher)
    edit(client, article, title="Publisher headline")

    client.force_login(editor)
    response = client.post(change_url(article), {**form_data(opened, title="Editor headline"), "_save": "1"})

    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["__all__"]] == ["stale"]
    assert "Paula Publisher" in response.content.decode()
    assert reload(article).pending_revision.content["title"] == "Publisher headline"


def test_sent_back_changes_show_the_note_and_leave_the_review_queue(client, imported, editor, publisher):
    article, _ = imported
    client.force_login(editor)
    edit(client, article, title="Editor headline")

    client.force_login(publisher)
    version = reload(article).version
    refused = client.post(step_url(article, "send_back_changes"), {"note": "", "version": version})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    client.post(step_url(article, "send_back_changes"), {"note": "Check the <b>name</b> spelling", "version": version})

    stored = reload(article)
    assert stored.pending_sent_back and stored.title == "Source headline"
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert "Changes sent back by Paula Publisher" in page
    assert "Check the &lt;b&gt;name&lt;/b&gt; spelling" in page
    assert 'value="Editor headline"' in page  # the editor goes on from the changes
    assert step_url(article, "send_back_changes") not in page


# --- pictures, topics, the source's values ------------------------------------------------------


def test_pictures_are_reordered_and_captioned_through_the_pending_version(client, imported, publisher):
    article, _ = imported
    client.force_login(publisher)

    page = client.get(change_url(article))
    assert 'name="picture_0_title"' in page.content.decode()
    assert 'name="picture_0_url"' not in page.content.decode()
    edit(client, article, button="_publish", picture_0_position="2", picture_1_position="1",
         picture_1_title="New <i>lead</i> caption")

    images = list(reload(article).images.order_by("position"))
    assert [image.url for image in images] == [IMAGES[1]["url"], IMAGES[0]["url"]]
    assert images[0].title == "New <i>lead</i> caption"
    public = client.get(article.get_absolute_url()).content.decode()
    assert "New &lt;i&gt;lead&lt;/i&gt; caption" in public


def test_topics_and_the_editors_note_are_edited(client, imported, publisher):
    article, _ = imported
    client.force_login(publisher)

    edit(client, article, button="_publish", topics="Elections, Budget", editor_note="Read this <script>first</script>")

    stored = reload(article)
    assert sorted(stored.topics.names()) == ["Budget", "Elections"]
    public = client.get(article.get_absolute_url()).content.decode()
    assert "Read this" in public and "<script>first" not in public


def test_a_changed_source_is_flagged_beside_the_field_and_can_be_taken(client, imported, publisher):
    article, reimport = imported
    client.force_login(publisher)
    edit(client, article, button="_publish", title="Editor headline")
    article = reimport(title="Source <em>updated</em> headline")
    assert article.title == "Editor headline" and article.source_changed == ["title"]

    page = client.get(change_url(article))
    text = page.content.decode()
    assert "Source changed since your edit." in text
    assert "Source &lt;em&gt;updated&lt;/em&gt; headline" in text
    assert 'name="use_source" value="title"' in text

    use = reverse("admin:articles_article_use_source", args=[article.pk])
    response = client.post(use, {**form_data(page), "use_source": "title"})
    assert response.status_code == 302
    stored = reload(article)
    assert stored.pending_revision.content["title"] == "Source <em>updated</em> headline"
    assert stored.transitions.first().changes["title"] == ["Editor headline", "Source <em>updated</em> headline"]
    # A stale button press changes nothing.
    response = client.post(use, {**form_data(page), "use_source": "title"})
    assert any("after you opened it" in m for m in messages_of(response))


def test_an_editor_without_a_source_sees_no_source_column(client, make_article, editor):
    article = make_article(status=Article.Status.DRAFT, title="Hand made")
    client.force_login(editor)

    edit(client, article, title="Hand made, better")

    page = client.get(change_url(article)).content.decode()
    assert "The source’s value" not in page and "use_source" not in page
    stored = reload(article)
    assert stored.title == "Hand made, better"  # a draft is written at once
    assert stored.revisions.filter(origin=Revision.Origin.EDIT, content__title="Hand made, better").exists()


def test_adding_an_article_by_hand_records_its_first_revision(client, make_provider, editor):
    provider = make_provider()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add"))
    data = {
        "title": "Hand made", "excerpt": "", "editor_note": "", "body": "Body.", "provider": provider.pk,
        "published_at_0": "2024-05-01", "published_at_1": "10:00:00", "category": "", "type": "article",
        "topics": "Local", "quality": "", "heat": "", "web_url": "https://example.com/hand", "version": "",
        "_save": "1",
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})

    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302

    revision = Article.objects.get(web_url="https://example.com/hand").revisions.get()
    assert revision.origin == Revision.Origin.CREATE and revision.user == editor
    assert revision.content["topics"] == ["Local"]


# --- other steps record old and new values -------------------------------------------------------


def test_schedule_and_embargo_record_their_old_and_new_times(client, make_article, publisher):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(status=Article.Status.DRAFT)
    go_live = timezone.now() + timedelta(days=2)
    publishing.schedule(article, by=publisher, go_live_at=go_live)
    publishing.set_embargo(reload(article), by=publisher, until=go_live + timedelta(hours=1))

    schedule, embargo = Transition.objects.filter(article=article).order_by("at", "id")
    assert schedule.changes == {"go_live_at": [None, go_live.isoformat()]}
    assert embargo.changes["embargo_until"][0] is None
    client.force_login(publisher)
    page = client.get(change_url(article)).content.decode()
    assert "Go-live time" in page and timezone.localtime(go_live).strftime("%Y-%m-%d %H:%M") in page


def test_a_correction_is_kept_as_a_revision_with_its_note(imported, publisher):
    article, _ = imported

    publishing.correct(article, by=publisher, note="The mayor's name was misspelt.")

    revision = reload(article).revisions.filter(origin=Revision.Origin.CORRECTION).get()
    assert revision.message == "The mayor's name was misspelt."
    assert revision.content == editorial.live_content(reload(article))


def test_the_audit_trail_list_shows_changes_escaped(client, imported, publisher):
    article, _ = imported
    client.force_login(publisher)
    edit(client, article, button="_publish", title="<img src=x onerror=alert(1)>")

    page = client.get(reverse("admin:articles_transition_changelist")).content.decode()

    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


# --- the dashboard, bulk publishing ---------------------------------------------------------------


def test_the_dashboard_lists_changes_awaiting_review(client, imported, editor, publisher):
    article, _ = imported
    client.force_login(editor)
    edit(client, article, title="Editor <headline>")

    client.force_login(publisher)
    page = client.get(reverse("admin:index")).content.decode()

    assert "Changes awaiting review (1)" in page
    assert change_url(article) in page and "Source headline" in page


def test_publish_changes_of_selected_articles(client, imported, editor, publisher):
    article, _ = imported
    client.force_login(editor)
    edit(client, article, title="Editor headline")
    client.force_login(publisher)

    response = client.post(reverse("admin:articles_article_changelist"), {
        "action": "publish_changes_selected", "_selected_action": [article.pk],
    })

    assert response.status_code == 302
    assert reload(article).title == "Editor headline"
