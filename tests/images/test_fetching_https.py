"""Images over HTTPS: the certificate is verified against the URL's host, which is also sent as SNI.

The server is local (a test CA made with the openssl command line, a certificate
for ``images.test``); name resolution is pointed at it, as the pinned
connection would be for a real host.
"""

import shutil
import socket
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest

from articles.images import fetching
from articles.images.errors import ImageRejected
from articles.images.fetching import FetchPolicy, fetch

from .conftest import _Handler, picture_bytes, serve

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command")

HOST = "images.test"
POLICY = FetchPolicy(allow_private=True, connect_timeout=5, read_timeout=5)


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA, and a certificate it signed for ``images.test``: (ca.pem, cert.pem, key.pem)."""
    folder = tmp_path_factory.mktemp("tls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
             "-keyout", "ca.key", "-out", "ca.pem", cwd=folder)
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={HOST}",
             "-keyout", "key.pem", "-out", "cert.csr", cwd=folder)
    (folder / "san.cnf").write_text(f"subjectAltName=DNS:{HOST}\n")
    _openssl("x509", "-req", "-in", "cert.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-extfile", "san.cnf", "-out", "cert.pem", cwd=folder)
    return folder / "ca.pem", folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_server(certificates, monkeypatch):
    """An HTTPS image server on 127.0.0.1 that records the SNI names clients send."""
    _, cert, key = certificates
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes = {"/picture.jpg": serve(picture_bytes(64, 48))}
    server.server_names = []
    context.sni_callback = lambda sock, name, ctx: server.server_names.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def resolve(host, port, *args, **kwargs):
        # Every test host lives on this server, as DNS would say for a real one.
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def trusting_the_test_ca(certificates, monkeypatch):
    # OpenSSL reads SSL_CERT_FILE when a default context loads its trust store.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates[0]))


def test_an_image_from_a_trusted_https_host_is_downloaded(tls_server, trusting_the_test_ca):
    port = tls_server.server_port

    body = fetch(f"https://{HOST}:{port}/picture.jpg", POLICY)

    assert body == picture_bytes(64, 48)
    assert tls_server.server_names == [HOST]  # SNI carries the URL's host, not the address


def test_a_certificate_from_an_unknown_authority_is_refused(tls_server):
    with pytest.raises(ImageRejected) as refused:
        fetch(f"https://{HOST}:{tls_server.server_port}/picture.jpg", POLICY)

    assert refused.value.code == "connection"
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message


def test_a_certificate_for_another_host_is_refused(tls_server, trusting_the_test_ca):
    with pytest.raises(ImageRejected) as refused:
        fetch(f"https://other.test:{tls_server.server_port}/picture.jpg", POLICY)

    assert refused.value.code == "connection"
    assert "other.test" in refused.value.message  # "Hostname mismatch ... for 'other.test'"
