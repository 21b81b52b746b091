"""A local HTTP server standing in for a CDN's API or a Varnish: records every request,
answers with the statuses it is given. Never the internet."""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorded:
    def __init__(self, method, path, headers, body):
        self.method, self.path, self.headers, self.body = method, path, headers, body

    def json(self):
        return json.loads(self.body)


class FakeServer:
    """``answers``: (status, body) for each request in turn; the last one repeats."""

    def __init__(self, answers=((200, '{"success": true}'),)):
        self.answers = list(answers)
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                fake.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
                status, text = fake.answers[min(len(fake.requests), len(fake.answers)) - 1]
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_POST = do_BAN = do_PURGE = do_GET = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@contextlib.contextmanager
def fake_server(*answers):
    server = FakeServer(answers or ((200, '{"success": true}'),))
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
