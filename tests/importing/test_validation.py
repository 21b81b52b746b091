"""Sections 1.4, 2, 3 and 4 of the format: value types, fields, nested objects, unknown keys."""

import datetime as dt
import json

import pytest

from tests.importing.conftest import (
    front_matter,
    parse_fields,
    parse_text,
    rejected,
    rejected_fields,
)

UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


# -- text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_value", "text"),
    [
        ("yes", "yes"),
        ("No", "No"),
        ("2021", "2021"),
        ("3.10", "3.10"),
        ("0x1F", "0x1F"),
        ("2021-01-13", "2021-01-13"),
        ("2021-01-13T00:17:00Z", "2021-01-13T00:17:00Z"),
        (".nan", ".nan"),
        ('"null"', "null"),
        ("'~'", "~"),
        ("<<", "<<"),
        ("=", "="),
        ('"  padded  "', "padded"),
        ("|\n  Line one\n  Line two\n", "Line one\nLine two"),
        (">-\n  folded\n  text", "folded text"),
        ("A <b>title</b> & 'quotes'", "A <b>title</b> & 'quotes'"),
        ('"مرحبا بالعالم 📱"', "مرحبا بالعالم 📱"),
        ("text  # a comment", "text"),
    ],
)
def test_text_is_the_scalars_source_text_trimmed(yaml_value, text):
    assert parse_fields(title=yaml_value).title == text


@pytest.mark.parametrize("yaml_value", ["", "~", "null", "Null", '""', "'   '", "|\n  \n"])
def test_null_or_empty_text_counts_as_absent(yaml_value):
    assert parse_fields(category=yaml_value).category is None
    rejected_fields("missing_field", "title", title=yaml_value)


@pytest.mark.parametrize("yaml_value", ["[a, b]", "{a: b}", "\n  - a"])
def test_a_collection_is_not_text(yaml_value):
    rejected_fields("invalid_type", "title", title=yaml_value)


def test_title_may_be_1000_characters_but_not_more():
    assert len(parse_fields(title="x" * 1000).title) == 1000
    rejected_fields("invalid_value", "title", title="x" * 1001)


def test_category_is_kept_as_written_up_to_100_characters():
    assert parse_fields(category="' Science '").category == "Science"
    assert parse_fields(category="c" * 100).category == "c" * 100
    rejected_fields("invalid_value", "category", category="c" * 101)


def test_excerpt_defaults_to_empty_text_and_has_no_length_limit():
    assert parse_fields().excerpt == ""
    assert parse_fields(excerpt="~").excerpt == ""
    assert len(parse_fields(excerpt="e" * 50_000).excerpt) == 50_000


def test_type_is_lower_cased_and_defaults_to_article():
    assert parse_fields().type == "article"
    assert parse_fields(type="Video").type == "video"
    assert parse_fields(type="~").type == "article"
    assert parse_fields(type="Podcast-Episode").type == "podcast-episode"


def test_type_is_at_most_50_characters():
    assert parse_fields(type="t" * 50).type == "t" * 50
    rejected_fields("invalid_value", "type", type="t" * 51)


def test_secured_is_stored_verbatim():
    token = "xhx7LEVg+TJ3/kIw==;W8DVzVqd47EWEJKmJ9nwRw=="

    assert parse_fields(secured=f'"{token}"').secured == token
    rejected_fields("invalid_type", "secured", secured="[a, b]")


# -- required fields ----------------------------------------------------------


@pytest.mark.parametrize("field", ["title", "webUrl", "publishedDateTime", "provider"])
@pytest.mark.parametrize("value", [None, "~", '""'], ids=["absent", "null", "empty"])
def test_required_fields_must_be_present_and_not_null_or_empty(field, value):
    error = rejected_fields("missing_field", field, **{field: value})
    assert error.line is not None


# -- url ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/Path?Q=1#frag",
        "https://www.example.co.uk/a/b.html?x=1&y=2",
        "https://example.com:8443/path",
        "http://localhost:8000/preview",
        "http://127.0.0.1/x",
        "https://user:secret@example.com/",
        "https://ja.wikipedia.org/wiki/日本",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "https://a-b.example.com/%E2%9C%93",
    ],
)
def test_http_and_https_urls_are_accepted_unchanged(url):
    assert parse_fields(webUrl=f'"{url}"').web_url == url


