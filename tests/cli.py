"""Running the command line in tests: ``govhall`` in its own process, on a database of its own."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
GOVHALL = [sys.executable, "-m", "core.faces.cli"]


def run(args: list[str], db: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOVHALL_DATABASE_URL": db}
    return subprocess.run(GOVHALL + args, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def execute_on_server(server_url: str, statement: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) on the test server, through ``server_url``'s database."""
    import asyncpg

    async def execute() -> None:
        conn = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(execute())


@contextmanager
def new_postgres_database(server_url: str, name: str, template: str | None = None) -> Iterator[str]:
    """A new database on the test server (a copy of ``template`` if given), dropped afterwards."""
    execute_on_server(server_url, f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    try:
        yield f"{server_url.rsplit('/', 1)[0]}/{name}"
    finally:
        execute_on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{int(time.time() * 1000) % 10**8}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(url: str, *, log_level: str = "warning", env: dict[str, str] | None = None,
            output: Path | None = None) -> Iterator[int]:
    """`govhall serve` on ``url`` (``env``: the environment, else this one), its output written to
    ``output`` (else discarded); yields its port once /healthz answers (at most a minute), then stops it."""
    port = free_port()
    environment = {**(env if env is not None else os.environ), "GOVHALL_DATABASE_URL": url, "GOVHALL_SWEEP_SECONDS": "0"}
    with (output.open("w") if output else open(os.devnull, "w")) as out:
        server = subprocess.Popen(GOVHALL + ["serve", "--port", str(port), "--log-level", log_level], cwd=ROOT,
                                  env=environment, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() == {"status": "ok"}
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    said = output.read_text("utf-8")[-2000:] if output else ""
                    raise AssertionError(f"server did not start: {'exited' if server.poll() is not None else 'timeout'}\n{said}")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
