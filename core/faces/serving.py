"""``govhall serve``: one listening socket, N uvicorn worker processes, a small supervisor.

uvicorn's own multi-worker mode binds its socket as ``socket(AF_INET)`` (protocol 0); asyncio
turns Nagle off (TCP_NODELAY) only on sockets whose protocol is ``IPPROTO_TCP``, so every answer
of a multi-worker uvicorn waits for the client's delayed ACK (~40 ms). Here the socket is bound
as ``IPPROTO_TCP`` with TCP_NODELAY set, and the workers are forked from a process that has
already imported the app: they start in milliseconds and share its pages until they write them.
The supervisor forwards SIGTERM/SIGINT to the workers and starts a new one when one dies.

Start-up runs with the cyclic garbage collector paused (:func:`collector_paused`); :func:`serve`
then freezes what it built (``gc.freeze``) before it forks or answers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

RESTART_PAUSE = 1.0  # seconds between restarts of a worker that keeps dying at start


def bind_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket whose accepted connections send without delay (TCP_NODELAY)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def keep_heap_small() -> None:
    """Give big freed blocks back to the system. Verifying a password (Argon2) allocates tens of
    MiB; after the first such block is freed, glibc raises its mmap threshold and serves the next
    ones from the heap, where they stay resident: a worker grew by ~20 MiB at its first login.
    Fixing the threshold (at glibc's default) keeps such blocks in their own mappings."""
    try:
        libc = _libc()
        libc.mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):  # not glibc: nothing to tune
        pass


def _libc() -> Any:
    """glibc by its usual name; else the C library ``find_library`` finds (it runs ``ldconfig -p``
    in a child process: a few ms of every start where glibc's name already answers)."""
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        import ctypes.util

        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while modules load and the app is built.

    Start-up makes ~100 000 objects that live as long as the process and almost no garbage: every
    collection meanwhile only scans them again (about a tenth of the time to the first answer).
    :func:`serve` freezes them and turns the collector back on; leaving the block turns it back on
    in any case (when it was on before)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


YOUNG_OBJECTS_PER_COLLECTION = 10_000
"""A request makes a few thousand container objects that die with it. At Python's default (700)
the collector ran several times per request, and each run passed the request's still-live objects
on to the older generations, which are scanned again later: ~4% of a worker's CPU. At 10,000 most
die before a collection: ~7% more requests per second under the load mix (bench/load.py,
alternated runs), for ~1 MiB more resident memory."""


def freeze_startup_objects() -> None:
    """Move every object alive now to the collector's permanent generation, then turn it on,
    collecting the young generation every :data:`YOUNG_OBJECTS_PER_COLLECTION` objects.

    Later collections skip them (shorter pauses while serving), and a collection in a forked
    worker no longer writes into each of them (it marks every object it scans), so fewer of the
    parent's pages are copied into each worker."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, older, oldest)
    gc.enable()


def uvicorn_config(app: Any, log_level: str) -> Any:
    """uvicorn's configuration of ``app``; its own access log only when GovHall's is off (GovHall
    logs each request itself, as one JSON line with its time and size: two lines per request
    would only double the log)."""
    import uvicorn

    return uvicorn.Config(app, log_level=log_level, proxy_headers=True, lifespan="on", access_log=not _logs_requests(app))


def _logs_requests(app: Any) -> bool:
    govhall = getattr(getattr(app, "state", None), "govhall", None)
    return bool(govhall is not None and govhall.settings.log_requests)


def loaded_config(app: Any, log_level: str) -> Any:
    """uvicorn's configuration with its protocol, lifespan and event loop modules already imported:
    loaded before the workers are forked, they share those modules instead of each importing them."""
    config = uvicorn_config(app, log_level)
    config.load()
    config.get_loop_factory()
    return config


def run_worker(config: Any, sock: socket.socket) -> None:
    """Serve the app of a :func:`loaded_config` on the already listening ``sock`` until SIGTERM/SIGINT."""
    import uvicorn

    uvicorn.Server(config).run(sockets=[sock])


def serve(app: Any, host: str, port: int, workers: int, log_level: str) -> None:
    """Bind, then run one worker in this process or supervise ``workers`` forked ones."""
    sock = bind_socket(host, port)
    keep_heap_small()  # before forking: the workers inherit it
    config = loaded_config(app, log_level)
    freeze_startup_objects()
    if workers <= 1:
        run_worker(config, sock)
        return
    Supervisor(config, sock, workers).run()


class Supervisor:
    def __init__(self, config: Any, sock: socket.socket, workers: int) -> None:
        self.config, self.sock, self.workers = config, sock, workers
        self.children: set[int] = set()
        self.stopping = False

    def spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: default signal handling (uvicorn installs its own)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            code = 0
            try:
                run_worker(self.config, self.sock)
            except BaseException:  # noqa: BLE001 - report and leave: the supervisor decides
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        self.children.add(pid)

    def stop(self, signum: int, frame: Any) -> None:
        self.stopping = True
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.children.discard(pid)

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for _ in range(self.workers):
            self.spawn()
        last_restart = 0.0
        while self.children:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for clarity
                continue
            self.children.discard(pid)
            if self.stopping:
                continue
            print(f"GovHall 工作进程 {pid} 意外退出（状态 {status}），正在重新启动", file=sys.stderr, flush=True)
            wait = last_restart + RESTART_PAUSE - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            last_restart = time.monotonic()
            self.spawn()
        self.sock.close()
