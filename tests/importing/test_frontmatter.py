"""Section 1.1-1.3 of the format: bytes, delimiters, body and the safe YAML dialect."""

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from articles.importing import frontmatter
from articles.importing.errors import ArticleFileError
from tests.importing.conftest import (
    BASE_FIELDS,
    SAMPLES,
    front_matter,
    parse_fields,
    parse_text,
    rejected,
    rejected_fields,
)

VALID = front_matter()


# -- 1.1 bytes and text -------------------------------------------------------


def test_a_file_over_one_mebibyte_is_too_large():
    data = VALID.encode() + b"x" * (frontmatter.MAX_FILE_SIZE - len(VALID) + 1)
    assert len(data) == 1_048_577

    rejected(data, "too_large")


def test_a_file_of_exactly_one_mebibyte_is_accepted():
    text = front_matter(body="x")
    data = text.encode() + b"x" * (frontmatter.MAX_FILE_SIZE - len(text))
    assert len(data) == 1_048_576

    assert parse_text(data).body.startswith("x\nxxx")


def test_size_is_checked_before_the_encoding():
    rejected(b"\xff\xfe" + b"\x00" * 2_000_000, "too_large")


@pytest.mark.parametrize(
    "bom",
    [b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"],
    ids=["utf-16-le", "utf-16-be", "utf-32-be", "utf-32-le"],
)
def test_utf16_and_utf32_byte_order_marks_are_an_encoding_error(bom):
    rejected(bom + VALID.encode(), "encoding")


def test_utf16_with_bom_is_an_encoding_error_although_it_contains_nul_bytes():
    data = VALID.encode("utf-16")  # with BOM

    rejected(data, "encoding")


def test_utf16_without_bom_is_caught_by_the_nul_rule():
    rejected(VALID.encode("utf-16-le"), "nul_byte")


def test_latin1_is_an_encoding_error_not_guessed():
    data = front_matter(title="Café crème").encode("latin-1")

    error = rejected(data, "encoding")
    assert error.line == 2


def test_invalid_utf8_in_the_body_is_an_encoding_error():
    rejected(VALID.encode() + b"\nbody \xc3\x28 here\n", "encoding")


def test_a_utf8_bom_is_allowed_and_ignored():
    article = parse_text(b"\xef\xbb\xbf" + VALID.encode())

    assert article.title == "A valid title"


def test_a_utf8_bom_does_not_shift_error_lines():
    text = front_matter(quality="101")

    plain = rejected(text, "invalid_value", "quality")
    with_bom = rejected(b"\xef\xbb\xbf" + text.encode(), "invalid_value", "quality")
    assert plain.line == with_bom.line == 6


@pytest.mark.parametrize("where", ["front matter", "body"])
def test_a_nul_character_anywhere_is_rejected(where):
    text = front_matter(excerpt='"a\x00b"') if where == "front matter" else VALID + "a\x00b\n"

    rejected(text, "nul_byte")


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\u0000", "\\U00000000"])
@pytest.mark.parametrize(
    "fields, field",
    [
        ({"excerpt": '"a{nul}b"'}, "excerpt"),
        ({"title": '"{nul}"'}, "title"),
        ({"provider": '{{name: "Ex{nul}", domain: example.com}}'}, "provider.name"),
        ({"images": '[{{url: "https://example.com/a.jpg", title: "x{nul}"}}]'}, "images[0].title"),
        ({"related": '[{{title: "R{nul}", webUrl: "https://example.com/r"}}]'}, "related[0].title"),
        ({"topics": '["AI", "x{nul}"]'}, "topics[1]"),
        ({"custom": '{{deep: ["{nul}"]}}'}, "custom.deep[0]"),
        ({'"key{nul}"': "value"}, ""),
    ],
)
def test_an_escaped_nul_in_any_string_is_rejected_like_a_raw_one(escape, fields, field):
    """PostgreSQL cannot store U+0000 however the file spells it."""
    text = front_matter(**{k.format(nul=escape): v.format(nul=escape) for k, v in fields.items()})

    error = rejected(text, "nul_byte", field)
    assert error.line is not None


@pytest.mark.parametrize("data", [b"", b"   ", b"\n\n", b" \t\r\n \n", b"\xef\xbb\xbf"])
def test_an_empty_or_whitespace_only_file_is_rejected(data):
    rejected(data, "empty_file")


def test_crlf_line_endings_are_read_as_lf():
    text = front_matter(body="# Heading\n\nA paragraph.").replace("\n", "\r\n")

    article = parse_text(text)

    assert article.title == "A valid title"
    assert article.body == "# Heading\n\nA paragraph."


# -- 1.2 delimiters and body --------------------------------------------------


@pytest.mark.parametrize(
    "first_line",
    ["", "title: x", " ---", "----", "--- x", "—", "+++"],
    ids=["blank", "yaml", "indented", "four-hyphens", "trailing-text", "dash", "toml"],
)
def test_line_one_must_be_three_hyphens(first_line):
    text = first_line + "\n" + VALID

    error = rejected(text, "no_front_matter")
    assert error.line == 1


def test_delimiters_may_have_trailing_spaces_and_tabs():
    text = VALID.replace("---\n", "--- \t\n")

    assert parse_text(text).title == "A valid title"


def test_a_missing_closing_delimiter_is_unterminated():
    rejected(VALID.rstrip("-\n") + "\n", "unterminated_front_matter")


def test_a_file_of_only_the_opening_line_is_unterminated():
    rejected("---\n", "unterminated_front_matter")


def test_three_dots_do_not_close_the_front_matter():
    text = VALID.removesuffix("---\n") + "...\nSome body\n"

    rejected(text, "unterminated_front_matter")


def test_the_first_later_three_hyphen_line_closes_and_later_ones_belong_to_the_body():
    article = parse_text(VALID + "\nAbove the rule\n\n---\n\nBelow the rule\n")

    assert article.body == "Above the rule\n\n---\n\nBelow the rule"


def test_a_line_starting_with_three_hyphens_and_more_does_not_close():
    text = "---\n" + VALID.removeprefix("---\n").replace("---\n", "---- \n---\n")

    rejected(text, "yaml_syntax")


def test_body_loses_leading_blank_lines_and_trailing_whitespace_only():
    article = parse_text(VALID + "\n  \n\n    indented code\n\nText  \n\n\t\n")

    assert article.body == "    indented code\n\nText"


@pytest.mark.parametrize("after", ["", "\n", "\n\n   \n"])
def test_a_missing_or_blank_body_is_the_empty_string(after):
    assert parse_text(VALID + after).body == ""


def test_the_closing_line_may_be_the_last_line_without_a_newline():
    assert parse_text(VALID.rstrip("\n")).body == ""


# -- 1.3 YAML: syntax and documents -------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        "broken: [1, 2",
        "broken: {a: 1",
        "  bad indentation: 1",
        "broken: 'unclosed",
        "broken: \x07",
        "broken: *undefined",
        "%YAML 1.1",
    ],
    ids=[
        "flow-seq",
        "flow-map",
        "indentation",
        "quote",
        "control-char",
        "undefined-alias",
        "directive",
    ],
)
def test_invalid_yaml_is_a_syntax_error(extra):
    error = rejected(VALID.removesuffix("---\n") + extra + "\n---\n", "yaml_syntax")
    assert error.line is not None