def test_a_url_is_trimmed():
    assert parse_fields(webUrl='"  https://example.com/a  "').web_url == "https://example.com/a"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://example.com/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/file",
        "mailto:editor@example.com",
        "//example.com/protocol-relative",
        "/relative/path",
        "relative/path",
        "www.example.com/page",
        "example.com:80/page",
        "https://",
        "https:///path",
        "http:/example.com",
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/a\\tb",
        "https://example.com/\\u0007",
        "https://example.com/\\u202etxt.exe",
        "https://-example.com/",
        "https://example..com/",
        "https://example_site.com/",
        "https://example.com:99999/",
        "https://example.com:port/",
        "https://[::1]/",
        "https://intranet/",
        "https://999.1.1.1/",
        "https://evil.com\\\\@example.com/",
    ],
)
def test_other_urls_are_invalid_values(url):
    rejected_fields("invalid_value", "webUrl", webUrl=f'"{url}"')


def test_a_url_may_be_2048_characters_but_not_more():
    base = "https://example.com/"
    assert parse_fields(webUrl=base + "a" * (2048 - len(base))).web_url
    rejected_fields("invalid_value", "webUrl", webUrl=base + "a" * (2049 - len(base)))


@pytest.mark.parametrize("field", ["originalUrl", "ampWebUrl", "cdnAmpWebUrl"])
def test_optional_urls_follow_the_same_rules(field):
    assert parse_fields(**{field: "~"}).original_url is None
    rejected_fields("invalid_value", field, **{field: "javascript:alert(1)"})
    rejected_fields("invalid_type", field, **{field: "[https://example.com/]"})


def test_a_url_that_is_not_text_is_an_invalid_type():
    rejected_fields("invalid_type", "webUrl", webUrl="{href: https://example.com/}")


