"""Check image bytes with Pillow and make the renditions the site serves.

Pure functions of bytes: no network, no database, no storage. Used for
downloaded images and admin uploads alike, so both obey the same limits.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import ImageOps

from .errors import ImageRejected

# Formats a browser shows and Pillow reads safely; anything else is refused.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Decoded, an RGBA image takes 4 bytes a pixel: 40 MP is 160 MB, the most one
# worker may spend. A 30,000 x 30,000 "pixel bomb" (900 MP) is refused from
# its header, before anything is decoded.
MAX_PIXELS = 40_000_000
# The most the Image model accepts for either side.
MAX_SIDE = 100_000
# Widths offered in srcset; an image is never enlarged past its own width.
RENDITION_WIDTHS = (320, 640, 1024, 1600)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
# libwebp's effort, 0-6: 3 is about twice as fast as the default 4 for a
# file a few per cent larger (measured on 1280-wide photos).
WEBP_METHOD = 3
# The format we re-encode a cleaned original in, and its file extension.
ORIGINAL_FORMATS = {"JPEG": ("JPEG", "jpg"), "PNG": ("PNG", "png"), "WEBP": ("WEBP", "webp")}


@dataclass(frozen=True)
class Encoded:
    """One encoded file; ``format`` is ``original``, ``webp`` or ``jpeg``."""

    width: int
    height: int
    format: str
    extension: str
    data: bytes


def open_checked(data, max_pixels=MAX_PIXELS):
    """Decode ``data`` into an upright Pillow image, or raise ``ImageRejected``.

    In order: Pillow must recognise the bytes as an allowed format, the header's
    pixel count must be within ``max_pixels`` (checked before decoding), the
    file must pass ``verify()`` and then decode completely (a truncated file
    fails here). EXIF orientation is applied; metadata is not carried over.
    """
    with warnings.catch_warnings():
        # Pillow warns (and past 2x its limit raises) about bombs; our own
        # limit is checked first and is lower, so its warning is noise.
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        try:
            probe = PILImage.open(io.BytesIO(data))
        except PILImage.DecompressionBombError as error:
            raise ImageRejected("too_many_pixels", str(error)) from None
        except (OSError, ValueError, SyntaxError):
            raise ImageRejected("not_an_image", "the file is not an image Pillow can read") from None
        if probe.format not in ALLOWED_FORMATS:
            raise ImageRejected("unsupported_format", f"{probe.format} images are not accepted")
        width, height = probe.size
        if width * height > max_pixels or max(width, height) > MAX_SIDE:
            raise ImageRejected(
                "too_many_pixels",
                f"{width} x {height} pixels is more than the {max_pixels:,} allowed",
            )
        try:
            probe.verify()
            # verify() leaves the image unusable: decode from a fresh handle.
            image = PILImage.open(io.BytesIO(data))
            image.load()
        except PILImage.DecompressionBombError as error:
            raise ImageRejected("too_many_pixels", str(error)) from None
        except (OSError, ValueError, SyntaxError, EOFError) as error:
            raise ImageRejected("corrupt", f"the image is damaged or truncated ({error})") from None
    source_format = image.format
    upright = ImageOps.exif_transpose(image)
    # exif_transpose returns a copy without a format; keep it for the original.
    upright.format = source_format
    return upright


def encode_original(image):
    """The cleaned original: same format (GIF becomes PNG), no metadata, upright."""
    pil_format, extension = ORIGINAL_FORMATS.get(image.format, ("PNG", "png"))
    if pil_format == "JPEG":
        data = _encode(_flatten(image), "JPEG", quality=92, optimize=True)
    elif pil_format == "WEBP":
        data = _encode(_without_palette(image), "WEBP", quality=90, method=WEBP_METHOD)
    else:
        data = _encode(_without_palette(image) if image.mode == "P" else image, "PNG", optimize=False)
    return Encoded(image.width, image.height, "original", extension, data)


def rendition_widths(width, widths=RENDITION_WIDTHS):
    """The widths to make for an image ``width`` pixels wide, narrowest first.

    Every standard width below the original, then the original's own width
    (capped at the largest standard width): never wider than the original.
    """
    chosen = [w for w in widths if w < width]
    top = min(width, max(widths))
    if top not in chosen:
        chosen.append(top)
    return chosen


def make_renditions(image, widths=RENDITION_WIDTHS):
    """WebP and JPEG files at each of ``rendition_widths``: the JPEGs are the fallback."""
    colour = _without_palette(image)
    flat = _flatten(image)
    encoded = {}
    # Widest first, each resized from the one before: the same look for a
    # fraction of the work of resizing the full original every time.
    for width in reversed(rendition_widths(image.width, widths)):
        size = (width, max(1, round(image.height * width / image.width)))
        colour = _resized(colour, size)
        # For an opaque picture both formats start from the very same pixels.
        flat = colour if colour.mode == "RGB" else _resized(flat, size)
        encoded[width] = (
            Encoded(*size, "webp", "webp", _encode(colour, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)),
            Encoded(
                *size, "jpeg", "jpg",
                _encode(flat, "JPEG", quality=JPEG_QUALITY, optimize=True),
            ),
        )
    return [file for width in sorted(encoded) for file in encoded[width]]


def _resized(image, size):
    if image.size == size:
        return image
    # reducing_gap: a fast box reduction first, then Lanczos; same look, far
    # less work when a 2000-pixel photo becomes a 320-pixel one.
    return image.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image, pil_format, **options):
    buffer = io.BytesIO()
    # No exif=/icc_profile= arguments: the saved file carries no metadata.
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _without_palette(image):
    """RGB or RGBA, whichever keeps the image's transparency."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    wanted = "RGBA" if has_alpha else "RGB"
    return image if image.mode == wanted else image.convert(wanted)


def _flatten(image):
    """RGB on a white background, for JPEG, which has no transparency."""
    colour = _without_palette(image)
    if colour.mode == "RGB":
        return colour
    background = PILImage.new("RGB", colour.size, (255, 255, 255))
    background.paste(colour, mask=colour.getchannel("A"))
    return background
