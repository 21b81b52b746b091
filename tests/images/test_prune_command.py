"""``manage.py prune_images``: our copies of pictures no article uses any more are deleted, nothing else."""

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.images import caching
from articles.models import Image

from .conftest import picture_bytes


def prune(*args):
    out = StringIO()
    call_command("prune_images", *args, stdout=out)
    return out.getvalue()


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def cached(media, make_image):
    """``cached(url, article=None)``: an image row with our stored copy, written a day and more ago."""

    def make(url, article=None):
        image = make_image(url=url, **({"article": article} if article else {}))
        caching.store(image, picture_bytes(700, 400), caching.key_for(url), now=timezone.now())
        image.save()
        folder = media / image.file.rsplit("/", 1)[0]
        two_days_ago = time.time() - 2 * 86400
        for path in folder.iterdir():
            os.utime(path, (two_days_ago, two_days_ago))
        return image

    return make


def test_copies_of_removed_pictures_go_and_the_others_stay(media, cached):
    kept = cached("https://cdn.example.com/kept.jpg")
    dropped = cached("https://cdn.example.com/dropped.jpg")
    dropped_folder = dropped.file.rsplit("/", 1)[0]
    Image.objects.filter(pk=dropped.pk).delete()

    out = prune()

    remaining = files_under(media)
    assert remaining and all(name.startswith(kept.file.rsplit("/", 1)[0]) for name in remaining)
    assert not any(name.startswith(dropped_folder) for name in remaining)
    assert "1 unused image folders: removed" in out


def test_a_copy_shared_by_another_article_stays(media, cached, make_article):
    url = "https://cdn.example.com/shared.jpg"
    first = cached(url)
    cached(url, article=make_article())  # the same picture in another story: the same folder
    before = files_under(media)
    first.article.delete()

    prune()

    assert files_under(media) == before


def test_recent_copies_are_kept_while_a_caching_run_may_still_be_saving_them(media, make_image):
    image = make_image(url="https://cdn.example.com/in-flight.jpg")
    # Files written, row not saved yet: what cache_images looks like mid-image.
    caching.store(image, picture_bytes(), caching.key_for(image.url), now=timezone.now())
    before = files_under(media)

    out = prune()

    assert files_under(media) == before
    assert "1 recent ones kept" in out
    prune("--keep-hours", "0")
    assert files_under(media) == []


def test_a_dry_run_names_what_would_go_and_deletes_nothing(media, cached):
    image = cached("https://cdn.example.com/old.jpg")
    folder = image.file.rsplit("/", 1)[0]
    image.delete()
    before = files_under(media)

    out = prune("--dry-run", "-v", "2")

    assert files_under(media) == before
    assert folder in out
    assert "would remove" in out


def test_nothing_cached_yet_is_not_an_error(media, db):
    assert "0 unused image folders" in prune()
