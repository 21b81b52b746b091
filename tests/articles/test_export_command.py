"""``manage.py export_articles``: writing the database back in the import format."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles import editorial
from articles.exporting import export_filename
from articles.importing.loader import import_paths
from articles.importing.parsing import read_article
from articles.models import Article, Topic
from providers.models import Provider
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def export(out, *args):
    call_command("export_articles", str(out), *args, stdout=StringIO())


def empty_database():
    Article.objects.all().delete()
    Provider.objects.all().delete()
    Topic.objects.all().delete()


def test_export_import_export_round_trip_is_identical(tmp_path):
    import_paths([FIXTURES])
    export(tmp_path / "first")
    empty_database()

    result = import_paths([tmp_path / "first"])
    export(tmp_path / "second")

    assert (result.created, result.rejected) == (61, 0)
    first = {p.name: p.read_text() for p in (tmp_path / "first").iterdir()}
    second = {p.name: p.read_text() for p in (tmp_path / "second").iterdir()}
    assert len(first) == 61
    assert first == second


def test_exported_files_parse_to_the_imported_articles(tmp_path):
    import_paths([FIXTURES])
    export(tmp_path)

    originals = {a.web_url: a for a in map(read_article, FIXTURES.glob("*.md"))}
    for path in tmp_path.iterdir():
        exported = read_article(path)
        original = originals[exported.web_url]
        assert exported.title == original.title
        assert exported.extra == original.extra
        # One topic record per case-insensitive name: the first-seen spelling is exported.
        assert [t.casefold() for t in exported.topics] == [t.casefold() for t in original.topics]
        assert exported.images == original.images
        assert exported.body == original.body
        assert [r.web_url for r in exported.related] == [r.web_url for r in original.related]


def test_unknown_keys_come_back_at_their_level(tmp_path, write_article):
    import_paths([write_article(
        locale="en-GB", provider={"name": "P", "domain": "p.example", "since": 1999},
        images=[{"url": "https://p.example/i.jpg", "credit2": "x"}],
        related=[{"title": "R", "webUrl": "https://r.example/1", "score": [1, 2]}],
    )])

    export(tmp_path / "out")

    (path,) = (tmp_path / "out").iterdir()
    data = read_article(path)
    assert data.extra == {"locale": "en-GB"}
    assert data.provider.extra == {"since": 1999}
    assert data.images[0].extra == {"credit2": "x"}
    assert data.related[0].extra == {"score": [1, 2]}


def test_jsonl_has_one_object_per_article_with_the_body(tmp_path):
    import_paths([FIXTURES])
    out = tmp_path / "articles.jsonl"

    export(out, "--format", "jsonl")

    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 61
    seed = next(o for o in lines if o["title"].startswith("Police Commission"))
    assert seed["publishedDateTime"] == "2021-01-13T00:17:00Z"
    assert seed["provider"] == {"name": "KTLA", "domain": "ktla.com"}
    assert seed["published"] is False
    assert seed["body"] == ""
    assert sum(bool(o["body"]) for o in lines) == 12


def test_jsonl_to_stdout(write_article):
    import_paths([write_article(title="To stdout")])
    out = StringIO()

    call_command("export_articles", "-", "--format", "jsonl", stdout=out)

    assert json.loads(out.getvalue())["title"] == "To stdout"


@pytest.mark.parametrize("domain", ["../escaped", "{tmp}/absolute", "sub/dir"])
def test_a_stored_domain_that_is_a_path_never_writes_outside_the_folder(tmp_path, make_article, make_provider, domain):
    """Whatever the database holds, the export writes only inside OUT (issue #16)."""
    kept = make_article()
    # Stored without validation, as an old row or a hand-edited database could be.
    make_article(provider=make_provider(domain=domain.format(tmp=tmp_path)))
    out, err = tmp_path / "out", StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("export_articles", str(out), stdout=StringIO(), stderr=err)

    assert excinfo.value.returncode == 1
    assert [p.name for p in out.iterdir()] == [export_filename(kept)]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert "would leave" in err.getvalue()


# --- the source's values or the editors' ----------------------------------------------------


def test_an_edited_article_exports_the_sources_values_unless_editorial(tmp_path, write_article):
    path = write_article(
        "edited.md", body="Source body.", title="Source headline", webUrl="https://example.com/edited",
        topics=["Politics"], images=[{"url": "https://img.example.com/a.jpg", "title": "Source caption"}],
    )
    import_paths([path])
    article = Article.objects.get(web_url="https://example.com/edited")
    untouched = _exported(tmp_path / "before")
    content = editorial.editable_content(article)
    content.update(title="Editor headline", body="Editor body.", topics=["Elections"], editor_note="A note")
    content["images"][0]["title"] = "Editor caption"
    editorial.save_content(article, content, publish=True)

    source = _exported(tmp_path / "source")
    edited = _exported(tmp_path / "editorial", "--editorial")

    assert source == untouched  # byte for byte what the import gave
    assert "Editor" not in source and "A note" not in source
    assert "Editor headline" in edited and "Editor body." in edited and "Elections" in edited
    assert "Editor caption" in edited and "A note" not in edited


def _exported(folder, *options):
    call_command("export_articles", str(folder), *options, verbosity=0)
    (file,) = folder.iterdir()
    return file.read_text(encoding="utf-8")
