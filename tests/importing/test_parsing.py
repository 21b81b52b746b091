"""The entry points: every sample file parses, errors name the file, huge files are not read."""

import datetime as dt

import pytest

from articles.importing import parsing
from articles.importing.data import ArticleData
from articles.importing.errors import KINDS, ArticleFileError
from articles.importing.frontmatter import MAX_FILE_SIZE
from articles.importing.loader import Source
from articles.importing.parsing import parse_article, read_article, read_file_bytes
from tests.importing.conftest import SAMPLES, front_matter
from tests.importing.reading import spy_on_reads

SEED = SAMPLES[0]


@pytest.fixture(scope="module")
def samples():
    return {path.name: read_article(path) for path in SAMPLES}


def test_there_are_61_samples():
    assert len(SAMPLES) == 61
    assert SEED.name == "000_bff1c7ffcd54c2df.md"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name[:3])
def test_every_sample_file_parses(path):
    article = read_article(path)

    assert isinstance(article, ArticleData)
    assert article == parse_article(path.read_bytes(), str(path))


def test_the_seed_is_read_as_the_specification_annotates_it(samples):
    seed = samples[SEED.name]

    assert seed.title.startswith("Police Commission approves new oversight for LAPD’s use")
    assert seed.web_url.startswith("https://ktla.com/news/local-news/police-commission-approves")
    assert seed.published_at == dt.datetime(2021, 1, 13, 0, 17, tzinfo=dt.UTC)
    assert (seed.provider.name, seed.provider.domain) == ("KTLA", "ktla.com")
    assert (seed.category, seed.type, seed.quality, seed.heat, seed.published) == (
        "news",
        "article",
        38,
        -1,
        False,
    )
    assert seed.cdn_amp_url.startswith("https://ktla-com.cdn.ampproject.org/c/s/ktla.com/")
    assert seed.topics == ("Computer Vision", "AI")
    (image,) = seed.images
    assert (image.width, image.height, image.is_cached) == (840, 473, True)
    (related,) = seed.related
    assert related.provider.domain == "gizmodo.com"
    assert related.published_at == dt.datetime(2021, 1, 10, 22, 40, tzinfo=dt.UTC)
    assert (related.quality, related.images[0].width) == (100, 800)
    assert seed.secured.endswith(";W8DVzVqd47EWEJKmJ9nwRw==")
    assert (seed.body, seed.extra) == ("", {})


def test_the_samples_exercise_what_section_8_lists(samples):
    articles = list(samples.values())
    related = [item for article in articles for item in article.related]
    web_urls = {article.web_url for article in articles}

    assert len({article.provider.domain for article in articles}) == 16
    assert sum(1 for article in articles if article.body) == 12
    assert len(related) == 40
    assert sum(1 for item in related if item.web_url in web_urls) == 36
    assert {article.type for article in articles} == {"article", "video", "slideshow"}
    assert {article.published for article in articles} == {True, False}
    assert {-1, None} <= {article.heat for article in articles}
    assert {0, 6} <= {len(article.images) for article in articles}
    unknown = {key for article in articles for key in article.extra}
    assert {"updatedDateTime", "locale", "tags", "categories"} <= unknown


def test_spellings_of_one_provider_share_one_normalised_domain(samples):
    names_by_domain = {}
    for article in samples.values():
        names_by_domain.setdefault(article.provider.domain, set()).add(article.provider.name)

    assert {"KTLA", "ktla"} <= names_by_domain["ktla.com"]
    assert "techcrunch.com" in names_by_domain
    assert all(name == name.strip() for names in names_by_domain.values() for name in names)


def test_sample_unknown_timestamps_are_iso_utc_strings(samples):
    updated = {
        article.extra["updatedDateTime"]
        for article in samples.values()
        if "updatedDateTime" in article.extra
    }

    assert updated == {"2021-02-06T09:30:00Z", "2021-04-21T14:40:00Z", "2021-06-03T18:02:00Z"}


# -- errors name the file -----------------------------------------------------


def test_parse_article_sets_the_path_on_errors():
    with pytest.raises(ArticleFileError) as caught:
        parse_article(b"", path="incoming/empty.md")

    assert (caught.value.kind, caught.value.path) == ("empty_file", "incoming/empty.md")
    assert str(caught.value).startswith("incoming/empty.md: empty_file")


def test_read_article_sets_the_path_on_errors(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(front_matter(quality="101"), encoding="utf-8")

    with pytest.raises(ArticleFileError) as caught:
        read_article(path)

    error = caught.value
    assert (error.kind, error.field, error.path) == ("invalid_value", "quality", str(path))
    assert error.line == 6


def test_read_article_accepts_str_paths(tmp_path):
    path = tmp_path / "ok.md"
    path.write_text(front_matter(body="Hello"), encoding="utf-8")

    assert read_article(str(path)).body == "Hello"


def test_a_missing_file_is_an_os_error_not_a_format_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_article(tmp_path / "missing.md")


def test_a_5_mb_file_is_too_large_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.md"
    with open(path, "wb") as file:
        file.write(front_matter().encode())
        file.truncate(5 * 1024 * 1024)
    reads = spy_on_reads(monkeypatch)

    with pytest.raises(ArticleFileError) as caught:
        read_file_bytes(path)  # what the import command and every other reader call

    assert (caught.value.kind, caught.value.path) == ("too_large", str(path))
    assert reads.opened == [str(path)] and reads.bytes_read[str(path)] == 0


def test_a_file_that_grows_after_stat_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "growing.md"
    path.write_bytes(front_matter().encode() + b"x" * (2 * 1024 * 1024))
    real_check = parsing.check_size
    sizes = iter([0])  # the first check, on the open file's size, sees a small file
    monkeypatch.setattr(parsing, "check_size", lambda size: real_check(next(sizes, size)))
    reads = spy_on_reads(monkeypatch)

    source = Source.read(path)

    assert source.data is None  # rejected as too large
    assert reads.bytes_read[str(path)] == MAX_FILE_SIZE + 1


def test_every_error_kind_is_reachable():
    """One input per kind of section 5, so no kind is dead code."""
    base = front_matter()
    inputs = {
        "too_large": b"x" * 1_048_577,
        "encoding": b"\xff\xfe" + base.encode("utf-16-le"),
        "nul_byte": base.encode() + b"\x00",
        "empty_file": b" \n",
        "no_front_matter": b"title: x\n",
        "unterminated_front_matter": b"---\ntitle: x\n",
        "yaml_syntax": b"---\ntitle: [x\n---\n",
        "yaml_forbidden_tag": b"---\ntitle: !!binary eA==\n---\n",
        "yaml_duplicate_key": b"---\ntitle: x\ntitle: y\n---\n",
        "yaml_limits": b"---\nx: " + b"[" * 40 + b"]" * 40 + b"\n---\n",
        "not_a_mapping": b"---\n- x\n---\n",
        "missing_field": front_matter(title=None).encode(),
        "invalid_type": front_matter(quality='"38"').encode(),
        "invalid_value": front_matter(quality="101").encode(),
    }
    assert set(inputs) == set(KINDS)

    for kind, data in inputs.items():
        with pytest.raises(ArticleFileError) as caught:
            parse_article(data)
        assert caught.value.kind == kind


def test_every_generated_file_parses(generated_corpus):
    assert len(generated_corpus) == 150
    for path in generated_corpus:
        assert read_article(path).web_url.startswith("https://")
