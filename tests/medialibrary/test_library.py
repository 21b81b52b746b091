"""Storing library pictures: the cached images' checks, renditions, and focal-point crops."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from articles.images.errors import ImageRejected
from medialibrary import library

from .conftest import RED, picture_bytes, png_header_only, subject_in_corner


def open_stored(name):
    with default_storage.open(name) as handle:
        return PILImage.open(io.BytesIO(handle.read())).convert("RGB")


def widest_crop(picture, fmt="jpeg"):
    crops = [r for r in picture.renditions if r.get("crop") == "16:9" and r["format"] == fmt]
    return max(crops, key=lambda r: r["width"])


def is_red(pixel):
    r, g, b = pixel
    return r > 180 and g < 80 and b < 80


@pytest.mark.parametrize(
    ("size", "focal", "box"),
    [
        # Wider than 16:9: full height, the sides cropped around the point, kept inside the frame.
        ((1600, 600), (0.5, 0.5), (266, 0, 1333, 600)),
        ((1600, 600), (0.0, 0.0), (0, 0, 1067, 600)),
        ((1600, 600), (1.0, 1.0), (533, 0, 1600, 600)),
        # Taller than 16:9: full width, top and bottom cropped.
        ((900, 1600), (0.5, 0.1), (0, 0, 900, 506)),
        ((900, 1600), (0.5, 0.9), (0, 1094, 900, 1600)),
    ],
)
def test_the_crop_is_centred_on_the_focal_point_and_stays_in_the_frame(size, focal, box):
    assert library.crop_box(*size, *focal) == box


def test_a_subject_in_a_corner_is_in_the_crop_when_the_focal_point_is_on_it(make_picture):
    data = subject_in_corner(corner="bottom-right")
    centred = make_picture(data)
    focused = make_picture(data, focal_x=0.95, focal_y=0.9)

    centred_crop = open_stored(widest_crop(centred)["name"])
    focused_crop = open_stored(widest_crop(focused)["name"])

    assert centred_crop.size == focused_crop.size == (1067, 600)
    # The bottom-right corner of the crop: the subject only when the crop follows the point.
    assert is_red(focused_crop.getpixel((1060, 590)))
    assert not is_red(centred_crop.getpixel((1060, 590)))


def test_a_picture_gets_the_cached_images_renditions_and_its_crops(make_picture):
    picture = make_picture(picture_bytes(2000, 1000))

    full = [(r["width"], r["format"]) for r in picture.full_renditions()]
    crops = {(r["width"], r["height"], r["format"]) for r in picture.renditions if r.get("crop")}

    assert full == [(w, f) for w in (320, 640, 1024, 1600) for f in ("webp", "jpeg")]
    assert (1600, 900, "jpeg") in crops and (320, 180, "webp") in crops
    assert all(default_storage.exists(r["name"]) for r in picture.renditions)
    assert picture.file.startswith("library/") and default_storage.exists(picture.file)


def test_moving_the_focal_point_remakes_the_crops_under_new_names(make_picture, django_capture_on_commit_callbacks):
    picture = make_picture(subject_in_corner(corner="top-left"))
    old = {r["name"] for r in picture.renditions if r.get("crop")}

    picture.focal_x, picture.focal_y = 0.05, 0.1
    with django_capture_on_commit_callbacks(execute=True):
        library.recrop(picture)
        picture.save()

    new = {r["name"] for r in picture.renditions if r.get("crop")}
    assert new and not new & old
    assert not any(default_storage.exists(name) for name in old)
    assert is_red(open_stored(widest_crop(picture)["name"]).getpixel((5, 5)))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not_an_image"),
        (picture_bytes(40, 40, "BMP"), "unsupported_format"),
        (picture_bytes(400, 300, "PNG")[:300], "corrupt"),
        (png_header_only(30_000, 30_000), "too_many_pixels"),
    ],
    ids=["svg-script", "bmp", "truncated", "pixel-bomb"],
)
def test_hostile_bytes_are_refused_before_anything_is_written(data, code, media):
    with pytest.raises(ImageRejected) as refused:
        library.store_new(data)

    assert refused.value.code == code
    assert not media.exists() or not any(media.rglob("*.*"))


def test_markdown_text_cannot_break_out_of_the_alt_text_or_the_title():
    assert library.markdown_text('a](javascript:alert(1)) "x"\n\nnew') == (
        r'a\]\(javascript\:alert\(1\)\) \"x\" new'
    )


def test_a_picture_is_red_helper_sanity():
    assert is_red(RED)
