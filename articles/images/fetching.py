"""Download one remote image under rules that make it safe to do for any URL.

Article files come from outside, so an image URL may point anywhere: at our
own network (server-side request forgery), at a file that never ends, or at a
server that never answers. ``fetch`` refuses all of these before they cost
much: only http(s); every address the host resolves to must be public (unless
``allow_private``), and the connection goes to the address that was checked,
so DNS cannot change its answer in between; a connect and a read timeout plus
an overall deadline that holds for the whole request, headers included (a
watchdog shuts the socket down when it passes, so a server sending one byte
per second cannot keep a download alive); a size cap checked on the header and again while reading;
and a few redirects at most, each one checked like the first URL.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
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
    # Whole download (every redirect, the headers and the body), so a server
    # trickling one byte per read timeout still ends.
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
    left = _time_left(policy, started)
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, sockaddr, policy, left)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # Socket timeouts bound each read, not their sum: at the deadline the
    # watchdog shuts the socket down, which ends whatever read is waiting.
    watchdog = threading.Timer(left, connection.expire)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location"), b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > policy.max_bytes:
            raise ImageRejected("too_large", f"{int(length):,} bytes is over the {policy.max_bytes:,} allowed")
        body = _read_capped(response, policy, started)
        if connection.expired:  # the shutdown may read as a clean end of the body
            raise _past_deadline(policy)
        return 200, None, body
    except (OSError, http.client.HTTPException) as error:
        if connection.expired:
            raise _past_deadline(policy) from None
        if isinstance(error, TimeoutError):
            raise ImageRejected("timeout", "the server took too long to answer") from None
        raise ImageRejected("connection", f"{type(error).__name__}: {error}") from None
    finally:
        watchdog.cancel()
        connection.close()


def _time_left(policy, started):
    left = policy.deadline - (time.monotonic() - started)
    if left <= 0:
        raise _past_deadline(policy)
    return left


def _past_deadline(policy):
    return ImageRejected("timeout", f"the download took longer than {policy.deadline:g} s")


def _read_capped(response, policy, started):
    chunks, total = [], 0
    while True:
        if time.monotonic() - started > policy.deadline:
            raise _past_deadline(policy)
        chunk = response.read1(64 * 1024) if hasattr(response, "read1") else response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > policy.max_bytes:
            raise ImageRejected("too_large", f"more than the {policy.max_bytes:,} bytes allowed")
        chunks.append(chunk)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever DNS says now."""

    def __init__(self, host, port, sockaddr, policy, time_left):
        super().__init__(host, port, timeout=min(policy.connect_timeout, time_left))
        self._sockaddr = sockaddr
        self._read_timeout = min(policy.read_timeout, time_left)
        self._raw_sock = None
        self._lock = threading.Lock()
        self.expired = False

    def _open_socket(self):
        sock = socket.create_connection(self._sockaddr[:2], timeout=self.timeout)
        sock.settimeout(self._read_timeout)
        with self._lock:
            self._raw_sock = sock
            if self.expired:  # the deadline passed while connecting
                sock.shutdown(socket.SHUT_RDWR)
        return sock

    def connect(self):
        self.sock = self._open_socket()

    def expire(self):
        """Called by the watchdog at the deadline: end any read in progress."""
        with self._lock:
            self.expired = True
            if self._raw_sock is not None:
                try:
                    self._raw_sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed
                    pass


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """As above, with TLS verified against the URL's host name."""

    default_port = 443

    def connect(self):
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self._open_socket(), server_hostname=self.host)
