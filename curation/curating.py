"""What the curation screen's form asks for, as plain data: order numbers, end times, unpins.

Pure functions under the thin view (``curation.views``): ``plan`` reads the
submitted values for a page's pins and answers what to change, or why not.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

# What a datetime-local input sends.
_INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass
class Plan:
    """Changes for a page's pins: new positions, new end times, pins to remove; or errors."""

    positions: dict = field(default_factory=dict)  # pin -> new position
    ends: dict = field(default_factory=dict)  # pin -> new ends_at (None clears it)
    unpin: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def messages_for(self, pin):
        """What changed on ``pin``, for the audit trail."""
        said = []
        if pin in self.positions:
            said.append(f"Moved to place {self.positions[pin] + 1}.")
        if pin in self.ends:
            end = self.ends[pin]
            said.append(f"Ends {timezone.localtime(end):%Y-%m-%d %H:%M %Z}." if end else "End time cleared.")
        return " ".join(said)


def parse_end(value):
    """An end time typed into the form (local time), None for empty; ValueError if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in _INPUT_FORMATS:
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return timezone.make_aware(moment)
    raise ValueError(value)


def _order_number(value):
    number = int((value or "").strip())
    if not 0 < number < 10_000:
        raise ValueError(value)
    return number


def plan(pins, data):
    """Read ``data`` (the POST) for ``pins`` (in their current order).

    ``order-<id>``: the pin's place (1 first; ties keep the current order),
    ``ends-<id>``: its end time (empty: none), ``unpin-<id>``: remove it.
    A pin the form does not mention is left as it is.
    """
    result = Plan()
    keyed = []
    for index, pin in enumerate(pins):
        if data.get(f"unpin-{pin.pk}"):
            result.unpin.append(pin)
            continue
        raw = data.get(f"order-{pin.pk}")
        try:
            number = _order_number(raw) if raw is not None else index + 1
        except ValueError:
            result.errors.append(f"“{pin.article.title}”: the order must be a whole number from 1.")
            number = index + 1
        keyed.append((number, index, pin))
        if f"ends-{pin.pk}" in data:
            try:
                end = parse_end(data.get(f"ends-{pin.pk}"))
            except ValueError:
                result.errors.append(f"“{pin.article.title}”: the end time is not a date and time.")
                continue
            if end is not None and pin.starts_at and end <= pin.starts_at:
                result.errors.append(f"“{pin.article.title}”: the end must be after the start.")
            elif end != pin.ends_at:
                result.ends[pin] = end
    for position, (_, _, pin) in enumerate(sorted(keyed, key=lambda row: row[:2])):
        if pin.position != position:
            result.positions[pin] = position
    return result
