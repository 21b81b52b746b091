"""Files: the outlet's byline (``authors``) and house articles (``slug``, ``bylines``), both ways."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from articles.exporting import export_filename
from articles.importing.errors import ArticleFileError
from articles.importing.loader import import_paths
from articles.importing.parsing import parse_article
from articles.models import Article
from authors.models import Author, Byline
from tests.conftest import article_fields, article_text

pytestmark = pytest.mark.django_db


def house_text(body="Our text.", **overrides):
    fields = {"title": "Harbour cranes return", "slug": "harbour-cranes-return",
              "publishedDateTime": "2024-05-01T10:00:00Z", "published": True}
    fields.update(overrides)
    fields = {k: v for k, v in fields.items() if v is not None}
    return f"---\n{yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)}---\n{body}"


def problem(text):
    with pytest.raises(ArticleFileError) as raised:
        parse_article(text.encode())
    return raised.value


def export(out):
    call_command("export_articles", str(out), stdout=StringIO())


# --- the outlet's byline -------------------------------------------------------------------

def test_an_imported_files_authors_are_stored_and_shown_as_the_outlets_byline(write_article, client):
    path = write_article(authors=["  Jane Doe ", "Sam Roe"], provider={"name": "The Outlet", "domain": "outlet.example"})

    result = import_paths([path])

    assert result.created == 1
    article = Article.objects.get()
    assert article.source_authors == ["Jane Doe", "Sam Roe"]
    assert not Author.objects.exists()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "By <span dir=\"auto\">Jane Doe</span>, <span dir=\"auto\">Sam Roe</span>, " in html
    assert 'href="/authors/' not in html


@pytest.mark.parametrize("value, kind, field", [
    ("Jane Doe", "invalid_type", "authors"),
    (["Jane", ""], "invalid_value", "authors[1]"),
    (["Jane", {"name": "Sam"}], "invalid_type", "authors[1]"),
    (["x" * 201], "invalid_value", "authors[0]"),
    ([f"Writer {n}" for n in range(21)], "invalid_value", "authors"),
])
def test_authors_must_be_a_short_list_of_names(value, kind, field):
    error = problem(article_text(authors=value))

    assert (error.kind, error.field) == (kind, field)


def test_authors_round_trip_through_export(write_article, tmp_path):
    import_paths([write_article(authors=["Jane Doe"])])
    export(tmp_path / "out")

    (exported,) = (tmp_path / "out").iterdir()

    assert parse_article(exported.read_bytes()).authors == ("Jane Doe",)


# --- house files ---------------------------------------------------------------------------

def test_a_house_file_is_imported_as_a_house_article_with_our_authors(tmp_path, client):
    Author.objects.create(name="Jane Doe", slug="jane-doe")
    Author.objects.create(name="Sam Roe", slug="sam-roe")
    path = tmp_path / "ours.md"
    path.write_text(house_text(bylines=["sam-roe", "jane-doe"], topics=["Harbour"]))

    result = import_paths([path])

    assert (result.created, result.rejected) == (1, 0)
    article = Article.objects.get()
    assert article.is_house and article.slug == "harbour-cranes-return" and article.is_live()
    assert [b.author.slug for b in Byline.objects.filter(article=article).order_by("position")] == ["sam-roe", "jane-doe"]
    assert article.revisions.count() == 1 and article.transitions.count() == 1
    # The imported version records the byline, so the history can compare and restore it.
    assert [e["name"] for e in article.revisions.get().content["bylines"]] == ["Sam Roe", "Jane Doe"]
    assert client.get("/authors/jane-doe/").status_code == 200


def test_a_house_article_round_trips_export_then_import_unchanged(tmp_path):
    jane = Author.objects.create(name="Jane Doe", slug="jane-doe")
    article = Article.objects.create(
        title="Ours", slug="ours", provider=None, web_url=None, body="Body *here*.", excerpt="Short",
        published_at="2024-05-01T10:00:00Z", status=Article.Status.PUBLISHED, category="Local",
    )
    article.topics.add("Harbour")
    Byline.objects.create(article=article, author=jane)
    export(tmp_path / "first")
    (exported,) = (tmp_path / "first").iterdir()
    assert exported.name == export_filename(article) and exported.name.startswith("house_")
    text = exported.read_text()
    assert "slug: ours" in text and "webUrl" not in text and "provider" not in text

    result = import_paths([tmp_path / "first"])
    export(tmp_path / "second")

    assert (result.unchanged, result.created, result.updated) == (1, 0, 0)
    assert Article.objects.get().version == article.version
    assert exported.read_text() == (tmp_path / "second" / exported.name).read_text()

    # Into an empty database it makes the same article again.
    Article.objects.all().delete()
    assert import_paths([tmp_path / "first"]).created == 1
    export(tmp_path / "third")
    assert exported.read_text() == (tmp_path / "third" / exported.name).read_text()


def test_a_changed_house_file_updates_its_article(tmp_path):
    path = tmp_path / "ours.md"
    path.write_text(house_text())
    import_paths([path])
    path.write_text(house_text(title="Harbour cranes return, again"))

    result = import_paths([path])

    assert result.updated == 1
    assert Article.objects.get().title == "Harbour cranes return, again"


def test_a_house_file_cannot_overwrite_an_imported_article(tmp_path, make_article):
    imported = make_article(title="Theirs")
    path = tmp_path / "ours.md"
    path.write_text(house_text(slug=imported.slug, title="Hijack"))

    result = import_paths([path])

    assert result.rejected == 1
    assert result.rejections[0].field == "slug"
    imported.refresh_from_db()
    assert imported.title == "Theirs" and not imported.is_house


def test_an_imported_file_never_reaches_a_house_article(tmp_path, write_article):
    ours = Article.objects.create(title="Ours", slug="ours", provider=None, web_url=None,
                                  published_at="2024-05-01T10:00:00Z")

    result = import_paths([write_article(title="Ours")])

    assert result.created == 1
    ours.refresh_from_db()
    assert ours.is_house and ours.title == "Ours"
    assert Article.objects.count() == 2


@pytest.mark.parametrize("overrides, kind, field", [
    ({"webUrl": "https://example.com/x"}, "invalid_value", "webUrl"),
    ({"provider": {"name": "X", "domain": "x.example"}}, "invalid_value", "provider"),
    ({"authors": ["Jane"]}, "invalid_value", "authors"),
    ({"slug": "no spaces allowed"}, "invalid_value", "slug"),
    ({"bylines": ["ok", ""]}, "invalid_value", "bylines[1]"),
])
def test_house_files_are_checked(overrides, kind, field):
    error = problem(house_text(**overrides))

    assert (error.kind, error.field) == (kind, field)


def test_bylines_belong_to_house_files_and_must_name_our_authors(tmp_path):
    assert problem(article_text(bylines=["jane"])).field == "bylines"
    path = tmp_path / "ours.md"
    path.write_text(house_text(bylines=["nobody"]))

    result = import_paths([path])

    assert result.rejected == 1
    assert result.rejections[0].field == "bylines" and "nobody" in result.rejections[0].message
    assert not Article.objects.exists()


def test_a_file_without_slug_still_needs_webUrl_and_provider():
    assert problem(article_text(webUrl=None)).field == "webUrl"
    assert problem(article_text(provider=None)).field == "provider"
    assert article_fields()  # the shared builder is unchanged
