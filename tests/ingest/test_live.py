"""The endpoints over real HTTP against a live server, as a partner's client calls them.

Plain ``http.client`` from the standard library: nothing between the test and
the wire (a chunked body, with no Content-Length, is sent as it would be).
"""

import json
import uuid
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest

from articles.models import Article
from ingest.models import ApiToken
from tests.conftest import article_text

from .conftest import zipped

pytestmark = pytest.mark.django_db(transaction=True)


class Partner:
    """A client holding a token: ``post``/``get`` return ``(status, headers, json)``."""

    def __init__(self, base_url, token):
        self.netloc = urlsplit(base_url).netloc
        self.auth = {"Authorization": f"Bearer {token}"}

    def request(self, method, path, body=None, headers=None, chunked=False):
        connection = HTTPConnection(self.netloc, timeout=30)
        try:
            connection.request(
                method, path, body=body, headers={**self.auth, **(headers or {})}, encode_chunked=chunked
            )
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), json.loads(response.read() or b"null")
        finally:
            connection.close()

    def post(self, path, body, **options):
        return self.request("POST", path, body, **options)

    def get(self, url):
        return self.request("GET", urlsplit(url).path)


@pytest.fixture
def partner(live_server):
    record = ApiToken(name="Live partner")
    plain = record.issue()
    record.save()
    return Partner(live_server.url, plain)


def multipart(files):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: text/markdown\r\n\r\n{text}\r\n"
        for name, text in files.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_push_a_zip_then_poll_its_run(partner):
    archive = zipped({f"{n}.md": article_text(webUrl=f"https://example.com/live/{n}") for n in range(3)})

    status, _, body = partner.post(
        "/api/v1/ingest/", archive,
        headers={"Content-Type": "application/zip", "Content-Disposition": 'attachment; filename="news.zip"'},
    )

    assert status == 201
    assert [e["outcome"] for e in body["files"]] == ["created"] * 3
    status, _, run = partner.get(body["run"])
    assert status == 200
    assert (run["state"], run["counts"]["created"]) == ("done", 3)
    assert Article.objects.count() == 3


def test_multipart_files_over_http(partner):
    body, headers = multipart({f"{n}.md": article_text(webUrl=f"https://example.com/mp/{n}") for n in range(2)})

    status, _, answer = partner.post("/api/v1/ingest/", body, headers=headers)

    assert status == 201
    assert sorted(e["path"] for e in answer["files"]) == ["0.md", "1.md"]


def test_a_body_without_a_length_is_refused_unread(partner):
    status, _, answer = partner.post(
        "/api/v1/ingest/", iter([article_text().encode()]), headers={"Content-Type": "text/markdown"},
        chunked=True,
    )

    assert status == 411
    assert answer["error"]["code"] == "length_required"
    assert not Article.objects.exists()


def test_an_oversized_body_is_refused_before_any_of_it_is_read(partner):
    """Only the headers are sent: a server that read the body would wait for it, not answer."""
    connection = HTTPConnection(partner.netloc, timeout=30)
    try:
        connection.putrequest("POST", "/api/v1/ingest/")
        for name, value in {**partner.auth, "Content-Type": "application/zip",
                            "Content-Length": str(10**12)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        connection.close()

    assert status == 413
    assert answer["error"]["code"] == "too_large"
    assert not Article.objects.exists()