# -- timestamp ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_value", "expected"),
    [
        ("2021-01-13T00:17:00Z", utc(2021, 1, 13, 0, 17)),
        ("2021-01-13 00:17:00 +02:00", utc(2021, 1, 12, 22, 17)),
        ("2021-01-13T00:17:00+02:00", utc(2021, 1, 12, 22, 17)),
        ("2021-06-03T11:02:00-07:00", utc(2021, 6, 3, 18, 2)),
        ("2021-01-13T00:17:00", utc(2021, 1, 13, 0, 17)),
        ("2021-02-15T16:00:00.500Z", utc(2021, 2, 15, 16, 0, 0, 500_000)),
        ("2021-01-13", utc(2021, 1, 13)),
        ('"2021-01-13"', utc(2021, 1, 13)),
        ('"2021-01-13T10:00"', utc(2021, 1, 13, 10)),
        ('"2021-01-13t10:00:30"', utc(2021, 1, 13, 10, 0, 30)),
        ('"2021-01-13 10:00:30"', utc(2021, 1, 13, 10, 0, 30)),
        ('"2021-01-13T10:00:30.123456789Z"', utc(2021, 1, 13, 10, 0, 30, 123456)),
        ('"2021-01-13T10:00Z"', utc(2021, 1, 13, 10)),
        ('"2021-01-13T10:00+02"', utc(2021, 1, 13, 8)),
        ('"2021-01-13T10:00:00+0530"', utc(2021, 1, 13, 4, 30)),
        ('"2021-01-13T10:00:00-07:00"', utc(2021, 1, 13, 17)),
        ('"2021-12-31T23:30:00-01:00"', utc(2022, 1, 1, 0, 30)),
        ("'2021-02-01T22:40:00Z'", utc(2021, 2, 1, 22, 40)),
    ],
)
def test_timestamps_of_every_listed_form_become_aware_utc(yaml_value, expected):
    published = parse_fields(publishedDateTime=yaml_value).published_at

    assert published == expected
    assert published.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "yaml_value",
    [
        "yesterday",
        "13/01/2021",
        '"13/01/2021"',
        "2021-02-30T10:00:00Z",
        '"2021-02-30"',
        "2021-13-01",
        '"2021-01-13T25:00"',
        '"2021-01-13T10:61"',
        '"2021-01-13T10:00:00+25:00"',
        '"2021-01-13T10:00:00 +02:00"',
        '"2021-1-13"',
        '"2021-01-13T10"',
        '"2021-01-13T10:00:00."',
        "0000-01-01",
        '"Wed, 13 Jan 2021 00:17:00 GMT"',
        "2021-01-13t00:17:00z",  # only an upper-case Z is listed
    ],
)
def test_impossible_or_unlisted_timestamps_are_invalid_values(yaml_value):
    rejected_fields("invalid_value", "publishedDateTime", publishedDateTime=yaml_value)


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    "yaml_value",
    [
        "9999-12-31T23:59:59Z",
        "0001-01-01",
        '"0001-01-01T00:00:00Z"',
        "1899-12-31T23:59:59Z",
        "2999-01-01",
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_dates_outside_1900_to_now_are_invalid_values(yaml_value):
    error = rejected_fields("invalid_value", "publishedDateTime", publishedDateTime=yaml_value)
    assert "publishedDateTime" in error.message


def test_a_date_more_than_an_hour_ahead_is_rejected_so_it_cannot_pin_the_article_on_top():
    tomorrow = dt.datetime.now(UTC) + dt.timedelta(days=1)

    error = rejected_fields("invalid_value", "publishedDateTime", publishedDateTime=_iso(tomorrow))
    assert "future" in error.message


def test_the_first_day_of_1900_and_a_few_minutes_of_clock_skew_are_accepted():
    soon = (dt.datetime.now(UTC) + dt.timedelta(minutes=5)).replace(microsecond=0)

    assert parse_fields(publishedDateTime="1900-01-01").published_at == utc(1900, 1, 1)
    assert parse_fields(publishedDateTime=_iso(soon)).published_at == soon


def test_a_related_item_dated_out_of_range_is_rejected_at_its_field():
    rejected_fields(
        "invalid_value",
        "related[0].publishedDateTime",
        related='[{title: R, webUrl: "https://example.org/r", publishedDateTime: 9999-12-31}]',
    )


@pytest.mark.parametrize("yaml_value", ["20210113", "1610497020.5", "true", "[2021-01-13]", "{}"])
def test_numbers_booleans_and_collections_are_not_timestamps(yaml_value):
    rejected_fields("invalid_type", "publishedDateTime", publishedDateTime=yaml_value)


# -- int ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_value", "value"), [("0", 0), ("38", 38), ("100", 100), ("0x20", 32)]
)
def test_quality_is_an_integer_from_0_to_100(yaml_value, value):
    assert parse_fields(quality=yaml_value).quality == value


@pytest.mark.parametrize("yaml_value", ["-1", "101", "1_000"])
def test_quality_out_of_range_is_an_invalid_value(yaml_value):
    rejected_fields("invalid_value", "quality", quality=yaml_value)


@pytest.mark.parametrize(
    "yaml_value", ['"38"', "'38'", "38.5", "38.0", "true", "yes", "[38]", "thirty"]
)
def test_quoted_numbers_floats_booleans_and_text_are_not_integers(yaml_value):
    rejected_fields("invalid_type", "quality", quality=yaml_value)


def test_quality_null_empty_or_absent_is_none():
    assert parse_fields().quality is None
    assert parse_fields(quality="~").quality is None
    assert parse_fields(quality='""').quality is None


@pytest.mark.parametrize(
    ("yaml_value", "value"), [("-1", -1), ("0", 0), ("2147483647", 2_147_483_647), ("~", None)]
)
def test_heat_is_at_least_minus_one_and_minus_one_is_kept(yaml_value, value):
    assert parse_fields(heat=yaml_value).heat == value


@pytest.mark.parametrize("yaml_value", ["-2", "2147483648"])
def test_heat_out_of_range_is_an_invalid_value(yaml_value):
    rejected_fields("invalid_value", "heat", heat=yaml_value)


def test_heat_must_be_an_integer():
    rejected_fields("invalid_type", "heat", heat='"-1"')


