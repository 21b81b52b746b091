"""Every management command: usage errors and endings are one line, never a traceback (issue #15)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "args",
    [
        ("cache_images", "--limit", "-1"),
        ("cache_images", "--article", "-5"),
        ("prune_images", "--keep-hours", "-3"),
        ("prune_images", "--keep-hours", "nan"),
        ("build_stories", "--window-hours", "-1"),
    ],
)
def test_a_negative_number_is_a_usage_error(args):
    with pytest.raises(CommandError) as excinfo:
        call_command(*args, stdout=StringIO(), stderr=StringIO())

    assert "must be a number of at least" in str(excinfo.value)


def test_an_unknown_database_is_one_clear_line():
    with pytest.raises(CommandError) as excinfo:
        call_command("rebuild_search_index", "--database", "nonexistent", stdout=StringIO())

    assert excinfo.value.returncode == 2
    assert "no database 'nonexistent'" in str(excinfo.value)


class _ClosedPipe(StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_an_export_whose_reader_goes_away_ends_with_one_line(make_article):
    """``export_articles - | head`` (issue #15)."""
    make_article()

    with pytest.raises(CommandError) as excinfo:
        call_command("export_articles", "-", "--format", "jsonl", stdout=_ClosedPipe())

    assert excinfo.value.returncode == 1
    assert "broken pipe" in str(excinfo.value)
