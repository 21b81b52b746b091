"""Builders for the media library's tests: pictures made with Pillow, stored in a temporary MEDIA_ROOT."""

import io

import pytest
from PIL import Image as PILImage

from tests.articles.roles import make_user
from tests.images.conftest import (  # noqa: F401 - fixtures and helpers
    media,
    picture_bytes,
    png_header_only,
)

RED = (220, 20, 20)
WHITE = (255, 255, 255)


def subject_in_corner(width=1600, height=600, corner="bottom-right", size=160):
    """A white picture with a red square subject in one corner."""
    image = PILImage.new("RGB", (width, height), WHITE)
    left = width - size if "right" in corner else 0
    top = height - size if "bottom" in corner else 0
    image.paste(RED, (left, top, left + size, top + size))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def make_picture(db, media):  # noqa: F811 - the fixture imported above
    """``make_picture(data=None, **fields)``: a stored library picture."""
    from medialibrary import library
    from medialibrary.models import Picture

    def make(data=None, **fields):
        fields.setdefault("title", "Harbour at dawn")
        fields.setdefault("alt_text", "Fishing boats moored in a harbour at sunrise")
        stored = library.store_new(
            data or picture_bytes(1200, 800), focal_x=fields.get("focal_x", 0.5),
            focal_y=fields.get("focal_y", 0.5),
        )
        return Picture.objects.create(
            file=stored.file, width=stored.width, height=stored.height, renditions=stored.renditions, **fields
        )

    return make


@pytest.fixture
def superuser_client(client, db):
    client.force_login(make_user("superuser"))
    return client


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_user("editor"))
    return client
