"""``manage.py cache_images`` and the library behind it (articles/images/caching.py)."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image as PILImage

from articles.images import caching

from .conftest import picture_bytes, png_header_only, serve

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def run(*args):
    """Run the command; returns (stdout, exit code)."""
    out = StringIO()
    try:
        call_command("cache_images", *args, "--no-progress", stdout=out, stderr=StringIO())
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def served(image_server, media):
    """``served(path, body, content_type)`` -> the URL the local server answers with it."""

    def add(path, body, content_type="image/jpeg"):
        image_server.routes[path] = serve(body, content_type)
        return image_server.url(path)

    return add


def test_an_image_is_stored_with_its_real_size_and_renditions(served, make_image, media):
    image = make_image(url=served("/lead.png", picture_bytes(900, 600, "PNG"), "image/png"), width=90, height=60)

    out, code = run()

    image.refresh_from_db()
    assert code == 0
    assert "1 images: 1 cached, 0 failed" in out
    assert (image.width, image.height) == (900, 600)
    assert PILImage.open(default_storage.open(image.file)).size == (900, 600)
    assert [(r["format"], r["width"], r["height"]) for r in image.renditions] == [
        ("webp", 320, 213), ("jpeg", 320, 213), ("webp", 640, 427), ("jpeg", 640, 427),
        ("webp", 900, 600), ("jpeg", 900, 600),
    ]
    assert all(default_storage.exists(r["name"]) for r in image.renditions)


def test_file_names_do_not_reveal_the_provider_url(served, make_image, media):
    make_image(url=served("/secret-story-photo.jpg", picture_bytes(100, 100)))
    run()
    assert not any("secret" in name for name in stored_files(media))


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/page.jpg", b"<!doctype html><p>Not found</p>", "not_an_image"),
        ("/cut.jpg", picture_bytes(400, 300)[:1300], "corrupt"),
        ("/bomb.png", png_header_only(30_000, 30_000), "too_many_pixels"),
    ],
)
def test_a_bad_image_is_recorded_and_the_run_goes_on(served, make_image, media, path, body, reason):
    bad = make_image(url=served(path, body))
    good = make_image(url=served("/fine.jpg", picture_bytes(100, 80)))

    out, code = run()

    bad.refresh_from_db()
    good.refresh_from_db()
    assert code == 1
    assert f"2 images: 1 cached, 1 failed ({reason} 1)" in out
    assert good.file and not bad.file
    assert bad.fetch_error.startswith(reason)
    assert bad.fetch_attempts == 1


def test_a_missing_image_is_recorded_as_an_http_failure(image_server, media, make_image):
    image = make_image(url=image_server.url("/gone.jpg"))
    run()
    image.refresh_from_db()
    assert image.fetch_error == "http_status: HTTP 404"


def test_failures_are_retried_with_growing_waits(image_server, media, make_image):
    image = make_image(url=image_server.url("/later.jpg"))
    clock = iter([NOW, NOW + timedelta(minutes=30), NOW + timedelta(hours=1), NOW + timedelta(hours=5)])

    def attempt():
        now = next(clock)
        caching.cache_images(caching.pending(now), clock=lambda: now)
        image.refresh_from_db()
        return image.fetch_attempts, image.next_attempt_at - now if image.next_attempt_at else None

    assert attempt() == (1, timedelta(hours=1))
    assert attempt() == (1, timedelta(minutes=30))  # not due yet: left alone
    assert attempt() == (2, timedelta(hours=4))
    image_server.routes["/later.jpg"] = serve(picture_bytes(64, 48))
    assert attempt() == (3, None)  # due again at +5 h, and the server has it now


def test_a_recovered_image_is_cached_once_its_wait_is_over(image_server, media, make_image):
    image = make_image(url=image_server.url("/flaky.jpg"))
    caching.cache_images(caching.pending(NOW), clock=lambda: NOW)
    image_server.routes["/flaky.jpg"] = serve(picture_bytes(64, 48))

    later = NOW + timedelta(hours=1)
    caching.cache_images(caching.pending(later), clock=lambda: later)

    image.refresh_from_db()
    assert image.file and image.fetch_error is None and image.next_attempt_at is None


def test_retry_failed_ignores_the_wait(image_server, media, make_image):
    make_image(url=image_server.url("/flaky.jpg"))
    run()
    image_server.routes["/flaky.jpg"] = serve(picture_bytes(64, 48))

    assert "0 images" in run()[0]
    assert "1 images: 1 cached" in run("--retry-failed")[0]


def test_the_wait_stops_growing_at_a_week():
    assert caching.retry_delay(1) == timedelta(hours=1)
    assert caching.retry_delay(50_000) == timedelta(days=7)


def test_a_restarted_run_goes_on_where_it_stopped_without_duplicate_files(served, media, make_image):
    first = make_image(url=served("/one.jpg", picture_bytes(700, 400)))
    second = make_image(url=served("/two.jpg", picture_bytes(700, 400)))
    calls = []

    def killed_after_writing_files(image, failure):
        calls.append(image.pk)
        raise KeyboardInterrupt

    # The first image's files are written and its row saved, then the run dies.
    with pytest.raises(KeyboardInterrupt):
        caching.cache_images(caching.pending(NOW), on_image=killed_after_writing_files)
    # Simulate dying after the files but before the row: forget that it was cached.
    type(first).objects.filter(pk=first.pk).update(file=None, renditions=None)
    files_before = stored_files(media)

    out, _ = run()

    assert "2 images: 2 cached" in out
    first.refresh_from_db()
    second.refresh_from_db()
    assert calls == [first.pk]
    after = stored_files(media)
    assert set(files_before) <= set(after)
    assert len(after) == 2 * len(files_before)


def test_options_narrow_the_run(served, media, make_image, make_article, make_provider):
    other = make_article(provider=make_provider(domain="other.example"))
    mine = make_image(url=served("/a.jpg", picture_bytes(10, 10)))
    theirs = make_image(article=other, url=served("/b.jpg", picture_bytes(10, 10)))

    assert "1 images" in run("--provider", "OTHER.example")[0]
    assert "1 images" in run("--article", str(mine.article_id), "--limit", "5")[0]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.file and theirs.file


def test_limit_caps_the_number_of_images(served, media, make_image):
    for n in range(3):
        make_image(url=served(f"/{n}.jpg", picture_bytes(10, 10)))
    assert "2 images: 2 cached" in run("--limit", "2")[0]


def test_dry_run_fetches_and_writes_nothing(served, media, make_image):
    image = make_image(url=served("/a.jpg", picture_bytes(10, 10)))

    out, code = run("--dry-run")

    image.refresh_from_db()
    assert "Dry run: 1 images would be fetched" in out
    assert (image.file, image.fetch_attempts, stored_files(media) if media.exists() else []) == (None, 0, [])


def test_private_addresses_are_refused_unless_the_setting_allows_them(image_server, media, settings, make_image):
    settings.IMAGE_FETCH_ALLOW_PRIVATE = False
    image = make_image(url=image_server.url("/a.jpg"))
    run()
    image.refresh_from_db()
    assert image.fetch_error.startswith("blocked_address")


def test_rows_written_by_the_importer_are_picked_up(db, served, media, write_article):
    from articles.importing.loader import import_paths
    from articles.models import Image

    url = served("/imported.jpg", picture_bytes(320, 200))
    import_paths([write_article(images=[{"url": url, "width": 1, "height": 1}])], parallel=False)

    run()

    image = Image.objects.get()
    assert (image.file is not None, image.width, image.fetch_attempts) == (True, 320, 1)
