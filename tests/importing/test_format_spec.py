"""docs/format.md, the file-format contract, says what the importer really does.

Producers write files from that document, so it must not drift from the code:
every error kind the code raises is documented there (and no other), the worked
example imports and exports as shown, and the example messages are the lines
the importer prints.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml
from django.db import connection

from articles.exporting import front_matter_file
from articles.importing.errors import KINDS, ArticleFileError
from articles.importing.loader import Source, import_sources
from articles.importing.parsing import parse_article
from articles.models import Article
from providers.models import Provider

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "format.md"
EXAMPLE_PATH = "example.md"

# The examples the document can only describe in words (bytes a code block cannot show),
# in the order of their messages in the kind's section.
DESCRIBED_FILES = {
    "too_large": [b"---\n" + b"x" * 1_048_573],
    "encoding": [
        b"---\ntitle: Caf\xe9 reopens\n---\n",
        "---\ntitle: Storm\n---\n".encode("utf-16"),
    ],
    "nul_byte": [b"---\ntitle: Storm\x00closes schools\n---\n"],
    "empty_file": [b"\n   \n"],
}

_HEADING = re.compile(r"^(#{2,3}) (.+)$", re.MULTILINE)
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_KIND_HEADING = re.compile(r"^`(\w+)`$")
_TABLE_KIND = re.compile(r"^\| `(\w+)` \|", re.MULTILINE)


def sections(text, level):
    """``{heading: body}`` for the headings of ``level`` (2 for ``##``, 3 for ``###``)."""
    found = {}
    matches = list(_HEADING.finditer(text))
    for index, match in enumerate(matches):
        if len(match[1]) != level:
            continue
        end = len(text)
        for later in matches[index + 1 :]:
            if len(later[1]) <= level:
                end = later.start()
                break
        found[match[2]] = text[match.end() : end]
    return found


def section(title_word):
    """The body of the ``##`` section whose heading ends with ``title_word``."""
    text = SPEC.read_text(encoding="utf-8")
    matching = [body for heading, body in sections(text, 2).items() if heading.endswith(title_word)]
    assert len(matching) == 1, f"docs/format.md needs one '## … {title_word}' section"
    return matching[0]


def kind_sections():
    """``{kind: body}`` for every ``### `kind``` heading of the Errors section."""
    found = {}
    for heading, body in sections(section("Errors"), 3).items():
        match = _KIND_HEADING.match(heading)
        if match:
            found[match[1]] = body
    return found


def blocks(text):
    """``(info string, content)`` of every fenced code block in ``text``, in order."""
    return [(match[1], match[2]) for match in _FENCE.finditer(text)]


def printed(data):
    """The report line the importer prints for the file ``data``."""
    with pytest.raises(ArticleFileError) as caught:
        parse_article(data, path=EXAMPLE_PATH)
    return str(caught.value)


def raised_kinds():
    """Every kind the code under ``articles/`` names where it raises a file error.

    Kinds are the whitespace-free string constants passed to the helpers that
    build an ``ArticleFileError`` (messages have spaces, fields are paths).
    """
    builders = {"ArticleFileError", "_Invalid", "_fail", "_event_error"}
    kinds = set()
    for path in (ROOT / "articles").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in builders:
                kinds.update(
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and re.fullmatch(r"[a-z]+(?:_[a-z]+)*", arg.value)
                )
    return kinds


# -- error kinds --------------------------------------------------------------


def test_the_kinds_list_is_exactly_what_the_importer_raises():
    assert raised_kinds() == set(KINDS)


def test_every_error_kind_has_its_own_section_in_the_spec():
    assert set(KINDS) - set(kind_sections()) == set()


def test_every_error_kind_is_in_the_spec_summary_table():
    assert set(KINDS) - set(_TABLE_KIND.findall(section("Errors"))) == set()


def test_the_spec_names_no_error_kind_the_importer_lacks():
    named = set(kind_sections()) | set(_TABLE_KIND.findall(section("Errors")))

    assert named - set(KINDS) == set()


@pytest.mark.parametrize("kind", KINDS)
def test_the_spec_example_messages_are_what_the_importer_prints(kind):
    """Each ```yaml file of a kind's section is followed by the ```text lines it prints."""
    documented, real = [], []
    current_file = None
    body = kind_sections().get(kind)
    assert body is not None, f"docs/format.md has no section for {kind}"
    for info, content in blocks(body):
        if info == "yaml":
            current_file = content.encode("utf-8")
        elif info == "text":
            if current_file is not None:
                real.append(printed(current_file))
                current_file = None
            documented.extend(content.splitlines())
    if not real:
        real = [printed(data) for data in DESCRIBED_FILES[kind]]

    assert documented, f"docs/format.md shows no example message for {kind}"
    assert documented == real
    assert all(line.startswith(f"{EXAMPLE_PATH}: {kind} at ") for line in real)


# -- the worked example -------------------------------------------------------


def worked_example():
    """The file and its export, the two ```yaml blocks of the Worked example section."""
    files = [content for info, content in blocks(section("Worked example")) if info == "yaml"]
    assert len(files) == 2, "the worked example needs a file and its export"
    return files[0].encode("utf-8"), files[1]


def test_the_worked_example_and_its_export_are_the_same_article():
    source, exported = worked_example()

    assert parse_article(exported.encode("utf-8")) == parse_article(source)


@pytest.mark.django_db
def test_the_worked_example_imports_and_exports_as_the_spec_says():
    source, exported = worked_example()

    result = import_sources([Source.from_bytes(EXAMPLE_PATH, source)])

    assert (result.created, result.rejected) == (1, 0)
    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED
    topics = [link.tag.name for link in article.tagged_topics.order_by("pk")]
    assert topics == ["Weather", "Schools and colleges"]
    assert list(Provider.objects.values_list("domain", "name")) == [
        ("news.example.com", "Example News")
    ]
    written = front_matter_file(article)
    assert as_data(written) == as_data(exported)
    if connection.vendor == "sqlite":  # PostgreSQL's jsonb does not keep the order of keys
        assert written == exported


def as_data(text):
    """A file's front matter as plain data (key order aside) and its body."""
    front, body = text.removeprefix("---\n").split("\n---\n", 1)
    return yaml.safe_load(front), body