def test_a_syntax_error_reports_its_file_line():
    text = "---\ntitle: x\nwebUrl: [oops\nmore: 1\n---\n"

    error = rejected(text, "yaml_syntax")
    assert error.line in (3, 4, 5)


def test_an_unclosed_quote_is_reported_on_its_own_line_not_at_the_closing_rule():
    """libyaml's position of the quoted scalar, not the end of the front matter (issue #16)."""
    text = '---\ntitle: x\nexcerpt: "never closed\nwebUrl: https://example.com/a\nmore: 1\n---\nbody\n'

    error = rejected(text, "yaml_syntax")

    assert error.line == 3
    assert "starts on line 3" in error.message


def test_an_unclosed_flow_list_names_the_line_it_opens_on():
    text = "---\ntitle: x\ntopics: [a, b\n\n\n---\n"

    error = rejected(text, "yaml_syntax")

    assert error.line == 3


def test_two_documents_are_a_syntax_error():
    text = VALID.removesuffix("---\n") + "--- {second: document}\n---\n"

    rejected(text, "yaml_syntax")


def test_a_document_end_marker_alone_is_allowed():
    assert parse_text(VALID.removesuffix("---\n") + "...\n---\n").title == "A valid title"


# -- 1.3 YAML: tags -----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/object/new:os.system ['true']",
        "!!python/name:os.system",
        "!!python/tuple [1, 2]",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
        "!!merge <<",
        "!!value =",
        "!custom value",
        "! value",
        "!<tag:example.com,2000:thing> value",
        "!!str [not, a, scalar]",
        "!!int {a: 1}",
        "!!map [a]",
        "!!seq {a: 1}",
    ],
)
def test_tags_outside_the_allow_list_are_forbidden(value):
    rejected_fields("yaml_forbidden_tag", "secret", secret=value)


