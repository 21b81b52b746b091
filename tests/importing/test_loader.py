"""The loader: what an import run does to the database."""

import shutil

import pytest
from django.db import DatabaseError

from articles.importing import loader
from articles.importing.errors import ArticleFileError
from articles.importing.loader import import_paths
from articles.importing.parsing import parse_article
from articles.models import Article, Image, ImportRun, Related, TaggedArticle, Topic
from providers.models import Provider
from tests.conftest import FIXTURES
from tests.importing.reading import spy_on_reads

pytestmark = pytest.mark.django_db


def related_item(title, url, **more):
    return {"title": title, "webUrl": url, **more}


def test_fixtures_import_completely():
    result = import_paths([FIXTURES])

    assert (result.seen, result.created, result.rejected) == (61, 61, 0)
    assert Article.objects.count() == 61
    assert Provider.objects.count() == 16
    assert Related.objects.count() == 40
    assert Related.objects.filter(target__isnull=False).count() == 36


def test_fixtures_import_the_same_with_worker_processes():
    result = import_paths([FIXTURES], parallel=True, chunk_size=10)

    assert (result.created, result.rejected) == (61, 0)
    assert Related.objects.filter(target__isnull=False).count() == 36


def test_reimport_is_a_noop():
    import_paths([FIXTURES])
    before = [
        Article.objects.count(),
        Image.objects.count(),
        Related.objects.count(),
        TaggedArticle.objects.count(),
        Topic.objects.count(),
        Provider.objects.count(),
    ]

    result = import_paths([FIXTURES])

    assert (result.unchanged, result.created, result.updated) == (61, 0, 0)
    assert [
        Article.objects.count(),
        Image.objects.count(),
        Related.objects.count(),
        TaggedArticle.objects.count(),
        Topic.objects.count(),
        Provider.objects.count(),
    ] == before


def test_unchanged_files_are_skipped_before_parsing(monkeypatch):
    import_paths([FIXTURES])

    def must_not_parse(data, path=""):
        raise AssertionError(f"{path} was parsed although unchanged")

    monkeypatch.setattr(loader, "parse_article", must_not_parse)
    assert import_paths([FIXTURES]).unchanged == 61


def test_changed_file_updates_its_article_in_place(write_article):
    path = write_article(
        title="First title",
        webUrl="https://example.com/x",
        topics=["AI"],
        images=[{"url": "https://example.com/1.jpg"}],
    )
    import_paths([path])
    article = Article.objects.get()

    write_article(
        path.name,
        title="Second title",
        webUrl="https://example.com/x",
        topics=["Science"],
        images=[{"url": "https://example.com/2.jpg"}],
    )
    result = import_paths([path])

    assert result.updated == 1
    updated = Article.objects.get()
    assert updated.pk == article.pk and updated.slug == article.slug
    assert updated.title == "Second title"
    assert list(updated.topics.names()) == ["Science"]
    assert [i.url for i in updated.images.all()] == ["https://example.com/2.jpg"]
    assert updated.version == article.version + 1


def test_reimport_keeps_the_editorial_status(write_article):
    path = write_article(published=False, webUrl="https://example.com/kept")
    import_paths([path])
    assert Article.objects.get().status == Article.Status.DRAFT
    Article.objects.update(status=Article.Status.PUBLISHED)

    write_article(path.name, published=False, webUrl="https://example.com/kept", title="New")
    import_paths([path])

    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_reimport_of_a_killed_article_changes_nothing_and_says_why(write_article):
    path = write_article(title="Defamatory", webUrl="https://example.com/killed", topics=["Court"])
    import_paths([path])
    Article.objects.update(status=Article.Status.KILLED)
    before = Article.objects.values().get()
    reported = []

    write_article(
        path.name, title="Defamatory, again", webUrl="https://example.com/killed",
        topics=["Court", "Fresh topic"], provider={"name": "Other", "domain": "other.example"},
    )
    result = import_paths([path], on_file=reported.append)

    assert (result.unchanged, result.updated, result.killed) == (1, 0, 1)
    assert "1 unchanged (1 of them killed" in result.summary()
    assert Article.objects.values().get() == before
    assert list(Article.objects.get().topics.names()) == ["Court"]
    assert not Topic.objects.filter(name="Fresh topic").exists()
    assert not Provider.objects.filter(domain="other.example").exists()
    [outcome] = reported
    assert outcome.as_dict()["reason"].startswith("killed")


