"""The corpus generator: deterministic, valid for the importer, and realistic enough to test with."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from articles.importing import generating
from articles.importing.generating import write_corpus
from articles.importing.loader import import_paths
from articles.importing.parsing import parse_article
from articles.models import Article, Related


def files_of(folder):
    """{file name: bytes} of a folder."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_and_count_give_byte_identical_files(tmp_path):
    write_corpus(tmp_path / "a", 40, seed=3)
    write_corpus(tmp_path / "b", 40, seed=3)

    first = files_of(tmp_path / "a")
    assert len(first) == 40
    assert first == files_of(tmp_path / "b")


def test_another_seed_gives_other_articles(tmp_path):
    write_corpus(tmp_path / "a", 40, seed=3)
    write_corpus(tmp_path / "b", 40, seed=4)

    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert not set(first) & set(second)
    assert not set(first.values()) & set(second.values())


def test_the_files_do_not_depend_on_how_many_processes_write_them(tmp_path, monkeypatch):
    monkeypatch.setattr(generating, "CHUNK", 25)  # several tasks, so both processes get work

    write_corpus(tmp_path / "one", 120, seed=5, jobs=1)
    write_corpus(tmp_path / "two", 120, seed=5, jobs=2)

    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_every_generated_file_parses(generated_corpus):
    articles = [parse_article(path.read_bytes(), path=path) for path in generated_corpus]

    assert len(articles) == 150
    assert len({article.web_url for article in articles}) == 150


def test_a_corpus_varies_like_the_real_feed(generated_corpus):
    articles = [parse_article(path.read_bytes()) for path in generated_corpus]
    images = [image for article in articles for image in article.images]

    assert 0.35 <= sum(bool(article.body) for article in articles) / 150 <= 0.65
    # Japanese, Chinese, Korean, Arabic or accented Latin titles.
    assert any(not article.title.replace("’", "'").replace("—", "-").isascii() for article in articles)
    assert len({article.provider.domain for article in articles}) > 30
    assert len({topic for article in articles for topic in article.topics}) > 50
    assert len({article.category for article in articles}) > 3
    assert len({article.published_at.year for article in articles}) >= 4
    assert {True, False} <= {article.published for article in articles}
    assert any(image.width and image.height for image in images)
    assert any(image.width is None for image in images)
    assert any(image.title for image in images)  # a caption
    assert any(article.extra for article in articles)  # keys the format does not know


def test_dates_are_written_in_each_form_feeds_use(generated_corpus):
    lines = [
        line.split(": ", 1)[1]
        for path in generated_corpus
        for line in path.read_text("utf-8").splitlines()
        if line.startswith("publishedDateTime: ")
    ]
    forms = Counter(
        "Z" if value.endswith("Z") else "offset" if value[-6] in "+-" else "none" for value in lines
    )

    assert set(forms) == {"Z", "offset", "none"}


@pytest.mark.django_db
def test_a_generated_corpus_imports_without_rejections(generated_corpus):
    result = import_paths(generated_corpus)

    assert (result.created, result.rejected) == (150, 0)
    assert Article.objects.exclude(body="").count() in range(50, 101)
    assert any(not title.isascii() for title in Article.objects.values_list("title", flat=True))


@pytest.mark.django_db
def test_related_items_point_at_other_generated_articles(generated_corpus):
    import_paths(generated_corpus)

    linked = Related.objects.filter(target__isnull=False)
    assert linked.count() > 50
    assert not linked.filter(target_id=F("article_id")).exists()  # never the article itself
    # The rest is coverage from outside the corpus, which stays unlinked.
    assert Related.objects.filter(target__isnull=True).exists()


def run(*args):
    out = StringIO()
    call_command("generate_articles", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_count_files_and_says_so(tmp_path):
    out = run("--count", "12", "--out", str(tmp_path / "corpus"), "--seed", "2", "--jobs", "1")

    assert len(list((tmp_path / "corpus").glob("*.md"))) == 12
    assert "Wrote 12 files" in out and str(tmp_path / "corpus") in out


def test_the_command_writes_what_the_library_writes(tmp_path):
    run("--count", "30", "--out", str(tmp_path / "command"), "--seed", "9", "--jobs", "2")
    write_corpus(tmp_path / "library", 30, seed=9)

    assert files_of(tmp_path / "command") == files_of(tmp_path / "library")


@pytest.mark.parametrize("count", ["0", "-5"])
def test_a_count_below_one_is_a_usage_error(tmp_path, count):
    with pytest.raises(CommandError, match="--count") as caught:
        run("--count", count, "--out", str(tmp_path / "corpus"))

    assert caught.value.returncode == 2
    assert not (tmp_path / "corpus").exists()


def test_an_out_that_is_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")

    with pytest.raises(CommandError, match="not a folder"):
        run("--count", "3", "--out", str(target))
