"""``manage.py import_articles``: what the person running an import sees."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ImportRun

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
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

    class QueueDown:
        def enqueue(self, *args):
            raise OverflowError("the task queue is unreachable")

    monkeypatch.setattr("stories.tasks.group_new_articles", QueueDown())

    code, out, err = run(str(write_article()))

    assert code == 1
    assert "queueing story grouping failed: OverflowError: the task queue is unreachable" in err
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


# -- only regular files are read (issue #16) -----------------------------------


def test_a_rejection_ends_with_a_command_error_not_system_exit(write_article):
    """call_command() callers get an exit status without catching SystemExit (issue #15)."""
    with pytest.raises(CommandError) as excinfo:
        call_command("import_articles", str(write_article(title=None)), stdout=StringIO(), stderr=StringIO())

    assert excinfo.value.returncode == 1


def test_links_and_special_files_are_skipped_with_the_reason(write_article, tmp_path):
    folder = write_article("in/good.md").parent
    outside = write_article("elsewhere/outside.md")
    (folder / "to-zero.md").symlink_to("/dev/zero")
    (folder / "to-passwd.md").symlink_to("/etc/passwd")
    (folder / "to-outside.md").symlink_to(outside)
    (folder / "linked-folder").symlink_to(outside.parent)
    os.mkfifo(folder / "pipe.md")
    report = tmp_path / "report.json"

    code, out, err = run("--report", str(report), str(folder))

    assert code == 0
    assert Article.objects.count() == 1
    assert "1 files: 1 created" in out and "5 skipped" in out
    entries = {Path(e["path"]).name: e for e in json.loads(report.read_text())}
    assert entries["good.md"]["outcome"] == "created"
    for name in ("to-zero.md", "to-passwd.md", "to-outside.md", "linked-folder"):
        assert (entries[name]["outcome"], entries[name]["reason"]) == (
            "skipped", "a symbolic link (links are not followed)"
        )
        assert f"{folder / name}: skipped: a symbolic link" in err
    assert entries["pipe.md"]["reason"] == "not a regular file (a named pipe)"
    assert "root:" not in report.read_text() + err
    assert not ImportRun.objects.get().rejections


def test_a_device_named_on_the_command_line_is_not_read():
    code, out, err = run("/dev/zero")

    assert code == 0
    assert "/dev/zero: skipped: not a regular file (a character device)" in err


def test_control_characters_in_names_are_printed_escaped(write_article):
    bad = write_article("evil\x1b]0;pwned\x07\x1b[2J.md", title=None)

    code, _, err = run(str(bad.parent), "-v", "2")

    assert code == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "evil\\x1b]0;pwned\\x07\\x1b[2J.md: missing_field at title" in err


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_a_rejection_starts_on_a_cleared_line_coloured_once(write_article):
    from articles.management.commands.import_articles import Command

    folder = write_article("a.md").parent
    write_article("b.md", title=None)
    write_article("c.md")
    terminal = _Terminal()
    command = Command(stdout=StringIO(), stderr=terminal, force_color=True)

    with pytest.raises(CommandError):
        call_command(command, str(folder))

    shown = terminal.getvalue()
    line = next(part for part in shown.split("\r") if "missing_field" in part)
    # The progress bar's line was erased first, and the colour is set once.
    assert line.startswith("\x1b[K\x1b[")
    assert line.count("\x1b[31") == 1 or line.count("\x1b[1;31") == 1
    assert shown.endswith("3/3 files\r\x1b[K")


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