# -- bool ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yaml_value", "value"),
    [("true", True), ("false", False), ("yes", True), ("No", False), ("ON", True), ("off", False)],
)
def test_published_accepts_yaml_booleans(yaml_value, value):
    assert parse_fields(published=yaml_value).published is value


def test_published_defaults_to_false():
    assert parse_fields().published is False
    assert parse_fields(published="~").published is False


@pytest.mark.parametrize("yaml_value", ['"true"', "'yes'", "1", "0", "[true]", "y"])
def test_a_quoted_or_numeric_boolean_is_an_invalid_type(yaml_value):
    rejected_fields("invalid_type", "published", published=yaml_value)


# -- provider -----------------------------------------------------------------


def test_provider_name_is_trimmed_and_keeps_its_case_and_domain_is_lower_cased():
    article = parse_fields(provider="{name: 'ktla ', domain: ' TechCrunch.com '}")

    assert (article.provider.name, article.provider.domain) == ("ktla", "techcrunch.com")


@pytest.mark.parametrize(
    ("provider", "field"),
    [
        ("{domain: example.com}", "provider.name"),
        ("{name: '  ', domain: example.com}", "provider.name"),
        ("{name: Example}", "provider.domain"),
        ("{name: Example, domain: ~}", "provider.domain"),
        ("{}", "provider.name"),
    ],
)
def test_provider_needs_a_name_and_a_domain(provider, field):
    rejected_fields("missing_field", field, provider=provider)


@pytest.mark.parametrize("provider", ["Example News", "[Example, example.com]", "42"])
def test_provider_must_be_a_mapping(provider):
    rejected_fields("invalid_type", "provider", provider=provider)


def test_provider_name_is_1_to_200_characters():
    name = "n" * 200
    assert parse_fields(provider=f"{{name: {name}, domain: example.com}}").provider.name == name
    rejected_fields("invalid_value", "provider.name", provider=f"{{name: {name}n, domain: a.com}}")


@pytest.mark.parametrize(
    "domain",
    [
        "bbc.co.uk",
        "ktla.com",
        "36kr.com",
        "my-site.example",
        "Sub.Domain.Example.COM",
        "aljazeera.net",
    ],
)
def test_valid_domains(domain):
    assert parse_fields(provider=f"{{name: X, domain: {domain}}}").provider.domain == domain.lower()


@pytest.mark.parametrize(
    "domain",
    [
        "https://x.com",
        "localhost",
        "x.com:80",
        "x.com/path",
        "exa mple.com",
        "-x.com",
        "x-.com",
        "x..com",
        ".x.com",
        "x.com.",
        "under_score.com",
        "1.2.3.4",
        "user@x.com",
        "'[x.com]'",
    ],
)
def test_a_domain_that_is_not_a_bare_dns_name_with_a_dot_is_invalid(domain):
    rejected_fields("invalid_value", "provider.domain", provider=f"{{name: X, domain: {domain}}}")


def test_a_domain_must_be_text():
    rejected_fields("invalid_type", "provider.domain", provider="{name: X, domain: [x.com]}")


def test_unknown_provider_keys_are_kept_on_the_provider():
    article = parse_fields(provider="{name: X, domain: x.com, logo: 'https://x.com/l.png'}")

    assert article.provider.extra == {"logo": "https://x.com/l.png"}
    assert "logo" not in article.extra


# -- topics -------------------------------------------------------------------


def test_topics_are_trimmed_collapsed_and_deduplicated_case_insensitively():
    topics = (
        "\n  - AI\n  - ' Machine   Learning '\n  - ai\n  - ' Ai '\n  - machine learning\n  - NLP"
    )

    assert parse_fields(topics=topics).topics == ("AI", "Machine Learning", "NLP")


def test_topics_are_text_like_every_text_field():
    assert parse_fields(topics="[2021, yes, 3.10, ~, '', Straße, STRASSE]").topics == (
        "2021",
        "yes",
        "3.10",
        "Straße",
    )


def test_topics_default_to_none():
    assert parse_fields().topics == ()
    assert parse_fields(topics="~").topics == ()
    assert parse_fields(topics='""').topics == ()
    assert parse_fields(topics="[]").topics == ()


def test_topics_must_be_a_list():
    rejected_fields("invalid_type", "topics", topics="AI")


