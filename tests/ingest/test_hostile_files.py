"""Hostile files pushed to the API get exactly the command's rejections (its --report entries)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.importing.frontmatter import MAX_FILE_SIZE
from articles.models import Article
from tests.conftest import article_text
from tests.importing.test_frontmatter import billion_laughs

from .conftest import post_multipart

pytestmark = pytest.mark.django_db

VALID = article_text(webUrl="https://example.com/hostile/base")

# The cases the importer's own tests use (tests/importing/): name -> file content.
HOSTILE = {
    "yaml_syntax.md": "---\ntitle: [unclosed\n---\n",
    "python_tag.md": "---\ntitle: !!python/object/apply:os.system ['true']\n---\n",
    "duplicate_key.md": VALID.replace("title:", "title: First\ntitle:", 1),
    "bad_date.md": article_text(publishedDateTime="2024-02-30T07:30:00Z"),
    "script_url.md": article_text(ampWebUrl="javascript:alert(1)"),
    "script_image.md": article_text(images=[{"url": "javascript:alert(1)"}]),
    "huge_field.md": article_text(webUrl="https://example.com/" + "a" * 5000),
    "alias_bomb.md": "---\n" + billion_laughs() + "\ntitle: x\n---\n",
    "nul_byte.md": "---\ntitle: Storm\x00closes\n---\n",
    "too_large.md": VALID + "x" * MAX_FILE_SIZE,
    "no_front_matter.md": "title: no delimiters\n",
    "not_utf8.md": b"---\ntitle: Caf\xe9\n---\n",
    "empty.md": b"",
    "blank.md": "\n   \n",
}


def command_report(folder, tmp_path):
    report = tmp_path / "report.json"
    try:
        call_command("import_articles", "--report", str(report), str(folder), stdout=StringIO(), stderr=StringIO())
    except CommandError:
        pass  # exit status 1: files were rejected, as intended
    return {entry["path"].rsplit("/", 1)[-1]: entry for entry in json.loads(report.read_text())}


def test_hostile_files_get_the_same_rejections_as_from_the_command(client, token, tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    for name, content in HOSTILE.items():
        (folder / name).write_bytes(content.encode() if isinstance(content, str) else content)
    from_command = command_report(folder, tmp_path)
    assert not Article.objects.exists()

    response = post_multipart(client, token, HOSTILE)

    assert response.status_code == 200
    from_api = {entry["path"]: entry for entry in response.json()["files"]}
    assert set(from_api) == set(HOSTILE) == set(from_command)
    for name in HOSTILE:
        api_entry = {k: v for k, v in from_api[name].items() if k != "path"}
        command_entry = {k: v for k, v in from_command[name].items() if k != "path"}
        assert api_entry["outcome"] == "rejected", name
        assert api_entry == command_entry, name
    assert not Article.objects.exists()
