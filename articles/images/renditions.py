"""The stored ``renditions`` of a picture, as code may read them.

``Image.renditions`` and the media library's ``Picture.renditions`` are JSON:
``[{"name", "width", "height", "format", "crop"?}, ...]``, written by
``processing.make_renditions``. A row may still hold anything (a hand edit, an
old release, a restored backup): ``valid`` keeps the entries of the right shape
and drops the rest, so no page, feed, API answer or admin screen fails on them.
"""

FORMATS = ("jpeg", "webp")


def valid(stored):
    """The well-formed entries of ``stored`` (any value); ``[]`` when there are none."""
    if not isinstance(stored, list):
        return []
    return [entry for entry in stored if _well_formed(entry)]


def _well_formed(entry):
    if not isinstance(entry, dict):
        return False
    name, width, height = entry.get("name"), entry.get("width"), entry.get("height")
    crop = entry.get("crop")
    return (
        isinstance(name, str) and bool(name)
        and _positive(width) and _positive(height)
        and entry.get("format") in FORMATS
        and (crop is None or isinstance(crop, str))
    )


def _positive(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
