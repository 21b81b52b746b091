"""Checking bytes with Pillow and making renditions (articles/images/processing.py)."""

import io

import pytest
from PIL import Image as PILImage

from articles.images import processing
from articles.images.errors import ImageRejected

from .conftest import picture_bytes, png_header_only


def half(data):
    return data[: len(data) // 2]


def decode(data):
    return PILImage.open(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_good_pictures_open_with_their_size(fmt):
    image = processing.open_checked(picture_bytes(300, 200, fmt))
    assert (image.width, image.height, image.format) == (300, 200, fmt)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<html>not a picture</html>", "not_an_image"),
        (half(picture_bytes(400, 300, "JPEG")), "corrupt"),
        (picture_bytes(400, 300, "PNG")[:-40], "corrupt"),
        (png_header_only(30_000, 30_000), "too_many_pixels"),
        (picture_bytes(20, 20, "BMP"), "unsupported_format"),
    ],
    ids=["text", "truncated-jpeg", "truncated-png", "pixel-bomb", "bmp"],
)
def test_bad_bytes_are_refused_with_a_reason(data, code):
    with pytest.raises(ImageRejected) as refused:
        processing.open_checked(data)
    assert refused.value.code == code


def test_exif_orientation_is_applied_and_metadata_dropped():
    exif = PILImage.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    exif[0x010F] = "Secret Camera Co."
    data = picture_bytes(400, 100, "JPEG", exif=exif.tobytes())

    original = processing.encode_original(processing.open_checked(data))

    stored = decode(original.data)
    assert stored.size == (100, 400)
    assert (original.width, original.height) == (100, 400)
    assert not stored.getexif()


@pytest.mark.parametrize(
    ("width", "expected"),
    [(2000, [320, 640, 1024, 1600]), (840, [320, 640, 840]), (640, [320, 640]), (200, [200])],
)
def test_rendition_widths_never_exceed_the_original(width, expected):
    assert processing.rendition_widths(width) == expected


def test_renditions_come_as_webp_and_jpeg_at_each_width_keeping_the_aspect_ratio():
    image = processing.open_checked(picture_bytes(840, 420, "PNG"))

    renditions = processing.make_renditions(image)

    made = [(r.format, decode(r.data).format, decode(r.data).size) for r in renditions]
    assert made == [
        ("webp", "WEBP", (320, 160)), ("jpeg", "JPEG", (320, 160)),
        ("webp", "WEBP", (640, 320)), ("jpeg", "JPEG", (640, 320)),
        ("webp", "WEBP", (840, 420)), ("jpeg", "JPEG", (840, 420)),
    ]


def test_transparent_pictures_keep_alpha_in_webp_and_get_a_white_jpeg_background():
    image = processing.open_checked(picture_bytes(100, 50, "PNG", mode="RGBA", colour=(0, 0, 0, 0)))

    webp, jpeg = processing.make_renditions(image)

    assert decode(webp.data).mode == "RGBA"
    assert decode(jpeg.data).convert("RGB").getpixel((50, 25)) == (255, 255, 255)


def test_a_gif_is_kept_as_png():
    original = processing.encode_original(
        processing.open_checked(picture_bytes(60, 40, "GIF", mode="P", colour=3))
    )
    assert (original.extension, decode(original.data).format) == ("png", "PNG")
