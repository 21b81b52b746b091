"""The importer's bulk writer: COPY on a verified psycopg, INSERTs otherwise, the same rows."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from articles import bulk
from articles.models import Image

pytestmark = pytest.mark.django_db

FIELDS = ["article", "position", "url", "width", "title", "extra", "renditions", "cached_at", "is_cached", "file"]


def rows_for(article, tag):
    return [
        (article.pk, n, f"https://img.example/{tag}/{n}.jpg", 640 + n, f"Ünïcode «title» {n}\ttab",
         {"credit": "Agency", "n": n, "nested": [1, None, "x"]}, None if n else {"w640": "a.webp"},
         datetime(2024, 5, 1, 10, n, tzinfo=UTC), bool(n % 2), "")
        for n in range(3)
    ]


def stored(tag):
    images = Image.objects.filter(url__contains=f"/{tag}/").order_by("position")
    return [tuple(getattr(image, f"{name}_id" if name == "article" else name) for name in FIELDS)
            for image in images]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_inserts_write_the_same_rows(make_article, monkeypatch, django_assert_num_queries):
    assert bulk.copy_supported(connection)  # this CI's psycopg is a verified one

    rows = rows_for(make_article(), "copy")
    with django_assert_num_queries(1):  # one COPY for every row
        bulk.insert_rows(Image, FIELDS, rows)
    monkeypatch.setattr(bulk, "COPY_VERIFIED_ON", ())
    bulk.insert_rows(Image, FIELDS, rows_for(make_article(), "insert"))

    # Every column but the article and the URL, which differ on purpose.
    copied, inserted = ([row[1:2] + row[3:] for row in stored(tag)] for tag in ("copy", "insert"))
    assert len(copied) == 3
    assert copied == inserted


def test_an_unverified_psycopg_release_takes_the_insert_path(monkeypatch, make_article):
    monkeypatch.setattr(bulk, "COPY_VERIFIED_ON", ())

    assert not bulk.copy_supported(connection)
    article = make_article()
    bulk.insert_rows(Image, FIELDS, rows_for(article, "plain"))
    assert [row[1] for row in stored("plain")] == [0, 1, 2]
