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


def test_a_killed_article_is_reported_unchanged_with_the_reason(write_article, tmp_path):
    path = write_article(webUrl="https://example.com/killed")
    run(str(path))
    Article.objects.update(status=Article.Status.KILLED)
    write_article(path.name, title="Rewritten", webUrl="https://example.com/killed")
    report = tmp_path / "report.json"

    code, out, _ = run("-v", "2", "--report", str(report), str(path))

    assert code == 0
    assert f"{path}: unchanged (killed: a killed article is frozen" in out
    assert "0 updated, 1 unchanged (1 of them killed: left as it is)" in out
    [entry] = json.loads(report.read_text())
    assert (entry["outcome"], entry["reason"][:6]) == ("unchanged", "killed")
    assert Article.objects.get().title != "Rewritten"
