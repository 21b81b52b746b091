"""The importer groups the articles of each run into stories as it goes."""

import pytest

from articles.importing.loader import import_paths
from articles.models import Article
from stories.models import Story

from .conftest import story_of

pytestmark = pytest.mark.django_db


def related_to(url, title="Other coverage"):
    return [{"title": title, "webUrl": url}]


def test_an_import_puts_linked_articles_in_one_story_in_any_file_order(write_article):
    write_article(
        "b.md", title="Second outlet on the bridge closure", webUrl="https://b.example/2",
        provider={"name": "B", "domain": "b.example"}, related=related_to("https://a.example/1"),
        publishedDateTime="2024-05-01T12:00:00Z",
    )
    path = write_article(
        "a.md", title="Bridge closed after crash", webUrl="https://a.example/1",
        provider={"name": "A", "domain": "a.example"}, publishedDateTime="2024-05-01T10:00:00Z",
    )
    import_paths([path.parent])
    a, b = Article.objects.get(web_url="https://a.example/1"), Article.objects.get(web_url="https://b.example/2")
    assert story_of(a) is not None
    assert story_of(a) == story_of(b)


def test_a_later_import_joins_the_existing_story_under_its_id(write_article, tmp_path):
    first = write_article(
        "run1/a.md", webUrl="https://a.example/1", publishedDateTime="2024-05-01T10:00:00Z",
        related=related_to("https://b.example/2"),
    )
    write_article("run1/b.md", webUrl="https://b.example/2", publishedDateTime="2024-05-01T11:00:00Z")
    import_paths([first.parent])
    story = Story.objects.get()
    later = write_article(
        "run2/c.md", webUrl="https://c.example/3", publishedDateTime="2024-05-02T09:00:00Z",
        related=related_to("https://a.example/1"),
    )
    import_paths([later.parent])
    assert story_of(Article.objects.get(web_url="https://c.example/3")) == story
    assert Story.objects.count() == 1


def test_a_dry_run_makes_no_story(write_article):
    write_article("a.md", webUrl="https://a.example/1", related=related_to("https://b.example/2"))
    path = write_article("b.md", webUrl="https://b.example/2")
    import_paths([path.parent], dry_run=True)
    assert Story.objects.count() == 0
