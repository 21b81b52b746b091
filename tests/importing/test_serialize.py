"""Writing articles back in the file format: the exact inverse of parsing."""

import dataclasses
import datetime as dt
import json

import pytest
import yaml

from articles.importing.data import ArticleData, ImageData, ProviderData, RelatedData
from articles.importing.parsing import parse_article, read_article
from articles.importing.serialize import (
    article_to_mapping,
    dump_front_matter,
    dump_json,
    dump_mapping,
    related_to_mapping,
)
from tests.importing.conftest import SAMPLES, parse_fields


def round_trip(article):
    return parse_article(dump_front_matter(article).encode("utf-8"))


def minimal(**overrides):
    fields = {
        "title": "Title",
        "web_url": "https://example.com/a",
        "published_at": dt.datetime(2021, 1, 13, 0, 17, tzinfo=dt.UTC),
        "provider": ProviderData(name="Example", domain="example.com"),
    }
    return ArticleData(**{**fields, **overrides})


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name[:3])
def test_every_sample_survives_parse_dump_parse_and_dumps_deterministically(path):
    article = read_article(path)
    text = dump_front_matter(article)

    again = parse_article(text.encode("utf-8"))

    assert again == article
    assert dump_front_matter(again) == text


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "No",
        "on",
        "2021",
        "3.10",
        "0x1F",
        "1_000",
        "1:30",
        "null",
        "~",
        ".nan",
        "-.inf",
        "2021-01-13",
        "2021-01-13T00:17:00Z",
        "<<",
        "=",
        "---",
        "...",
        "- item",
        "key: value",
        "# not a comment",
        "!tag",
        "&anchor",
        "*alias",
        "@at",
        "`tick",
        "%percent",
        "'single' and \"double\"",
        "ends with colon:",
        "a <b>bold</b> & more",
        "line one\nline two",
        "before\n---\nafter",
        "mixed\r\nbreaks\u2028and\u2029more\x85",
        "tab\there",
        "bell\x07 and escape\x1b",
        "zero\u200bwidth and \u202eRTL override",
        "\ufeffleading BOM",
        "مرحبا بالعالم",
        "日本語のタイトル 📱🚗🚀",
        "x" * 5000,
    ],
    ids=lambda text: ascii(text[:20]),
)
def test_tricky_text_comes_back_as_the_same_text(text):
    article = minimal(
        title=text.strip()[:1000],
        excerpt=text.strip(),
        topics=(" ".join(text.split())[:100],),
        extra={"note": text, text: "as a key"},
    )

    again = round_trip(article)

    assert again == article
    assert dump_front_matter(again) == dump_front_matter(article)


def test_text_that_looks_like_another_type_is_quoted():
    text = dump_front_matter(parse_fields(title="yes", category="2021", type="'null'"))

    assert "title: 'yes'\n" in text
    assert "category: '2021'\n" in text
    assert "type: 'null'\n" in text


def test_no_line_of_the_front_matter_can_close_it_early():
    article = minimal(excerpt="one\n---\ntwo", extra={"---": "---\n---"})

    text = dump_front_matter(article)

    assert text.count("\n---\n") == 1
    assert round_trip(article) == article


def test_every_field_is_written_with_the_files_camel_case_keys():
    article = minimal(
        category="news",
        excerpt="Teaser",
        original_url="https://example.com/o",
        amp_url="https://example.com/amp",
        cdn_amp_url="https://example-com.cdn.ampproject.org/c/s/example.com/amp",
        type="video",
        quality=38,
        heat=-1,
        published=True,
        topics=("AI", "Privacy"),
        images=(
            ImageData(url="https://example.com/i.jpg", width=840, height=473, is_cached=True),
            ImageData(url="https://example.com/j.jpg", title="Caption", attribution="AP"),
        ),
        related=(RelatedData(title="Other", web_url="https://example.org/o"),),
        secured="abc;def",
    )

    mapping = article_to_mapping(article)

    assert list(mapping) == [
        "title",
        "webUrl",
        "publishedDateTime",
        "provider",
        "category",
        "excerpt",
        "originalUrl",
        "ampWebUrl",
        "cdnAmpWebUrl",
        "type",
        "quality",
        "heat",
        "published",
        "topics",
        "images",
        "related",
        "secured",
    ]
    assert mapping["publishedDateTime"] == "2021-01-13T00:17:00Z"
    assert mapping["heat"] == -1
    assert mapping["images"] == [
        {"url": "https://example.com/i.jpg", "width": 840, "height": 473, "isCached": True},
        {
            "url": "https://example.com/j.jpg",
            "isCached": False,
            "title": "Caption",
            "attribution": "AP",
        },
    ]
    assert mapping["related"] == [
        {"title": "Other", "webUrl": "https://example.org/o", "type": "article", "published": False}
    ]
    assert round_trip(article) == article


