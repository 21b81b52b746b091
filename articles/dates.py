"""The dates the site accepts, and the dates it can always show, decided in one place.

Python's ``datetime`` ends at the years 1 and 9999. Showing an instant means
converting it to ``TIME_ZONE`` (templates, feeds, sitemaps, JSON-LD and the
admin all do), and near either end that conversion overflows: 9999-12-31
23:59 UTC is already the year 10000 in Tokyo. So there are two ranges:

- what a writer may *set* (the importer, the admin form): a publication date
  from ``EARLIEST`` to ``FUTURE_SKEW`` after now. A date further ahead is
  wrong data, not a plan (scheduling is ``go_live_at``), and since lists are
  newest first it would pin the article on top of every list and feed until
  that day came; rejecting it makes the provider fix it, and the same file
  imports on a later run once its time has come.
- what a reader may be *shown*: any stored value, clamped into
  ``SHOWABLE_MIN`` .. ``SHOWABLE_MAX`` on the way out of the database, so a
  row written by the shell or an old import never breaks a page.

Pure Python: the importer's parser imports it in worker processes.
"""

from datetime import UTC, datetime, timedelta

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(hours=1)

# Two days inside datetime's own ends: wider than any UTC offset (±26 h at
# most), so converting to a local time, or stepping to the next day, cannot fail.
_MARGIN = timedelta(days=2)
SHOWABLE_MIN = datetime.min.replace(tzinfo=UTC) + _MARGIN
SHOWABLE_MAX = datetime.max.replace(tzinfo=UTC) - _MARGIN


# Years a calendar page (the archive, the admin's date drill-down) may show:
# four digits, as their URLs have, and a following year that exists, so the
# year's bounds are valid instants in every time zone.
CALENDAR_YEARS = range(1000, 9999)
# Articles outside these instants are left out of calendar listings, so every
# month they list falls in ``CALENDAR_YEARS``, in any time zone.
CALENDAR_FIRST = datetime(1000, 1, 2, tzinfo=UTC)
CALENDAR_LAST = datetime(9998, 12, 30, tzinfo=UTC)


def publication_problem(value: datetime, now: datetime) -> str | None:
    """Why ``value`` cannot be an article's publication date at ``now``, or None."""
    if value < EARLIEST:
        return f"must be {EARLIEST:%Y-%m-%d} or later"
    if value > now + FUTURE_SKEW:
        hours = FUTURE_SKEW // timedelta(hours=1)
        return (
            f"is in the future; at most {hours} hour{'s' if hours != 1 else ''} "
            "ahead of now is accepted (schedule a go-live time instead)"
        )
    return None


def showable(value):
    """``value`` (an aware or naive datetime, or None) clamped into the range every page can show."""
    if value is None:
        return None
    low, high = SHOWABLE_MIN, SHOWABLE_MAX
    if value.tzinfo is None:
        low, high = low.replace(tzinfo=None), high.replace(tzinfo=None)
    if value < low:
        return low
    if value > high:
        return high
    return value


def shifted(value: datetime, delta: timedelta) -> datetime:
    """``value + delta``, stopping at datetime's own ends instead of overflowing (for ranges)."""
    try:
        return value + delta
    except OverflowError:
        edge = datetime.max if delta > timedelta(0) else datetime.min
        return edge.replace(tzinfo=value.tzinfo)