def test_a_dry_run_predicts_that_a_killed_article_stays_unchanged(write_article):
    path = write_article(webUrl="https://example.com/killed")
    import_paths([path])
    Article.objects.update(status=Article.Status.KILLED)

    write_article(path.name, title="Changed", webUrl="https://example.com/killed")
    result = import_paths([path], dry_run=True)

    assert (result.unchanged, result.updated, result.killed) == (1, 0, 1)


def test_published_flag_decides_the_status_of_new_articles(write_article):
    import_paths([write_article(published=True), write_article(published=False)])

    assert sorted(Article.objects.values_list("status", flat=True)) == ["draft", "published"]


@pytest.mark.parametrize("order", ["linking_first", "target_first"])
def test_cross_links_resolve_in_either_file_order(write_article, order):
    target = dict(title="Target", webUrl="https://other.example/target")
    linking = dict(
        title="Linking",
        webUrl="https://example.com/linking",
        related=[related_item("Target", " https://other.example/target ")],
    )
    first, second = (linking, target) if order == "linking_first" else (target, linking)

    import_paths([write_article(**first)])
    import_paths([write_article(**second)])

    item = Related.objects.get()
    assert item.target == Article.objects.get(title="Target")


def test_cross_links_resolve_inside_one_batch(write_article):
    paths = [
        write_article(
            "a.md",
            title="A",
            webUrl="https://example.com/a",
            related=[related_item("B", "https://example.com/b")],
        ),
        write_article(
            "b.md",
            title="B",
            webUrl="https://example.com/b",
            related=[related_item("A", "https://example.com/a")],
        ),
    ]
    import_paths(paths)

    assert {(r.article.title, r.target.title) for r in Related.objects.all()} == {
        ("A", "B"),
        ("B", "A"),
    }


def test_unknown_related_targets_stay_external(write_article):
    import_paths(
        [
            write_article(
                related=[
                    related_item(
                        "Elsewhere",
                        "https://nowhere.example/x",
                        provider={"name": "Nowhere", "domain": "nowhere.example"},
                        images=[{"url": "https://nowhere.example/x.jpg"}],
                    )
                ]
            )
        ]
    )

    item = Related.objects.get()
    assert item.target is None
    assert item.provider_name == "Nowhere"
    assert item.data["images"][0]["url"] == "https://nowhere.example/x.jpg"


def test_provider_spellings_map_to_one_provider_with_the_first_name(write_article):
    import_paths(
        [
            write_article("1.md", provider={"name": "KTLA", "domain": "ktla.com"}),
            write_article("2.md", provider={"name": "ktla ", "domain": " KTLA.com"}),
        ]
    )

    provider = Provider.objects.get()
    assert (provider.name, provider.domain) == ("KTLA", "ktla.com")
    assert provider.articles.count() == 2


def test_topics_are_one_record_per_case_insensitive_name(write_article):
    import_paths(
        [
            write_article("1.md", topics=["AI", "Machine Learning"]),
            write_article("2.md", topics=[" ai ", "machine   learning"]),
        ]
    )

    assert sorted(Topic.objects.values_list("name", flat=True)) == ["AI", "Machine Learning"]
    assert TaggedArticle.objects.count() == 4


def test_one_bad_file_does_not_stop_the_batch(write_article):
    good = write_article("good.md")
    bad = write_article("bad.md", quality=101)
    also_good = write_article("z.md")

    result = import_paths([good, bad, also_good])

    assert (result.created, result.rejected) == (2, 1)
    (error,) = result.rejections
    assert (error.path, error.kind, error.field) == (str(bad), "invalid_value", "quality")