def test_absent_optional_fields_are_left_out():
    mapping = article_to_mapping(minimal())

    assert mapping == {
        "title": "Title",
        "webUrl": "https://example.com/a",
        "publishedDateTime": "2021-01-13T00:17:00Z",
        "provider": {"name": "Example", "domain": "example.com"},
        "type": "article",
        "published": False,
    }


def test_timestamps_are_written_as_utc_iso_strings_ending_in_z():
    tz = dt.timezone(dt.timedelta(hours=2))
    article = minimal(published_at=dt.datetime(2021, 2, 15, 18, 0, 0, 500_000, tzinfo=tz))

    assert article_to_mapping(article)["publishedDateTime"] == "2021-02-15T16:00:00.500000Z"


def test_unknown_keys_are_restored_at_their_own_level():
    article = parse_fields(
        provider="{name: X, domain: x.com, logo: l.png}",
        images="[{url: 'https://x.com/i.jpg', focal: [1, 2]}]",
        related="[{title: R, webUrl: 'https://r.com/', related: [deeper], extraR: 2021-06-03}]",
        updatedDateTime="2021-06-03T11:02:00-07:00",
        tags="[iOS]",
    )

    mapping = article_to_mapping(article)

    assert mapping["provider"]["logo"] == "l.png"
    assert mapping["images"][0]["focal"] == [1, 2]
    assert mapping["related"][0]["related"] == ["deeper"]
    assert mapping["related"][0]["extraR"] == "2021-06-03"
    assert (mapping["updatedDateTime"], mapping["tags"]) == ("2021-06-03T18:02:00Z", ["iOS"])
    assert round_trip(article) == article


def test_an_unknown_key_never_overrides_a_known_field():
    article = minimal(extra={"title": "Not this one", "other": 1})

    assert article_to_mapping(article)["title"] == "Title"


def test_the_mapping_is_a_copy_not_a_view_of_the_article():
    article = parse_fields(meta="{list: [1, 2]}")

    article_to_mapping(article)["meta"]["list"].append(3)

    assert article.extra["meta"]["list"] == [1, 2]


def test_related_to_mapping_uses_the_same_keys_as_an_article():
    item = RelatedData(
        title="R",
        web_url="https://r.com/",
        published_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        provider=ProviderData(name="R", domain="r.com"),
        quality=5,
        extra={"related": []},
    )

    assert related_to_mapping(item) == {
        "title": "R",
        "webUrl": "https://r.com/",
        "publishedDateTime": "2021-01-01T00:00:00Z",
        "provider": {"name": "R", "domain": "r.com"},
        "type": "article",
        "quality": 5,
        "published": False,
        "related": [],
    }


def test_dump_json_is_the_mapping_plus_the_body_and_strict_json():
    article = dataclasses.replace(
        parse_fields(scores="[.nan, .inf]", when="2021-06-03"), body="# Body"
    )

    data = dump_json(article)

    assert data == {**article_to_mapping(article), "body": "# Body"}
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_dump_front_matter_writes_delimiters_and_the_body():
    article = dataclasses.replace(minimal(), body="# Heading\n\n---\n\nText")

    text = dump_front_matter(article)

    assert text.startswith("---\ntitle: Title\n")
    assert text.endswith("---\n\n# Heading\n\n---\n\nText\n")
    assert round_trip(article).body == "# Heading\n\n---\n\nText"


def test_dump_front_matter_without_a_body_ends_at_the_closing_line():
    assert dump_front_matter(minimal()).endswith("published: false\n---\n")


def test_dump_mapping_writes_plain_safe_yaml():
    text = dump_mapping({"title": "T", "nested": {"a": [1, "2"]}}, "Body")

    front = text.split("---\n")[1]
    assert yaml.safe_load(front) == {"title": "T", "nested": {"a": [1, "2"]}}
    assert "&" not in front and "!!" not in front


def test_generated_articles_round_trip(generated_corpus):
    for path in generated_corpus:
        article = read_article(path)
        text = dump_front_matter(article)
        assert parse_article(text.encode("utf-8")) == article, path.name
