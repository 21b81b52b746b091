"""Who may push, and how much: every refusal is a JSON 4xx and writes nothing."""


import pytest
from django.urls import reverse

from articles.models import Article, ImportRun
from ingest.models import ApiToken
from tests.conftest import article_text

from .conftest import URL, bearer, post_file, post_multipart, zipped

pytestmark = pytest.mark.django_db


def assert_refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]
    assert not Article.objects.exists() and not ImportRun.objects.exists()


def test_no_token_is_401_with_the_bearer_challenge(client, db):
    response = client.post(URL, data=article_text().encode(), content_type="text/markdown")

    assert_refused(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("presented", ["nr_000000000000_guess", "not-a-token", "nr_short_x"])
def test_an_unknown_token_is_401(client, token, presented):
    assert_refused(post_file(client, presented, article_text()), 401, "invalid_token")


def test_a_token_with_a_changed_secret_is_401(client, token):
    assert_refused(post_file(client, token[:-2] + "xx", article_text()), 401, "invalid_token")


def test_a_revoked_token_is_401(client, make_token):
    from django.utils import timezone

    record, plain = make_token()
    ApiToken.objects.filter(pk=record.pk).update(revoked_at=timezone.now())

    assert_refused(post_file(client, plain, article_text()), 401, "revoked_token")


def test_a_read_only_token_may_not_push(client, make_token):
    _, plain = make_token(scope_ingest=False, scope_read=True)

    assert_refused(post_file(client, plain, article_text()), 403, "wrong_scope")


def test_a_token_records_when_it_was_last_used(client, make_token):
    record, plain = make_token()

    post_file(client, plain, article_text())

    record.refresh_from_db()
    assert record.last_used_at is not None


def test_the_token_itself_is_never_stored(make_token):
    record, plain = make_token()

    row = ApiToken.objects.filter(pk=record.pk).values().get()
    assert all(plain not in str(value) for value in row.values())
    secret = plain.rsplit("_", 1)[1]
    assert all(secret not in str(value) for value in row.values())
    assert row["prefix"] in plain and record.matches(plain) and not record.matches(plain + "x")


def test_a_body_over_the_size_limit_is_413(client, token, settings):
    settings.INGEST_MAX_REQUEST_BYTES = 500

    response = post_file(client, token, article_text(body="x" * 600))

    assert_refused(response, 413, "too_large")
    assert "500" in response.json()["error"]["message"]


def test_a_multipart_body_over_the_size_limit_is_413(client, token, settings):
    settings.INGEST_MAX_REQUEST_BYTES = 1000

    response = post_multipart(client, token, {f"{n}.md": article_text(body="x" * 300) for n in range(3)})

    assert_refused(response, 413, "too_large")


def test_too_many_files_is_400(client, token, settings):
    settings.INGEST_MAX_FILES = 2
    archive = zipped({f"{n}.md": article_text(webUrl=f"https://example.com/many/{n}") for n in range(3)})

    response = post_file(client, token, archive, name="many.zip", content_type="application/zip")

    assert_refused(response, 400, "too_many_files")
    assert "at most 2" in response.json()["error"]["message"]


def test_too_many_multipart_parts_is_400(client, token, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2

    response = post_multipart(client, token, {f"{n}.md": article_text() for n in range(3)})

    assert_refused(response, 400, "too_many_files")


def test_requests_over_the_rate_limit_are_429_per_token(client, make_token, settings, monkeypatch):
    # Half-way through the minute window, however long the test takes.
    monkeypatch.setattr("newsroom.ratelimit.clock", lambda: 1_800_000_030.0)
    settings.INGEST_REQUESTS_PER_MINUTE = 2
    _, plain = make_token()
    _, other = make_token(name="Another partner")
    for n in range(2):
        assert post_file(client, plain, article_text(webUrl=f"https://example.com/rate/{n}")).status_code == 201
    written = ImportRun.objects.count()

    response = post_file(client, plain, article_text(webUrl="https://example.com/rate/late"))

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["Retry-After"] == "30"
    assert ImportRun.objects.count() == written
    assert not Article.objects.filter(web_url="https://example.com/rate/late").exists()
    # Another token has its own count.
    assert post_file(client, other, article_text(webUrl="https://example.com/rate/other")).status_code == 201


def test_a_missing_content_length_is_411(rf, token):
    from ingest.views import IngestView

    request = rf.post(URL, data=article_text().encode(), content_type="text/markdown", headers=bearer(token))
    del request.META["CONTENT_LENGTH"]

    response = IngestView.as_view()(request)
    response.render()

    assert response.status_code == 411
    assert not ImportRun.objects.exists()


# --- polling runs -----------------------------------------------------------


def test_a_token_polls_its_own_run(client, token):
    run_url = post_file(client, token, article_text()).json()["run"]

    response = client.get(run_url, headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "done"
    assert body["counts"] == {"seen": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 0}


def test_a_run_still_going_is_running(client, make_token):
    record, plain = make_token()
    run = ImportRun.objects.create(source="api", label=record.name, total=40, seen=15)
    record.runs.add(run)

    body = client.get(reverse("ingest:run", args=[run.pk]), headers=bearer(plain)).json()

    assert (body["state"], body["finished_at"]) == ("running", None)
    assert (body["total"], body["counts"]["seen"]) == (40, 15)


def test_a_token_cannot_see_another_tokens_run(client, make_token):
    _, mine = make_token()
    _, theirs = make_token(name="Other")
    run_url = post_file(client, theirs, article_text()).json()["run"]

    response = client.get(run_url, headers=bearer(mine))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_polling_needs_a_token(client, token):
    run_url = post_file(client, token, article_text()).json()["run"]

    assert client.get(run_url).status_code == 401


# --- large pushes are queued --------------------------------------------------


def test_a_push_over_the_synchronous_limit_is_queued_with_a_run_to_poll(client, make_token, settings):
    settings.INGEST_SYNC_MAX_FILES = 2
    record, plain = make_token()
    files = {f"{n}.md": article_text(webUrl=f"https://example.com/queued/{n}") for n in range(3)}

    response = post_multipart(client, plain, files)

    assert response.status_code == 202
    run_url = response.json()["run"]
    assert response["Location"] == run_url
    run = record.runs.get()
    assert (run.source, run.label) == ("api", record.name)
    # Tests run tasks at once (ImmediateBackend), so the run is over when polled.
    body = client.get(run_url, headers=bearer(plain)).json()
    assert body["counts"]["created"] == 3


def test_a_token_in_a_log_line_is_redacted(make_token):
    from newsroom.logging import redact

    _, plain = make_token()
    # nr_<prefix>_<secret>; the secret itself may contain "_".
    secret = plain.removeprefix("nr_").partition("_")[2]

    for line in (f"refused {plain} at once", f"Authorization: Bearer {plain}", f"header 'Bearer {plain}'"):
        assert plain not in redact(line)
        assert secret not in redact(line)


def test_the_read_api_throttle_limits_read_tokens_by_their_own_rate(make_token, settings, monkeypatch):
    """``ReadTokenRateThrottle`` is for the read API: a read-scope token gets its own limit."""
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    from ingest.authentication import TokenAuthentication
    from ingest.throttling import ReadTokenRateThrottle

    class Listing(APIView):
        authentication_classes = [TokenAuthentication]
        permission_classes = []
        throttle_classes = [ReadTokenRateThrottle]

        def get(self, request):
            return Response({"ok": True})

    settings.API_READ_TOKEN_REQUESTS_PER_MINUTE = 2
    monkeypatch.setattr("newsroom.ratelimit.clock", lambda: 1_800_000_030.0)
    _, reader = make_token(scope_ingest=False, scope_read=True)
    _, pusher = make_token(scope_ingest=True, scope_read=False)
    factory = APIRequestFactory()

    def status_of(plain=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {plain}"} if plain else {}
        return Listing.as_view()(factory.get("/api/v1/articles/", **headers)).status_code

    assert [status_of(reader) for _ in range(3)] == [200, 200, 429]
    # Not a read token, or no token: left to the read API's anonymous limit.
    assert [status_of(pusher) for _ in range(3)] == [200, 200, 200]
    assert [status_of() for _ in range(3)] == [200, 200, 200]