def test_a_forbidden_tag_reports_the_nested_field_path_and_line():
    images = "\n  - url: https://example.com/a.jpg\n  - url: https://example.com/b.jpg\n    note: !custom x"

    error = rejected_fields("yaml_forbidden_tag", "images[1].note", images=images)
    assert error.line == 9


def test_a_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    value = f"!!python/object/apply:os.system ['touch {marker}']"

    rejected_fields("yaml_forbidden_tag", "title", title=value)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("fields", "read", "expected"),
    [
        ({"title": "!!str 2021"}, lambda a: a.title, "2021"),
        ({"quality": '!!int "38"'}, lambda a: a.quality, 38),
        ({"published": '!!bool "yes"'}, lambda a: a.published, True),
        ({"category": '!!null ""'}, lambda a: a.category, None),
        ({"topics": "!!seq [a]"}, lambda a: a.topics, ("a",)),
        (
            {"publishedDateTime": '!!timestamp "2021-01-13"'},
            lambda a: a.published_at,
            dt.datetime(2021, 1, 13, tzinfo=dt.UTC),
        ),
        ({"rating": "!!float 1"}, lambda a: a.extra["rating"], 1.0),
        ({"meta": "!!map {a: 1}"}, lambda a: a.extra["meta"], {"a": 1}),
        ({"title": "!<tag:yaml.org,2002:str> verbatim"}, lambda a: a.title, "verbatim"),
    ],
    ids=["str", "int", "bool", "null", "seq", "timestamp", "float", "map", "verbatim"],
)
def test_the_allowed_tags_are_accepted(fields, read, expected):
    assert read(parse_fields(**fields)) == expected


# -- 1.3 YAML: duplicate keys and merge keys ----------------------------------


def test_a_duplicate_top_level_key_is_rejected():
    text = VALID.removesuffix("---\n") + "title: Again\n---\n"

    error = rejected(text, "yaml_duplicate_key", "title")
    assert error.line is not None


def test_a_quoted_and_a_plain_spelling_of_a_key_are_the_same_key():
    text = VALID.removesuffix("---\n") + '"title": Again\n---\n'

    rejected(text, "yaml_duplicate_key", "title")


def test_duplicate_keys_nested_in_images_are_rejected():
    images = "\n  - url: https://example.com/a.jpg\n    width: 10\n    width: 20"

    error = rejected_fields("yaml_duplicate_key", "images[0].width", images=images)
    assert error.line == 9  # the second "width"


def test_duplicate_keys_in_a_related_items_provider_are_rejected():
    related = (
        "\n  - title: R\n    webUrl: https://example.org/r\n"
        "    provider: {name: A, domain: a.com, name: B}"
    )

    rejected_fields("yaml_duplicate_key", "related[0].provider.name", related=related)


def test_duplicate_keys_in_an_unknown_key_are_rejected():
    rejected_fields("yaml_duplicate_key", "meta.a", meta="{a: 1, b: 2, a: 3}")


