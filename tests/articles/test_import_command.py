"""``manage.py import_articles``: what the person running an import sees."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


def test_a_clean_run_exits_0_with_a_summary(write_article):
    code, out, err = run(str(write_article()), str(write_article()))

    assert code == 0
    assert "2 files: 2 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "files/s" in out
    assert err == ""


def test_a_rejected_file_is_reported_and_exits_1(write_article):
    good = write_article()
    bad = write_article(images=[{"url": "https://e.example/i.jpg", "width": 0}])

    code, out, err = run(str(good), str(bad))

    assert code == 1
    assert f"{bad}: invalid_value at images[0].width" in err
    assert "1 created" in out and "1 rejected" in out
    assert Article.objects.count() == 1


def test_a_missing_path_is_a_usage_error_with_status_2(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", str(tmp_path / "nope"), stdout=StringIO())

    assert excinfo.value.returncode == 2


def test_dry_run_reports_but_writes_nothing(write_article):
    code, out, _ = run("--dry-run", str(write_article()))

    assert code == 0
    assert out.startswith("Dry run: 1 files: would be 1 created")
    assert not Article.objects.exists()


def test_report_has_one_entry_per_file(write_article, tmp_path):
    good, bad = write_article("good.md"), write_article("bad.md", publishedDateTime="yesterday")
    report = tmp_path / "report.json"

    run("--report", str(report), str(good), str(bad))

    entries = {e["path"]: e for e in json.loads(report.read_text())}
    assert entries[str(good)]["outcome"] == "created"
    assert entries[str(good)]["article_id"] == Article.objects.get().pk
    assert entries[str(bad)]["outcome"] == "rejected"
    assert (entries[str(bad)]["kind"], entries[str(bad)]["field"]) == ("invalid_value", "publishedDateTime")


def test_verbosity_0_prints_only_errors_and_the_summary(write_article):
    code, out, err = run("-v", "0", str(write_article()), str(write_article(title=None)))

    assert code == 1
    assert out.count("\n") == 1 and "1 rejected" in out
    assert "missing_field at title" in err


def test_verbosity_2_lists_every_file(write_article):
    path = write_article()
    run(str(path))

    _, out, _ = run("-v", "2", str(path))

    assert f"{path}: unchanged" in out


def test_a_step_failing_after_the_writes_is_reported_recorded_and_exits_1(write_article, monkeypatch):
    """The files stay imported; the run is recorded with the failure instead of crashing."""
    from articles.models import ImportRun

    def broken(web_urls):
        raise OverflowError("date value out of range")

    monkeypatch.setattr("articles.importing.loader.assign_stories", broken)

    code, out, err = run(str(write_article()))

    assert code == 1
    assert "grouping stories failed: OverflowError: date value out of range" in err
    assert "1 created" in out
    assert Article.objects.count() == 1
    run_row = ImportRun.objects.get()
    assert run_row.created == 1
    assert [r["kind"] for r in run_row.rejections] == ["step_failed"]


def test_failing_to_record_the_run_is_reported_not_raised(write_article, monkeypatch):
    def broken(run, result):
        raise RuntimeError("disk full")

    monkeypatch.setattr("articles.importing.loader._record_run", broken)

    code, out, err = run(str(write_article()))

    assert code == 1
    assert "recording the run failed: RuntimeError: disk full" in err
    assert Article.objects.count() == 1
