"""Builders for the article-file parser tests.

Field values are written as raw YAML text, so each test decides the quoting:
``parse_fields(title="yes")`` writes ``title: yes`` (a YAML boolean read as the
text "yes"), ``parse_fields(quality='"38"')`` writes a quoted string.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from articles.importing.errors import ArticleFileError
from articles.importing.parsing import parse_article

# The sample corpus ships with the project as its demo data.
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "fixtures"
SAMPLES = sorted(SAMPLE_DIR.glob("*.md"))

# The smallest valid article: the four required fields.
BASE_FIELDS = {
    "title": "A valid title",
    "webUrl": "https://example.com/news/1",
    "publishedDateTime": "2021-01-13T00:17:00Z",
    "provider": "{name: Example News, domain: example.com}",
}


def front_matter(body="", **fields):
    """A whole article file: ``BASE_FIELDS`` updated with ``fields`` (None drops a key).

    A value starting with a newline is a block (``images="\\n  - url: ..."``).
    """
    merged = {**BASE_FIELDS, **fields}
    lines = [
        f"{key}:{value}" if value.startswith("\n") else f"{key}: {value}"
        for key, value in merged.items()
        if value is not None
    ]
    text = "---\n" + "\n".join(lines) + "\n---\n"
    return f"{text}\n{body}\n" if body else text


def parse_text(text):
    """Parse a whole file given as text (UTF-8) or bytes."""
    return parse_article(text.encode("utf-8") if isinstance(text, str) else text)


def parse_fields(body="", **fields):
    """Parse ``front_matter(body, **fields)``."""
    return parse_text(front_matter(body, **fields))


def rejected(text, kind, field=""):
    """Assert the file is rejected with ``kind`` at ``field``; return the error."""
    with pytest.raises(ArticleFileError) as caught:
        parse_text(text)
    error = caught.value
    assert (error.kind, error.field) == (kind, field), error
    return error


def rejected_fields(kind, field, **fields):
    """Assert ``front_matter(**fields)`` is rejected with ``kind`` at ``field``."""
    return rejected(front_matter(**fields), kind, field)


GENERATOR = SAMPLE_DIR.parents[1] / "tools" / "gen_corpus.py"


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory):
    """150 files from the shared deterministic generator (all valid by construction)."""
    if not GENERATOR.exists():
        pytest.skip("shared/tools/gen_corpus.py is not available")
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [
            sys.executable,
            str(GENERATOR),
            "--count",
            "150",
            "--out",
            str(out),
            "--seed",
            "7",
            "--jobs",
            "1",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return sorted(out.glob("*.md"))