def test_merge_keys_do_not_count_as_duplicates_and_explicit_keys_win():
    article = parse_fields(
        defaults="&d {isCached: true, width: 100, height: 50}",
        images=(
            "\n  - <<: *d\n    url: https://example.com/a.jpg\n    width: 200"
            "\n  - <<: *d\n    url: https://example.com/b.jpg"
        ),
    )

    first, second = article.images
    assert (first.width, first.height, first.is_cached) == (200, 50, True)
    assert (second.width, second.height, second.is_cached) == (100, 50, True)


def test_a_list_of_merges_gives_precedence_to_the_first_mapping():
    article = parse_fields(
        a="&a {x: 1}",
        b="&b {x: 2, y: 2}",
        merged="\n  <<: [*a, *b]\n  z: 3",
    )

    assert article.extra["merged"] == {"x": 1, "y": 2, "z": 3}


def test_a_merge_can_supply_required_fields():
    article = parse_fields(
        title="&title The title",
        provider="\n  <<: {name: Example, domain: Example.COM}\n  name: *title",
    )

    assert (article.provider.name, article.provider.domain) == ("The title", "example.com")


def test_a_merge_of_a_scalar_is_a_syntax_error():
    rejected_fields("yaml_syntax", "meta.<<", meta="\n  <<: 3\n  a: 1")


def test_a_collection_used_as_a_key_is_a_syntax_error():
    text = VALID.removesuffix("---\n") + "? [a, b]\n: value\n---\n"

    rejected(text, "yaml_syntax")


# -- 1.3 YAML: limits ---------------------------------------------------------


def billion_laughs(levels=9):
    lines = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*l{level - 1}"] * 9)
        lines.append(f"lol{level}: &l{level} [{aliases}]")
    return "\n".join(lines)


def test_a_billion_laughs_alias_bomb_is_rejected_quickly():
    text = VALID.removesuffix("---\n") + billion_laughs() + "\n---\n"

    started = time.perf_counter()
    error = rejected(text, "yaml_limits", "lol4[1]")
    assert time.perf_counter() - started < 0.5
    assert "10,000" in error.message


def test_node_count_includes_alias_expansion():
    items = ", ".join(["x"] * 6000)
    once = parse_fields(big=f"&big [{items}]")
    assert len(once.extra["big"]) == 6000

    rejected_fields("yaml_limits", "twice", big=f"&big [{items}]", twice="*big")


def test_more_than_ten_thousand_nodes_without_aliases_is_rejected():
    rejected_fields("yaml_limits", "", big="[" + ", ".join(["x"] * 10_001) + "]")


def nested(depth):
    return "[" * depth + "]" * depth


def test_thirty_two_levels_of_nesting_are_allowed():
    # The root mapping is level 1, so the value can hold 31 nested lists.
    assert "deep" in parse_fields(deep=nested(31)).extra


def test_thirty_three_levels_of_nesting_are_rejected():
    error = rejected_fields("yaml_limits", "deep" + "[0]" * 31, deep=nested(32))
    assert error.line is not None


def test_a_thousand_levels_of_block_nesting_are_rejected():
    block = "".join("\n" + "  " * level + "- " for level in range(1, 1001)) + "x"

    rejected_fields("yaml_limits", "deep" + "[0]" * 31, deep=block)


def test_depth_counts_aliases_expanded():
    # The anchor is 16 lists deep; under 16 more lists and the root it is 33 levels.
    inner = "&inner " + nested(16)

    assert parse_fields(inner=inner, outer=nested(15).replace("[]", "[*inner]")).extra["outer"]
    outer = nested(16).replace("[]", "[*inner]")
    rejected_fields("yaml_limits", "outer" + "[0]" * 16, inner=inner, outer=outer)


@pytest.mark.parametrize(
    "value",
    ["&a [*a]", "&a {self: *a}", "&a {<<: *a}", "&a [[[*a]]]"],
    ids=["list", "mapping", "merge", "indirect"],
)
def test_a_self_referencing_anchor_is_a_limit_error_not_a_hang(value):
    rejected_fields("yaml_limits", "loop", loop=value)


