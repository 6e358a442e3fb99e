"""A real HTTP receiver on 127.0.0.1 for the exchange tests and bench: it checks signatures,
de-duplicates by event id, and misbehaves on demand (down, slow, 500, 400, answering twice)."""

from __future__ import annotations

import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from plugins.exchange.signing import verify

SECRET = "test-secret-0123456789abcdef"


class Receiver:
    """``faults``: probability of each misbehaviour per request, e.g. ``{"500": 0.2, "slow": 0.1}``.
    ``slow`` answers 200 after ``slow_seconds`` (longer than the client's timeout: the event was
    processed but the sender never heard it); ``twice`` processes the event, then answers 500 (so
    it is sent again). ``refuse``: event ids answered 400."""

    def __init__(self, seed: int = 1, slow_seconds: float = 1.5, delay: float = 0.0) -> None:
        self.random = random.Random(seed)
        self.faults: dict[str, float] = {}
        self.refuse: set[str] = set()
        self.refuse_all = False
        self.slow_seconds = slow_seconds
        self.delay = delay
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []  # every request that reached the handler
        self.processed: dict[str, int] = {}  # event id -> times the receiver's de-dup saw it new (must be 1)
        self.acked: set[str] = set()  # ids answered 2xx
        self.bad_signatures = 0
        self.server: ThreadingHTTPServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/events"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - what it has seen, for a receiver in another process
                with receiver.lock:
                    stats = {"requests": len(receiver.requests), "processed": len(receiver.processed),
                             "duplicates": sum(v - 1 for v in receiver.processed.values()), "acked": len(receiver.acked)}
                receiver._answer(self, 200, stats)

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.handle(self, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until :meth:`start` again (same port)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def _fault(self) -> str | None:
        with self.lock:
            roll = self.random.random()
        for name, p in self.faults.items():
            if roll < p:
                return name
            roll -= p
        return None

    def handle(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        event_id = request.headers.get("Idempotency-Key", "")
        ok = verify(SECRET, request.headers.get("X-GovHall-Timestamp", ""), body, request.headers.get("X-GovHall-Signature", ""))
        document = json.loads(body.decode("utf-8"))
        fault = self._fault()
        with self.lock:
            self.requests.append({"id": event_id, "headers": dict(request.headers), "body": document, "fault": fault})
            if not ok:
                self.bad_signatures += 1
        if not ok:
            return self._answer(request, 401, {"error": "bad signature"})
        if self.refuse_all or event_id in self.refuse:
            return self._answer(request, 400, {"error": "字段不合规"})
        if fault == "500":
            return self._answer(request, 500, {"error": "internal"})
        if self.delay:
            time.sleep(self.delay)
        with self.lock:  # the receiver's de-duplication by event id
            self.processed[event_id] = self.processed.get(event_id, 0) + (0 if event_id in self.processed else 1)
        if fault == "slow":
            time.sleep(self.slow_seconds)
        if fault == "twice":
            return self._answer(request, 500, {"error": "processed, answer lost"})
        with self.lock:
            self.acked.add(event_id)
        self._answer(request, 200, {"ok": True})

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, document: dict[str, Any]) -> None:
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender timed out and left


if __name__ == "__main__":  # a receiver in its own process (bench/outbox.py): prints its port
    import sys

    found = Receiver().start()
    print(found.port, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
