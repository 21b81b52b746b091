"""Keep our own copy of each article image: fetch, clean, resize, store, record.

Files go through Django's storage API (``default_storage``: ``MEDIA_ROOT`` by
default, S3 or any django-storages backend in production). Their names are
derived from the image's URL (or an upload's content) with a keyed hash, so
they cannot be guessed from a provider's URL, and a run that is killed and
started again writes the same names rather than new copies. The files are
written before the row is saved: a row that says "cached" always has them.
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from ..models import Image
from . import fetching, processing
from .errors import ImageRejected

# Failed fetches wait 1 h, 4 h, 16 h, 64 h... (at most a week) before the next
# try, and stop being tried after MAX_ATTEMPTS unless asked (--retry-failed).
RETRY_BASE = timedelta(hours=1)
RETRY_FACTOR = 4
RETRY_MAX = timedelta(days=7)
MAX_ATTEMPTS = 6
BATCH_SIZE = 100
CACHE_FIELDS = [
    "file", "renditions", "width", "height", "cached_at", "fetch_attempts", "fetch_error",
    "last_attempt_at", "next_attempt_at",
]


def fetch_policy():
    """The fetch limits, with private addresses allowed only where settings say so."""
    return fetching.FetchPolicy(allow_private=getattr(settings, "IMAGE_FETCH_ALLOW_PRIVATE", False))


def retry_delay(attempts):
    """How long to wait after the ``attempts``-th failure in a row."""
    exponent = max(attempts - 1, 0)
    # Compare exponents, not products: a huge attempt count must not overflow.
    if exponent >= math.log(RETRY_MAX / RETRY_BASE, RETRY_FACTOR):
        return RETRY_MAX
    return RETRY_BASE * RETRY_FACTOR**exponent


def pending(now, *, retry_failed=False, article_id=None, provider=None):
    """Images without our copy, oldest first; failed ones only once their wait is over."""
    images = Image.objects.filter(file__isnull=True)
    if not retry_failed:
        images = images.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            fetch_attempts__lt=MAX_ATTEMPTS,
        )
    if article_id is not None:
        images = images.filter(article_id=article_id)
    if provider:
        images = images.filter(article__provider__domain=provider.strip().lower())
    return images.order_by("pk")


def key_for(source):
    """A storage folder name for ``source`` (a URL, or an upload's bytes)."""
    return salted_hmac("articles.images", source).hexdigest()[:32]


def store(image, data, key, *, now, storage=None):
    """Check ``data`` with Pillow, write the original and renditions, mark ``image`` cached.

    Raises ``ImageRejected`` (and writes nothing) when the bytes are refused.
    """
    storage = storage or default_storage
    picture = processing.open_checked(data)
    original = processing.encode_original(picture)
    folder = f"images/{key[:2]}/{key}"
    image.file = _put(storage, f"{folder}/original.{original.extension}", original.data)
    image.renditions = [
        {
            "width": r.width, "height": r.height, "format": r.format,
            "name": _put(storage, f"{folder}/{r.width}.{r.extension}", r.data),
        }
        for r in processing.make_renditions(picture)
    ]
    # The real file's size replaces whatever the article file claimed.
    image.width, image.height = picture.width, picture.height
    image.cached_at = now
    image.fetch_error = None
    image.last_attempt_at = now
    image.next_attempt_at = None
    image.fetch_attempts += 1


def record_failure(image, error, now):
    """Note the failure on ``image`` and when to try again."""
    image.fetch_attempts += 1
    image.fetch_error = str(error)[:1000]
    image.last_attempt_at = now
    image.next_attempt_at = now + retry_delay(image.fetch_attempts)


def cache_image(image, *, now, fetch=None, storage=None):
    """Fetch, store and save one image; returns the ``ImageRejected`` if it failed.

    Any other exception is recorded too (code ``error``): one odd file must
    not stop a run over thousands.
    """
    fetch = fetch or (lambda url: fetching.fetch(url, fetch_policy()))
    failure = None
    try:
        store(image, fetch(image.url), key_for(image.url), now=now, storage=storage)
    except ImageRejected as error:
        failure = error
    except Exception as error:  # noqa: BLE001 - recorded on the row, the run goes on
        failure = ImageRejected("error", f"{type(error).__name__}: {error}")
    if failure:
        record_failure(image, failure, now)
    image.save(update_fields=CACHE_FIELDS)
    return failure


@dataclass
class CacheRun:
    """What a ``cache_images`` run did, for its summary line."""

    seen: int = 0
    cached: int = 0
    failed: int = 0
    reasons: Counter = field(default_factory=Counter)

    def summary(self):
        text = f"{self.seen} images: {self.cached} cached, {self.failed} failed"
        if self.reasons:
            text += " (" + ", ".join(f"{code} {n}" for code, n in self.reasons.most_common()) + ")"
        return text


def cache_images(images, *, clock=timezone.now, fetch=None, storage=None, on_image=None):
    """Cache each image of the queryset ``images``; ``on_image(image, failure)`` after each.

    The primary keys are read first and rows loaded in small batches, so the
    run neither holds a cursor open while it downloads nor sees its own
    updates; ``clock`` is injectable so back-off can be tested without waiting.
    """
    run = CacheRun()
    ids = list(images.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = Image.objects.filter(pk__in=ids[start : start + BATCH_SIZE]).order_by("pk")
        for image in batch.defer("extra"):
            failure = cache_image(image, now=clock(), fetch=fetch, storage=storage)
            run.seen += 1
            if failure:
                run.failed += 1
                run.reasons[failure.code] += 1
            else:
                run.cached += 1
            if on_image:
                on_image(image, failure)
    return run


def _put(storage, name, data):
    """Write ``data`` at exactly ``name``, replacing an earlier copy (from a killed run)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # Another process wrote it between our delete and save: keep one copy.
        storage.delete(saved)
    return name


@dataclass
class PruneRun:
    """What a ``prune_images`` run removed (or, dry, would remove)."""

    folders: list = field(default_factory=list)
    files: int = 0
    kept_recent: int = 0

    def summary(self, dry_run=False):
        verb = "would remove" if dry_run else "removed"
        text = f"{len(self.folders)} unused image folders: {verb} {self.files} files"
        if self.kept_recent:
            text += f"; {self.kept_recent} recent ones kept"
        return text


def prune_copies(*, written_before, dry_run=False, storage=None):
    """Delete our copies of images that no image row names any more.

    Rows go when an article drops or changes a picture, or is deleted; their
    files stay until this runs. A folder is shared by every image of the same
    URL, so it goes only when no row names it. Folders written since
    ``written_before`` are kept whatever the rows say: ``cache_images`` writes
    the files before it saves the row, and may be running right now.
    """
    storage = storage or default_storage
    named = set()
    rows = Image.objects.exclude(file=None).values_list("file", "renditions")
    for file, renditions in rows.iterator(chunk_size=5000):
        named.add(_folder(file))
        # Whatever shape the entries have, a file a row names is kept.
        entries = renditions if isinstance(renditions, list) else ()
        named.update(
            _folder(r["name"]) for r in entries if isinstance(r, dict) and isinstance(r.get("name"), str)
        )
    run = PruneRun()
    for folder in _copy_folders(storage):
        if folder in named:
            continue
        names = [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
        if any(storage.get_modified_time(name) >= written_before for name in names):
            run.kept_recent += 1
            continue
        if not dry_run:
            for name in names:
                storage.delete(name)
        run.folders.append(folder)
        run.files += len(names)
    return run


def _folder(name):
    return name.rsplit("/", 1)[0]


def _copy_folders(storage):
    """Every ``images/<2 hex>/<key>`` folder in ``storage`` (see ``store``)."""
    try:
        shards = storage.listdir("images")[0]
    except FileNotFoundError:
        return
    for shard in sorted(shards):
        for key in sorted(storage.listdir(f"images/{shard}")[0]):
            yield f"images/{shard}/{key}"
