"""Builders for image tests: small pictures made with Pillow, and a local HTTP server."""

import io
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image as PILImage


def picture_bytes(width=800, height=600, fmt="JPEG", mode="RGB", colour=(200, 30, 30), **options):
    """An encoded picture of one colour."""
    buffer = io.BytesIO()
    PILImage.new(mode, (width, height), colour).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG whose header claims ``width`` x ``height``: a pixel bomb that costs nothing to make."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")
    )


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, *args):
        pass


def serve(body, content_type="image/jpeg", status=200, headers=()):
    """A route answering with ``body``."""

    def route(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location, status=302):
    return serve(b"", "text/plain", status, [("Location", location)])


@pytest.fixture
def image_server():
    """A threaded HTTP server on 127.0.0.1 (port 0); add routes to ``server.routes``.

    ``server.url(path)`` builds a URL; ``server.stall`` holds slow routes until teardown.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes = {}
    server.stall = threading.Event()
    server.url = lambda path: f"http://127.0.0.1:{server.server_port}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stall.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def media(settings, tmp_path):
    """``default_storage`` writes into a fresh folder; private fetches are allowed (local server)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    settings.IMAGE_FETCH_ALLOW_PRIVATE = True
    return settings.MEDIA_ROOT


@pytest.fixture
def make_image(make_article):
    """``make_image(url=..., **fields)``: an image row of a new live article."""
    from articles.models import Image

    def make(article=None, **fields):
        fields.setdefault("url", "https://cdn.example.com/picture.jpg")
        return Image.objects.create(article=article or make_article(), **fields)

    return make