def test_a_rejected_file_leaves_no_trace(write_article):
    bad = write_article(
        provider={"name": "Brand New", "domain": "brand-new.example"},
        topics=["Never Seen"],
        images=[{"url": "javascript:alert(1)"}],
    )

    assert import_paths([bad]).rejected == 1
    assert not Article.objects.exists()
    assert not Provider.objects.exists()
    assert not Topic.objects.exists()
    assert not Image.objects.exists()


def test_a_bad_file_reusing_a_good_web_url_changes_nothing(write_article):
    import_paths([write_article("good.md", title="Good title", webUrl="https://example.com/same")])

    result = import_paths(
        [write_article("bad.md", title="Overwritten?", webUrl="https://example.com/same", heat=-5)]
    )

    assert result.rejected == 1
    assert Article.objects.get().title == "Good title"


def test_two_files_with_one_web_url_in_a_run_apply_in_order(write_article):
    paths = [
        write_article("1.md", title="Older", webUrl="https://example.com/dup"),
        write_article("2.md", title="Newer", webUrl="https://example.com/dup"),
    ]

    result = import_paths(paths)

    assert (result.created, result.updated) == (1, 1)
    assert Article.objects.get().title == "Newer"


def test_a_database_failure_rejects_only_its_own_file(write_article, monkeypatch):
    paths = [write_article(f"{n}.md", title=f"T{n}") for n in range(3)]
    real_write = loader._write_articles

    def failing_write(batch, *args, **kwargs):
        if any(data.title == "T1" for _, _, data in batch):
            raise DatabaseError("disk full")
        return real_write(batch, *args, **kwargs)

    monkeypatch.setattr(loader, "_write_articles", failing_write)
    result = import_paths(paths)

    assert (result.created, result.rejected) == (2, 1)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["T0", "T2"]
    assert "disk full" in result.rejections[0].message


def test_a_file_the_database_itself_refuses_is_rejected_alone_with_nothing_written(
    write_article, make_article
):
    """A real constraint violation inside the chunk's bulk writes (COPY on PostgreSQL)."""
    paths = [
        write_article(
            f"{n}.md", title=f"Story {n}", webUrl=f"https://example.com/s/{n}", topics=["Harbour"],
            images=[{"url": f"https://example.com/{n}.jpg"}],
            related=[related_item("Elsewhere", f"https://other.example/{n}")],
        )
        for n in range(3)
    ]
    # Another article already holds the slug the second file's article would get.
    make_article(title="Other", web_url="https://example.com/other",
                 slug=Article.slug_for("Story 1", "https://example.com/s/1"))

    result = import_paths(paths)

    assert (result.created, result.rejected) == (2, 1)
    assert "database refused" in result.rejections[0].message
    assert result.rejections[0].path == str(paths[1])
    written = Article.objects.filter(web_url__startswith="https://example.com/s/")
    assert sorted(written.values_list("title", flat=True)) == ["Story 0", "Story 2"]
    ids = list(written.values_list("pk", flat=True))
    assert Image.objects.count() == 2 and set(Image.objects.values_list("article_id", flat=True)) == set(ids)
    assert set(Related.objects.values_list("article_id", flat=True)) == set(ids)
    assert set(TaggedArticle.objects.values_list("content_object_id", flat=True)) == set(ids)


def test_dry_run_writes_nothing(write_article):
    result = import_paths([write_article(), write_article(quality="x")], dry_run=True)

    assert (result.created, result.rejected) == (1, 1)
    assert not Article.objects.exists()
    assert not ImportRun.objects.exists()


def test_unknown_keys_are_kept_at_their_level(write_article):
    import_paths(
        [
            write_article(
                locale="en-US",
                tags=["not", "topics"],
                provider={"name": "P", "domain": "p.example", "country": "US"},
                images=[{"url": "https://p.example/i.jpg", "focalPoint": {"x": 1}}],
            )
        ]
    )

    article = Article.objects.get()
    assert article.extra == {"locale": "en-US", "tags": ["not", "topics"]}
    assert article.provider_extra == {"country": "US"}
    assert article.images.get().extra == {"focalPoint": {"x": 1}}
    assert not Topic.objects.exists()


