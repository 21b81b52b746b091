"""Editors' values over the source, pending versions and revisions, at the content layer.

The workflow and admin tests drive the same functions through buttons; these
check what readers and the desk would notice after each operation.
"""

import pytest

from articles import editorial
from articles.importing.loader import import_paths
from articles.models import Article
from revisions.models import Revision

pytestmark = pytest.mark.django_db

URL = "https://example.com/news/desk"


@pytest.fixture
def imported(write_article):
    """Import one live article and return ``(article, reimport)``; ``reimport(**fields)`` re-imports it changed."""
    path = write_article("desk.md", body="First body.", title="Source headline", webUrl=URL,
                         topics=["Politics"])

    def reimport(body="First body.", **fields):
        write_article("desk.md", body=body, **{"title": "Source headline", "webUrl": URL,
                                                "topics": ["Politics"], **fields})
        result = import_paths([path])
        assert not result.rejected, result.rejections
        return Article.objects.get(web_url=URL)

    result = import_paths([path])
    assert result.created == 1
    return Article.objects.get(web_url=URL), reimport


def edit(article, **fields):
    content = editorial.editable_content(article)
    content.update(fields)
    return editorial.save_content(article, content, message="edited")


def test_an_import_keeps_its_content_as_a_revision_naming_the_run_file_and_hash(imported):
    article, _ = imported
    revision = article.revisions.get()
    assert revision.origin == Revision.Origin.IMPORT
    assert revision.content["title"] == "Source headline"
    assert revision.content["body"] == "First body."
    assert revision.content["topics"] == ["Politics"]
    assert revision.import_run_id is not None
    assert revision.file.endswith("desk.md")
    assert revision.content_hash == article.source_hash
    assert revision.was_live
    assert "desk.md" in revision.author()


def test_a_reimport_that_changed_something_adds_a_revision_and_an_unchanged_one_does_not(imported):
    article, reimport = imported
    reimport()
    assert article.revisions.count() == 1
    reimport(body="Second body.")
    assert article.revisions.count() == 2
    assert article.revisions.first().content["body"] == "Second body."


def test_an_edit_of_a_live_article_waits_for_a_publisher(imported):
    article, _ = imported
    saved = edit(article, title="Editor headline")
    article.refresh_from_db()
    assert saved.pending and saved.changed == ["title"]
    assert article.title == "Source headline"  # readers keep the live one
    assert article.pending_revision.content["title"] == "Editor headline"
    assert Article.objects.live().filter(title="Source headline").exists()

    editorial.publish_pending(article)
    article.refresh_from_db()
    assert article.title == "Editor headline"
    assert article.pending_revision is None
    assert article.modified_at is not None  # readers see "Updated"
    assert article.revisions.filter(was_live=True, content__title="Editor headline").exists()


def test_an_edit_of_a_draft_is_written_at_once(make_article):
    article = make_article(status=Article.Status.DRAFT, title="Draft")
    saved = edit(article, title="Better draft")
    article.refresh_from_db()
    assert not saved.pending
    assert article.title == "Better draft"
    assert article.modified_at is None


def test_a_publisher_may_edit_and_publish_in_one_step(imported):
    article, _ = imported
    content = editorial.editable_content(article)
    content["excerpt"] = "Sharper excerpt"
    editorial.save_content(article, content, publish=True)
    article.refresh_from_db()
    assert article.excerpt == "Sharper excerpt"
    assert article.pending_revision is None


def test_a_reimport_keeps_the_editors_headline_and_flags_the_changed_source(imported):
    article, reimport = imported
    edit(article, title="Editor headline")
    editorial.publish_pending(Article.objects.get(pk=article.pk))

    article = reimport(title="Source headline, updated", body="New body from the outlet.")
    assert article.title == "Editor headline"
    assert article.source_changed == ["title"]
    assert article.source_values["title"] == "Source headline, updated"
    # A field nobody edited follows the source as before.
    assert article.body == "New body from the outlet."
    assert editorial.source_content(article)["title"] == "Source headline, updated"
    assert article.revisions.count() == 3  # the import, the edit, the re-import


def test_the_sources_value_can_be_taken_back(imported):
    article, reimport = imported
    edit(article, title="Editor headline")
    editorial.publish_pending(Article.objects.get(pk=article.pk))
    article = reimport(title="Source headline, updated")

    editorial.use_source(article, ["title"])
    editorial.publish_pending(Article.objects.get(pk=article.pk))
    article.refresh_from_db()
    assert article.title == "Source headline, updated"
    assert article.edited_fields == [] and article.source_changed == []
    assert article.source_values == {}
    # From now on the title follows the source again.
    article = reimport(title="Third source headline")
    assert article.title == "Third source headline"


def test_a_source_change_waits_behind_an_editors_pending_version(imported):
    article, reimport = imported
    edit(article, title="Editor headline")

    article = reimport(body="Outlet's new body.")
    assert article.body == "First body."  # live unchanged
    pending = article.pending_revision.content
    assert pending["title"] == "Editor headline"
    assert pending["body"] == "Outlet's new body."


def test_a_reviewed_providers_source_changes_wait_for_a_publisher(imported):
    article, reimport = imported
    article.provider.review_source_changes = True
    article.provider.save()

    article = reimport(body="Held body.")
    assert article.body == "First body."
    assert article.pending_revision.content["body"] == "Held body."
    assert "held for review" in article.pending_revision.message

    editorial.publish_pending(article)
    article.refresh_from_db()
    assert article.body == "Held body."


def test_restoring_an_old_revision_makes_it_the_pending_version(imported):
    article, _ = imported
    first = article.revisions.get()
    edit(article, title="Editor headline")
    editorial.publish_pending(Article.objects.get(pk=article.pk))
    article.refresh_from_db()

    saved = editorial.restore(article, first)
    article.refresh_from_db()
    assert saved.pending and article.title == "Editor headline"
    assert saved.revision.restored_from == first
    editorial.publish_pending(article)
    article.refresh_from_db()
    assert article.title == "Source headline"


def test_editors_topics_and_captions_survive_a_reimport(imported):
    article, reimport = imported
    content = editorial.editable_content(article)
    content["topics"] = ["Elections"]
    editorial.save_content(article, content, publish=True)

    article = reimport(body="Another body.", topics=["Politics", "Budget"])
    assert sorted(article.topics.names()) == ["Elections"]
    assert article.source_values["topics"] == ["Budget", "Politics"]
    assert article.source_changed == ["topics"]


def test_a_save_from_a_browser_textarea_differs_from_the_source_by_nothing_but_its_edit(imported):
    article, reimport = imported
    content = editorial.editable_content(article)
    content["body"] = content["body"].replace("\n", "\r\n")  # how a browser posts a textarea
    content["title"] = "Editor headline"
    saved = editorial.save_content(article, content, publish=True)
    assert saved.changed == ["title"]
    article.refresh_from_db()
    assert article.edited_fields == ["title"]
    # The body still follows the source.
    assert reimport(body="Outlet's second body.").body == "Outlet's second body."