@pytest.mark.parametrize("entry", ["[a, b]", "{a: b}"])
def test_a_topic_entry_must_be_text(entry):
    rejected_fields("invalid_type", "topics[3]", topics=f"[a, b, ~, {entry}]")


def test_a_topic_is_at_most_100_characters():
    assert parse_fields(topics=f"[{'t' * 100}]").topics == ("t" * 100,)
    rejected_fields("invalid_value", "topics[2]", topics=f"[a, b, {'t' * 101}]")


def test_tags_and_categories_are_unknown_keys_not_topics():
    article = parse_fields(topics="[AI]", tags="[iOS, Apple]", categories="[technology]")

    assert article.topics == ("AI",)
    assert article.extra == {"tags": ["iOS", "Apple"], "categories": ["technology"]}


# -- images -------------------------------------------------------------------

IMAGE = "https://example.com/a.jpg"


def test_images_keep_their_order_and_defaults():
    images = f"\n  - url: {IMAGE}\n    width: 840\n    height: 473\n    isCached: true\n  - url: {IMAGE}?2"

    first, second = parse_fields(images=images).images

    assert (first.url, first.width, first.height, first.is_cached) == (IMAGE, 840, 473, True)
    assert (second.url, second.width, second.height, second.is_cached) == (
        IMAGE + "?2",
        None,
        None,
        False,
    )


def test_image_title_and_attribution_are_text():
    images = f"\n  - url: {IMAGE}\n    title: ' A <caption> '\n    attribution: 2021"

    (image,) = parse_fields(images=images).images

    assert (image.title, image.attribution) == ("A <caption>", "2021")


@pytest.mark.parametrize(
    ("image", "kind", "field"),
    [
        ("{width: 10}", "missing_field", "images[1].url"),
        ("{url: ~}", "missing_field", "images[1].url"),
        ("{url: 'javascript:alert(1)'}", "invalid_value", "images[1].url"),
        ("{url: 'data:image/png;base64,AAAA'}", "invalid_value", "images[1].url"),
        (f"{{url: '{IMAGE}', width: 0}}", "invalid_value", "images[1].width"),
        (f"{{url: '{IMAGE}', width: -5}}", "invalid_value", "images[1].width"),
        (f"{{url: '{IMAGE}', height: 100001}}", "invalid_value", "images[1].height"),
        (f"{{url: '{IMAGE}', width: '840'}}", "invalid_type", "images[1].width"),
        (f"{{url: '{IMAGE}', height: 840.0}}", "invalid_type", "images[1].height"),
        (f"{{url: '{IMAGE}', isCached: 'true'}}", "invalid_type", "images[1].isCached"),
        (f"{{url: '{IMAGE}', title: [a]}}", "invalid_type", "images[1].title"),
        (f"'{IMAGE}'", "invalid_type", "images[1]"),
        ("~", "invalid_type", "images[1]"),
    ],
)
def test_image_rules(image, kind, field):
    rejected_fields(kind, field, images=f"[{{url: '{IMAGE}'}}, {image}]")


def test_image_width_and_height_may_be_1_to_100000():
    images = f"[{{url: '{IMAGE}', width: 1, height: 100000}}]"

    assert parse_fields(images=images).images[0].height == 100_000


def test_images_must_be_a_list():
    rejected_fields("invalid_type", "images", images=f"{{url: '{IMAGE}'}}")


def test_unknown_image_keys_are_kept_on_the_image():
    images = f"[{{url: '{IMAGE}', focalPoint: {{x: 0.5, y: 0.25}}, takenAt: 2021-06-03}}]"

    assert parse_fields(images=images).images[0].extra == {
        "focalPoint": {"x": 0.5, "y": 0.25},
        "takenAt": "2021-06-03",
    }


# -- related items ------------------------------------------------------------


def related(*items):
    return "".join("\n  - " + item.replace("\n", "\n    ") for item in items)


def test_a_related_item_needs_only_a_title_and_a_web_url():
    (item,) = parse_fields(related=related("title: Other\nwebUrl: https://example.org/o")).related

    assert (item.title, item.web_url, item.published_at, item.provider) == (
        "Other",
        "https://example.org/o",
        None,
        None,
    )
    assert (item.type, item.published, item.topics, item.images) == ("article", False, (), ())