def test_too_large_files_are_rejected_without_reading_them(tmp_path, write_article, monkeypatch):
    big = tmp_path / "big.md"
    with open(big, "wb") as f:
        f.truncate(5 * 1024 * 1024)
    small = write_article()
    reads = spy_on_reads(monkeypatch)

    result = import_paths([big, small])

    assert [r.kind for r in result.rejections] == ["too_large"]
    assert result.created == 1
    assert reads.bytes_read[str(small)] == small.stat().st_size  # the spy sees real reads
    assert str(big) in reads.opened and reads.bytes_read[str(big)] == 0


def test_a_too_large_file_gets_the_same_message_from_the_importer_and_the_parser(tmp_path):
    """Producers see one wording for one problem, whichever reader noticed it first."""
    big = tmp_path / "big.md"
    big.write_bytes(b"---\n" + b"x" * (2 * 1024 * 1024))
    with pytest.raises(ArticleFileError) as parsed:
        parse_article(big.read_bytes())

    imported = import_paths([big]).rejections[0]

    assert imported.message == parsed.value.message
    assert "1,048,576 bytes (1 MiB)" in imported.message


def test_directories_are_searched_recursively_for_article_files(tmp_path, write_article):
    write_article("nested/deeper/one.md")
    write_article("two.yaml")
    (tmp_path / "notes.txt").write_text("not an article")
    shutil.copy(FIXTURES / "000_bff1c7ffcd54c2df.md", tmp_path / "nested" / "seed.markdown")

    assert import_paths([tmp_path]).created == 3


def test_each_run_is_recorded_for_the_dashboard(write_article):
    import_paths([write_article(), write_article(title="")])

    run = ImportRun.objects.get()
    assert (run.seen, run.created, run.rejected) == (2, 1, 1)
    assert run.rejections[0]["kind"] == "missing_field"


def test_an_import_shows_up_on_cached_public_pages(client, write_article):
    import_paths([write_article(title="Already here")])
    assert "Already here" in client.get("/").content.decode()  # now cached

    import_paths([write_article(title="Fresh from the feed")])

    assert "Fresh from the feed" in client.get("/").content.decode()


def test_imports_are_recorded_in_the_audit_trail(write_article, django_user_model):
    from articles.models import Transition

    user = django_user_model.objects.create_user("importer")
    path = write_article(published=True, title="First")
    import_paths([path], user=user)
    write_article(path.name, published=True, title="Second", webUrl=Article.objects.get().web_url)
    import_paths([path])

    rows = list(Transition.objects.order_by("pk").values_list("from_status", "to_status", "user"))
    assert rows == [("", "published", user.pk), ("published", "published", None)]


def test_a_changed_file_keeps_our_cached_copies_of_its_images(write_article):
    kept, dropped = "https://example.com/kept.jpg", "https://example.com/dropped.jpg"
    path = write_article(title="Before", webUrl="https://example.com/img",
                         images=[{"url": kept, "width": 10, "height": 10}, {"url": dropped}])
    import_paths([path])
    Image.objects.update(file="images/ab/original.jpg", renditions=[{"name": "x", "width": 320}],
                         width=1200, height=800)

    write_article(path.name, title="After", webUrl="https://example.com/img",
                  images=[{"url": "https://example.com/new.jpg"}, {"url": kept, "width": 10}])
    import_paths([path])

    new, still = Article.objects.get().images.order_by("position")
    assert (new.url, new.file, new.renditions) == ("https://example.com/new.jpg", None, None)
    assert (still.url, still.file, still.width, still.height) == (kept, "images/ab/original.jpg", 1200, 800)
    assert still.renditions == [{"name": "x", "width": 320}]