PROJECT_ROOT = Path(__file__).resolve().parents[2]
BASE_FIELDS_YAML = "".join(f"{key}: {value}\\n" for key, value in BASE_FIELDS.items())


def test_a_300000_level_flow_sequence_is_rejected_without_crashing_the_process():
    # libyaml's composer segfaults on this; run it in a child so a crash fails the test
    # instead of killing the test run.
    script = (
        "from articles.importing.parsing import parse_article\n"
        "from articles.importing.errors import ArticleFileError\n"
        f"data = b'---\\n{BASE_FIELDS_YAML}deep: ' + b'[' * 300_000 + b'\\n---\\n'\n"
        "try:\n"
        "    parse_article(data)\n"
        "except ArticleFileError as error:\n"
        "    print(error.kind)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=PROJECT_ROOT
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yaml_limits"


# -- 1.3 YAML: the root -------------------------------------------------------


@pytest.mark.parametrize(
    "front",
    ["", "# only a comment\n", "null\n", "~\n", "{}\n", "- a\n- b\n", "just text\n", "42\n"],
    ids=["empty", "comment", "null", "tilde", "empty-mapping", "list", "scalar", "number"],
)
def test_the_front_matter_must_be_a_non_empty_mapping(front):
    rejected(f"---\n{front}---\n", "not_a_mapping")


# -- the loader ---------------------------------------------------------------

TRICKY_SCALARS = (
    "[yes, No, ON, off, y, n, ~, null, NULL, '', 1, -1, +1, 0x1F, 0o17, 017, 0b101, 1_000, 1:30,"
    " 3.10, .inf, -.Inf, .NaN, 1e3, 1.0e+3, 2021-01-13, 2021-1-3, 2021-01-13 10:00:00 +02:00,"
    " 2021-01-13t10:00:00Z, <<, =, '<<', !!str 5, \"x\", text, http://x.com, {a: 1}, [b]]"
)


def tags(node):
    """A node tree as nested (tag, value) pairs, to compare two loaders."""
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value)
    if isinstance(node, yaml.MappingNode):
        return (node.tag, [(tags(key), tags(value)) for key, value in node.value])
    return (node.tag, [tags(item) for item in node.value])


@pytest.mark.parametrize(
    "text", [TRICKY_SCALARS, *(path.read_text("utf-8") for path in SAMPLES[:5])]
)
def test_the_loader_resolves_tags_exactly_like_the_safe_loader(text):
    if text.startswith("---"):
        text = frontmatter.split_front_matter(text)[0]
    ours = frontmatter._Loader(text).get_single_node()
    stock = frontmatter._BaseLoader(text).get_single_node()

    assert tags(ours) == tags(stock)


# -- the pure-Python fallback -------------------------------------------------


@pytest.fixture
def pure_python_yaml(monkeypatch):
    monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)  # the stock pure-Python one
    monkeypatch.setattr(frontmatter, "LIBYAML", False)


def test_without_libyaml_every_sample_parses_the_same(pure_python_yaml):
    for path in SAMPLES[:10]:
        data = path.read_bytes()
        assert parse_text(data).title


@pytest.mark.parametrize(
    ("extra", "kind"),
    [
        (billion_laughs(), "yaml_limits"),
        ("deep: " + "[" * 1000, "yaml_limits"),
        ("loop: &a [*a]", "yaml_limits"),
        ("title: again", "yaml_duplicate_key"),
        ("x: !!python/name:os.system", "yaml_forbidden_tag"),
        ("x: [1, 2", "yaml_syntax"),
        ("x: \x07", "yaml_syntax"),
    ],
    ids=["alias-bomb", "deep", "self-reference", "duplicate", "python-tag", "syntax", "control"],
)
def test_without_libyaml_the_same_problems_are_found(pure_python_yaml, extra, kind):
    with pytest.raises(ArticleFileError) as caught:
        parse_text(VALID.removesuffix("---\n") + extra + "\n---\n")
    assert caught.value.kind == kind
