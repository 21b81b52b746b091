"""Download one remote image under rules that make it safe to do for any URL.

Article files come from outside, so an image URL may point anywhere: at our
own network (server-side request forgery), at a file that never ends, or at a
server that never answers. ``fetch`` refuses all of these before they cost
much: only http(s); every address the host resolves to must be public (unless
``allow_private``), and the connection goes to the address that was checked,
so DNS cannot change its answer in between; a connect and a read timeout plus
an overall deadline; a size cap checked on the header and again while reading;
and a few redirects at most, each one checked like the first URL.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .errors import ImageRejected

MAX_BYTES = 20 * 1024 * 1024
MAX_REDIRECTS = 3
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "NewsroomImageCache/1.0"


@dataclass(frozen=True)
class FetchPolicy:
    """The limits one fetch runs under."""

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    # Whole download, so a server trickling one byte per read timeout still ends.
    deadline: float = 60.0
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    allow_private: bool = False


def fetch(url, policy=None):
    """The body of the image at ``url`` as bytes, or ``ImageRejected``."""
    policy = policy or FetchPolicy()
    started = time.monotonic()
    for _hop in range(policy.max_redirects + 1):
        status, location, body = _get(url, policy, started)
        if status in REDIRECT_STATUSES:
            if not location:
                raise ImageRejected("http_status", f"HTTP {status} without a Location")
            url = urljoin(url, location)
            continue
        if status != 200:
            raise ImageRejected("http_status", f"HTTP {status}")
        return body
    raise ImageRejected("too_many_redirects", f"more than {policy.max_redirects} redirects")


def checked_address(host, port, allow_private=False):
    """The first address ``host`` resolves to, if every one of them may be fetched.

    Checking all of them, not just the one we use, means a name that mixes a
    public and a private address is refused outright.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ImageRejected("connection", f"cannot resolve {host}: {error}") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if getattr(ip, "ipv4_mapped", None):
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise ImageRejected("blocked_address", f"{host} resolves to a non-public address")
    return infos[0][0], infos[0][4]


def _get(url, policy, started):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ImageRejected("scheme", "only http and https URLs are fetched")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise ImageRejected("scheme", "the URL's port is not valid") from None
    family, sockaddr = checked_address(parts.hostname, port, policy.allow_private)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, sockaddr, policy)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location"), b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > policy.max_bytes:
            raise ImageRejected("too_large", f"{int(length):,} bytes is over the {policy.max_bytes:,} allowed")
        return 200, None, _read_capped(response, policy, started)
    except TimeoutError:
        raise ImageRejected("timeout", "the server took too long to answer") from None
    except (OSError, http.client.HTTPException) as error:
        raise ImageRejected("connection", f"{type(error).__name__}: {error}") from None
    finally:
        connection.close()


def _read_capped(response, policy, started):
    chunks, total = [], 0
    while True:
        if time.monotonic() - started > policy.deadline:
            raise ImageRejected("timeout", "the download took too long")
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > policy.max_bytes:
            raise ImageRejected("too_large", f"more than the {policy.max_bytes:,} bytes allowed")
        chunks.append(chunk)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, host, port, sockaddr, policy):
        super().__init__(host, port, timeout=policy.connect_timeout)
        self._sockaddr = sockaddr
        self._read_timeout = policy.read_timeout

    def _open_socket(self):
        sock = socket.create_connection(self._sockaddr[:2], timeout=self.timeout)
        sock.settimeout(self._read_timeout)
        return sock

    def connect(self):
        self.sock = self._open_socket()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """As above, with TLS verified against the URL's host name."""

    default_port = 443

    def connect(self):
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open_socket(), server_hostname=self.host)
