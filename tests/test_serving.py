"""`govhall serve`'s socket and supervisor (core.faces.serving): connections accepted by a worker send
without waiting for delayed ACKs (TCP_NODELAY), workers parse HTTP with httptools on uvloop, and a
worker that dies is replaced."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time

import httpx
import pytest

from core.faces.serving import bind_socket, loaded_config, uvicorn_config
from tests.cli import GOVHALL, ROOT, free_port, serving

pytestmark = pytest.mark.anyio


async def hello(scope, receive, send):
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_accepted_connections_have_tcp_nodelay():
    import uvicorn

    sock = bind_socket("127.0.0.1", 0)
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    server = uvicorn.Server(uvicorn_config(hello, "warning"))
    server.config.lifespan = "off"
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
        await writer.drain()
        assert (await reader.readuntil(b"\r\n")).startswith(b"HTTP/1.1 200")
        accepted = [p.transport.get_extra_info("socket") for p in server.server_state.connections]
        assert accepted, "the server holds the open connection"
        assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in accepted)
        writer.close()
    finally:
        server.should_exit = True
        await task
        sock.close()


def test_workers_parse_http_in_c_on_libuv_loop():
    """httptools and uvloop are dependencies, and uvicorn picks them: about half again as many
    requests per worker as h11 and asyncio's own loop (bench/load.py)."""
    import uvloop
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    config = loaded_config(hello, "warning")
    assert config.http_protocol_class is HttpToolsProtocol
    assert config.get_loop_factory() is uvloop.new_event_loop


def children_of(pid: int) -> set[int]:
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found |= {int(p) for p in f.read().split()}
    return found


@pytest.mark.slow
def test_the_supervisor_replaces_a_worker_that_dies(tmp_path):
    port = free_port()
    env = {**os.environ, "GOVHALL_DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}", "GOVHALL_SWEEP_SECONDS": "0"}
    process = subprocess.Popen(GOVHALL + ["serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def wait_for(condition, what: str) -> None:
        deadline = time.monotonic() + 60
        while not condition():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(f"{what}: {process.stderr.read() if process.stderr else ''}")
            time.sleep(0.1)

    try:
        wait_for(answers, "the server did not start")
        wait_for(lambda: len(children_of(process.pid)) == 2, "two workers")
        first = children_of(process.pid)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: len(children_of(process.pid) - {victim}) == 2, "a new worker")
        assert answers()
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    assert not any(os.path.exists(f"/proc/{pid}") and open(f"/proc/{pid}/stat").read().split()[2] != "Z" for pid in first - {victim})


def _request_lines(tmp_path, log_requests: str) -> list[str]:
    """The lines `govhall serve --log-level info` wrote about one GET /healthz."""
    output = tmp_path / f"serve{log_requests}.log"
    with serving(f"sqlite://{tmp_path / f'log{log_requests}.sqlite3'}", log_level="info", output=output,
                 env={**os.environ, "GOVHALL_LOG_REQUESTS": log_requests}):
        pass  # serving() asked /healthz once it answered
    return [line for line in output.read_text("utf-8").splitlines() if "/healthz" in line]


@pytest.mark.slow
def test_each_request_is_logged_once(tmp_path):
    """GovHall's own access line (JSON, with the time taken and the size) replaces uvicorn's; with
    GovHall's turned off, uvicorn's is kept, so a request is never left unlogged."""
    own = _request_lines(tmp_path, "1")
    assert len(own) == 1 and '"path": "/healthz"' in own[0] and '"status": 200' in own[0], own
    plain = _request_lines(tmp_path, "0")
    assert len(plain) == 1 and '"GET /healthz HTTP/1.1" 200' in plain[0], plain
