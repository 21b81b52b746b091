"""Downloading under the safety rules (articles/images/fetching.py), against a local server."""

import threading

import pytest

from articles.images.errors import ImageRejected
from articles.images.fetching import FetchPolicy, fetch

from .conftest import picture_bytes, png_header_only, redirect, serve

LOCAL = FetchPolicy(allow_private=True, connect_timeout=1, read_timeout=0.3, max_bytes=50_000)


def refusal(url, policy=LOCAL):
    with pytest.raises(ImageRejected) as refused:
        fetch(url, policy)
    return refused.value.code


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_good_image_is_downloaded_whole(image_server, fmt, content_type):
    body = picture_bytes(200, 100, fmt)
    image_server.routes["/good"] = serve(body, content_type)
    assert fetch(image_server.url("/good"), LOCAL) == body


def test_redirects_are_followed_a_few_times(image_server):
    body = picture_bytes(50, 50)
    image_server.routes["/old"] = redirect("/older")
    image_server.routes["/older"] = redirect(image_server.url("/new"), status=301)
    image_server.routes["/new"] = serve(body)
    assert fetch(image_server.url("/old"), LOCAL) == body


def test_a_redirect_loop_is_cut_short(image_server):
    image_server.routes["/a"] = redirect("/b")
    image_server.routes["/b"] = redirect("/a")
    assert refusal(image_server.url("/a")) == "too_many_redirects"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x.jpg", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_refused(image_server, target):
    image_server.routes["/r"] = redirect(target)
    assert refusal(image_server.url("/r")) == "scheme"


def test_a_404_is_a_failure(image_server):
    assert refusal(image_server.url("/missing")) == "http_status"


def test_an_announced_oversized_file_is_refused_before_reading(image_server):
    image_server.routes["/big"] = serve(png_header_only(10, 10) + b"\0" * 60_000, "image/png")
    assert refusal(image_server.url("/big")) == "too_large"


def test_an_oversized_file_without_a_length_is_cut_off_while_reading(image_server):
    def unannounced(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "image/jpeg")
        handler.end_headers()
        for _ in range(20):
            handler.wfile.write(b"\xff" * 10_000)

    image_server.routes["/stream"] = unannounced
    policy = FetchPolicy(allow_private=True, read_timeout=2, max_bytes=50_000)
    assert refusal(image_server.url("/stream"), policy) == "too_large"


def test_a_server_that_stops_answering_times_out(image_server):
    def stalls(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"\xff" * 10)
        handler.wfile.flush()
        image_server.stall.wait(5)

    image_server.routes["/slow"] = stalls
    assert refusal(image_server.url("/slow")) == "timeout"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/x.jpg", "http://localhost/x.jpg", "http://10.0.0.8/x.jpg",
     "http://169.254.169.254/latest/meta-data", "http://[::1]/x.jpg", "http://0.0.0.0/x.jpg"],
)
def test_private_addresses_are_refused_by_default(url):
    assert refusal(url, FetchPolicy()) == "blocked_address"


def test_a_redirect_from_the_internet_to_a_private_address_is_refused(image_server, monkeypatch):
    """Each hop is checked: here the first hop passes as if public, the second points inside."""
    from articles.images import fetching

    checked = []
    real = fetching.checked_address

    def first_hop_public(host, port, allow_private=False):
        checked.append(port)
        return real(host, port, allow_private=len(checked) == 1)

    monkeypatch.setattr(fetching, "checked_address", first_hop_public)
    image_server.routes["/out"] = redirect("http://127.0.0.1:9/inside.jpg")
    assert refusal(image_server.url("/out"), FetchPolicy()) == "blocked_address"


@pytest.mark.parametrize("url", ["data:image/png;base64,AAAA", "file:///etc/passwd", "//cdn.example.com/x.jpg"])
def test_only_http_and_https_are_fetched(url):
    assert refusal(url) == "scheme"


def test_the_deadline_holds_while_a_server_trickles_its_headers(image_server):
    """A server sending its headers a byte at a time is cut off at the deadline (issue #16)."""
    cut_off = threading.Event()

    def trickle(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        # Well within the read timeout each time; gives up after 10 s so that
        # a fetch without a deadline fails this test instead of hanging it.
        for _ in range(200):
            if image_server.stall.wait(0.05):
                return
            try:
                handler.wfile.write(b"a")
                handler.wfile.flush()
            except OSError:
                cut_off.set()
                return

    image_server.routes["/trickle"] = trickle
    policy = FetchPolicy(allow_private=True, connect_timeout=1, read_timeout=1, deadline=0.5)

    with pytest.raises(ImageRejected) as excinfo:
        fetch(image_server.url("/trickle"), policy)

    assert excinfo.value.code == "timeout"
    assert "longer than 0.5 s" in str(excinfo.value)
    # The client hung up while the server was still trickling.
    assert cut_off.wait(5)
