"""A local HTTP endpoint for the webhook tests: it records the requests it
receives, answers with the codes it is told, can be slow, and checks the
signature like a real receiver would."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..tools import webhook as webhook_tools


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # pylint: disable=invalid-name
        receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        receiver.requests.append(
            {
                "body": body,
                "headers": dict(self.headers),
                "verified": webhook_tools.verify(
                    receiver.secret,
                    self.headers.get(webhook_tools.TIMESTAMP_HEADER),
                    body,
                    self.headers.get(webhook_tools.SIGNATURE_HEADER),
                ),
            }
        )
        if receiver.delay:
            time.sleep(receiver.delay)
        code = receiver.codes.pop(0) if receiver.codes else 200
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if code < 300 else b"boom")

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Keep the test log clean."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (timeout) is expected: stay quiet."""


class HttpReceiver:
    """Context manager: ``with HttpReceiver(secret) as receiver:`` serves on
    ``receiver.url`` in a thread until the block ends."""

    def __init__(self, secret, codes=None, delay=0):
        self.secret = secret
        self.codes = list(codes or [])
        self.delay = delay
        self.requests = []
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.receiver = self
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=2)
