"""The search index stays out of Django's data commands (search/routers.py)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_dumpdata_without_arguments_works_and_leaves_the_index_out(make_article):
    """On SQLite it died on search_document, PostgreSQL's table (issue #15)."""
    article = make_article(title="Harbour bridge reopens")
    out = StringIO()

    call_command("dumpdata", stdout=out)

    rows = json.loads(out.getvalue())
    assert {"model": "articles.article", "pk": article.pk} in [
        {"model": r["model"], "pk": r["pk"]} for r in rows
    ]
    assert not [r for r in rows if r["model"].startswith("search.") and r["model"].endswith("entry")]


def test_dumpdata_of_the_search_app_works_too():
    out = StringIO()

    call_command("dumpdata", "search", stdout=out)

    assert all(not r["model"].endswith("entry") for r in json.loads(out.getvalue()))