def test_a_related_item_is_read_with_the_article_rules():
    item_yaml = (
        "title: yes\nwebUrl: https://example.org/o\npublishedDateTime: 2021-05-26T19:20:00+02:00\n"
        "provider: {name: ' Le Monde ', domain: LeMonde.fr}\ntype: Video\nquality: 70\n"
        "heat: -1\ntopics: [AI, ai]\nimages: [{url: 'https://example.org/i.jpg', width: 800}]"
    )

    (item,) = parse_fields(related=related(item_yaml)).related

    assert item.title == "yes"
    assert item.published_at == utc(2021, 5, 26, 17, 20)
    assert (item.provider.name, item.provider.domain) == ("Le Monde", "lemonde.fr")
    assert (item.type, item.quality, item.heat, item.topics) == ("video", 70, -1, ("AI",))
    assert item.images[0].width == 800


@pytest.mark.parametrize(
    ("item", "kind", "field"),
    [
        ("webUrl: https://example.org/o", "missing_field", "related[1].title"),
        ("title: Other", "missing_field", "related[1].webUrl"),
        ("title: T\nwebUrl: 'ftp://example.org/o'", "invalid_value", "related[1].webUrl"),
        (
            "title: T\nwebUrl: https://e.org/o\nprovider: {name: X}",
            "missing_field",
            "related[1].provider.domain",
        ),
        (
            "title: T\nwebUrl: https://e.org/o\nprovider: {domain: x.com}",
            "missing_field",
            "related[1].provider.name",
        ),
        ("title: T\nwebUrl: https://e.org/o\nquality: '9'", "invalid_type", "related[1].quality"),
        (
            "title: T\nwebUrl: https://e.org/o\npublishedDateTime: 13/01/2021",
            "invalid_value",
            "related[1].publishedDateTime",
        ),
        (
            "title: T\nwebUrl: https://e.org/o\ntopics: [a, [b]]",
            "invalid_type",
            "related[1].topics[1]",
        ),
        (
            "title: T\nwebUrl: https://e.org/o\nimages: [{url: 'https://e.org/1'}, {url: '//e.org/2'}]",
            "invalid_value",
            "related[1].images[1].url",
        ),
    ],
)
def test_related_item_errors_name_the_item(item, kind, field):
    first = "title: First\nwebUrl: https://example.org/first"

    rejected_fields(kind, field, related=related(first, item))


def test_a_nested_related_key_is_kept_uninterpreted():
    item_yaml = (
        "title: T\nwebUrl: https://e.org/o\nrelated: [{title: deeper, webUrl: 'not checked'}]"
    )

    (item,) = parse_fields(related=related(item_yaml)).related

    assert item.extra == {"related": [{"title": "deeper", "webUrl": "not checked"}]}


def test_related_must_be_a_list_of_mappings():
    rejected_fields("invalid_type", "related", related="{title: T, webUrl: 'https://e.org/'}")
    rejected_fields("invalid_type", "related[0]", related="[https://e.org/]")


# -- unknown keys (section 4) -------------------------------------------------


def test_unknown_top_level_keys_are_kept_with_nested_values():
    article = parse_fields(
        locale="en-us",
        analytics="\n  views: 1200\n  sources: [search, social]\n  ratio: 0.5\n  flags: {ok: yes}",
    )

    assert article.extra == {
        "locale": "en-us",
        "analytics": {
            "views": 1200,
            "sources": ["search", "social"],
            "ratio": 0.5,
            "flags": {"ok": True},
        },
    }


def test_unknown_timestamps_become_iso_strings_and_do_not_touch_known_fields():
    article = parse_fields(
        updatedDateTime="2021-06-03T11:02:00-07:00",
        firstSeen="2021-06-03",
        quotedTime='"2021-06-03T11:02:00-07:00"',
        nested="{at: 2021-06-03 11:02:00.25}",
    )

    assert article.published_at == utc(2021, 1, 13, 0, 17)
    assert article.extra == {
        "updatedDateTime": "2021-06-03T18:02:00Z",
        "firstSeen": "2021-06-03",
        "quotedTime": "2021-06-03T11:02:00-07:00",
        "nested": {"at": "2021-06-03T11:02:00.250000Z"},
    }


