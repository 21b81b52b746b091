"""The admin's Tasks page: what is queued, running and failed, without secrets; retry and cancel."""

import pytest
from django_tasks_db.models import DBTaskResult

from tasks.worker import check_library
from tests.articles.roles import make_user

from . import jobs

PAGE = "/admin/tasks/task/"


@pytest.fixture
def signed_in(client, queue):
    def sign_in(role):
        client.force_login(make_user(role))
        return client

    return sign_in


def test_the_page_lists_tasks_with_their_arguments_but_never_a_secret(signed_in):
    jobs.wait_for_file.enqueue("/tmp/<b>report</b>.txt", token="s3cr3t-value")
    jobs.needs_file.enqueue({"api_key": "abc123", "path": "/srv/feed.xml"})

    page = signed_in("publisher").get(PAGE).content.decode()

    assert "wait_for_file" in page and "needs_file" in page
    assert "s3cr3t-value" not in page and "abc123" not in page
    assert "token=[redacted]" in page and "/srv/feed.xml" in page
    assert "<b>report</b>" not in page and "&lt;b&gt;report&lt;/b&gt;" in page


def test_a_token_passed_as_plain_text_is_hidden_in_arguments_and_errors(signed_in):
    token = "nr_0123456789ab_" + "S" * 43
    failed = DBTaskResult.objects.get(id=jobs.wait_for_file.enqueue(f"https://feeds.example/?t={token}").id)
    failed.set_failed(ValueError(f"refused: Authorization: Bearer {token}"))
    client = signed_in("publisher")

    page = client.get(PAGE).content.decode()
    detail = client.get(f"{PAGE}{failed.id}/change/").content.decode()

    for shown in (page, detail):
        assert "S" * 43 not in shown
    assert "[redacted]" in page and "[redacted]" in detail


def test_failed_tasks_show_their_error_and_filter_by_status(signed_in):
    failed = DBTaskResult.objects.get(id=jobs.explode.enqueue().id)
    failed.set_failed(ValueError("bad picture URL: htp://nowhere"))
    jobs.nothing.enqueue()
    client = signed_in("publisher")

    page = client.get(PAGE, {"status__exact": "FAILED"}).content.decode()
    assert "bad picture URL: htp://nowhere" in page
    assert "explode" in page and "nothing" not in page

    detail = client.get(f"{PAGE}{failed.id}/change/").content.decode()
    assert "ValueError: bad picture URL" in detail


def test_a_publisher_cancels_queued_tasks_but_not_finished_ones(signed_in):
    queued = jobs.nothing.enqueue()
    done = DBTaskResult.objects.get(id=jobs.nothing.enqueue().id)
    done.set_successful("done")
    client = signed_in("publisher")

    response = client.post(PAGE, {"action": "cancel", "_selected_action": [queued.id, done.id]}, follow=True)

    assert "1 queued task(s) cancelled" in response.content.decode()
    cancelled = DBTaskResult.objects.get(id=queued.id)
    assert cancelled.status == "FAILED" and "Cancelled by publisher" in cancelled.traceback
    assert DBTaskResult.objects.get(id=done.id).status == "SUCCESSFUL"


def test_staff_who_may_only_look_cannot_retry_or_cancel(client, queue):
    from django.contrib.auth.models import Permission

    viewer = make_user("staff")
    viewer.user_permissions.add(Permission.objects.get(content_type__app_label="tasks", codename="view_task"))
    client.force_login(viewer)
    queued = jobs.nothing.enqueue()

    page = client.get(PAGE)
    assert page.status_code == 200 and 'value="cancel"' not in page.content.decode()
    client.post(PAGE, {"action": "cancel", "_selected_action": [queued.id]})

    assert DBTaskResult.objects.get(id=queued.id).status == "READY"


def test_nobody_edits_or_deletes_a_task_here(signed_in):
    queued = jobs.nothing.enqueue()
    client = signed_in("superuser")
    assert client.get(f"{PAGE}{queued.id}/delete/").status_code == 403
    assert client.post(f"{PAGE}{queued.id}/change/", {"status": "SUCCESSFUL"}).status_code == 403
    assert DBTaskResult.objects.get(id=queued.id).status == "READY"


def test_the_worker_finds_what_it_relies_on_in_django_tasks_db():
    check_library()  # raises ImproperlyConfigured naming what is missing


def test_a_changed_django_tasks_db_stops_the_worker_with_a_clear_message(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured
    from django_tasks_db.management.commands import db_worker

    class OlderWorker:
        def __init__(self, *, queue_names, interval):
            pass

        def run(self):
            pass

    monkeypatch.setattr(db_worker, "Worker", OlderWorker)
    with pytest.raises(ImproperlyConfigured, match=r"Worker\.run_task\(\).*Worker\(batch=\.\.\.\)"):
        check_library()