def test_an_impossible_unknown_timestamp_is_an_invalid_value():
    rejected_fields("invalid_value", "meta.at", meta="{at: 2021-02-30T10:00:00Z}")


def test_unknown_values_are_json_ready_even_nan_and_infinity():
    article = parse_fields(scores="[.nan, .inf, -.Inf, 1.5, ~]", text="' padded '")

    assert article.extra == {"scores": [".nan", ".inf", "-.Inf", 1.5, None], "text": " padded "}
    json.dumps(article.extra, allow_nan=False)


def test_non_string_keys_become_their_source_text():
    article = parse_fields(meta="{1: a, true: b, ~: c, 2021-01-13: d, 1.5: e}")

    assert article.extra["meta"] == {"1": "a", "true": "b", "~": "c", "2021-01-13": "d", "1.5": "e"}


def test_keys_that_collide_as_text_are_duplicates():
    rejected_fields("yaml_duplicate_key", "meta.1", meta="{1: a, '1': b}")


def test_aliases_and_merges_are_resolved_in_unknown_values():
    article = parse_fields(base="&b {x: 1, y: 2}", copy="*b", merged="{<<: *b, y: 3}")

    assert article.extra == {
        "base": {"x": 1, "y": 2},
        "copy": {"x": 1, "y": 2},
        "merged": {"x": 1, "y": 3},
    }


def test_an_unknown_key_that_looks_like_a_known_one_in_another_case_is_unknown():
    article = parse_fields(Title="Other", web_url="https://example.com/x")

    assert article.title == "A valid title"
    assert article.extra == {"Title": "Other", "web_url": "https://example.com/x"}


# -- error locations ----------------------------------------------------------


def test_errors_carry_the_file_line_of_the_offending_value():
    text = front_matter(
        excerpt="|\n  one\n  two",
        images=f"\n  - url: {IMAGE}\n  - url: {IMAGE}\n    width: 0",
    )

    error = rejected(text, "invalid_value", "images[1].width")

    assert text.splitlines()[error.line - 1].strip() == "width: 0"
    assert "0" in error.message


def test_a_long_offending_value_is_shortened_in_the_message():
    error = rejected_fields("invalid_value", "webUrl", webUrl="javascript:" + "a" * 5000)

    assert len(error.message) < 300


def test_the_first_problem_in_file_order_is_reported():
    text = front_matter(quality="500", heat="-5")

    rejected(text, "invalid_value", "quality")
    assert parse_text(front_matter(quality="5", heat="5")).heat == 5


# -- list limits (cost bound) -------------------------------------------------


@pytest.mark.parametrize(
    ("key", "item", "limit"),
    [
        ("topics", "t{n}", 50),
        ("images", "{{url: 'https://e.example/{n}.jpg'}}", 50),
        ("related", "{{title: R{n}, webUrl: 'https://e.example/{n}'}}", 50),
    ],
)
def test_a_list_over_its_limit_is_an_invalid_value_naming_field_and_limit(key, item, limit):
    """9,900 topics cost 9,900 look-ups and rows: refused before any (issue #16)."""
    too_many = "[" + ", ".join(item.format(n=n) for n in range(9_900 if key == "topics" else limit + 1)) + "]"

    error = rejected_fields("invalid_value", key, **{key: too_many})

    assert f"at most {limit} are allowed" in error.message


@pytest.mark.parametrize(
    ("key", "item"),
    [("topics", "t{n}"), ("images", "{{url: 'https://e.example/{n}.jpg'}}")],
)
def test_a_list_at_its_limit_is_accepted(key, item):
    article = parse_fields(**{key: "[" + ", ".join(item.format(n=n) for n in range(50)) + "]"})

    assert len(getattr(article, key)) == 50


def test_a_related_items_own_lists_are_limited_too():
    topics = "[" + ", ".join(f"t{n}" for n in range(51)) + "]"

    rejected_fields(
        "invalid_value", "related[0].topics",
        related=f"[{{title: R, webUrl: 'https://e.example/r', topics: {topics}}}]",
    )
