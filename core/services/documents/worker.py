"""The background renderer inside ``govhall serve``: an asyncio task that renders the documents
transitions issued, right after their transaction commits (see :mod:`core.services.documents.rendering`).

A request that numbers a document notes it (:func:`note_issued`); when the request is over, and so
its transaction committed, :class:`KickRenderer` wakes the worker, which claims and renders; it
also looks for due documents (retries, other processes' leftovers) every ``render_seconds``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from typing import Any

from core.services.documents.rendering import render_due

log = logging.getLogger("govhall.documents")


_issued: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("govhall_documents_issued", default=None)


def note_issued() -> None:
    """Called when a document is numbered: the request's middleware wakes the worker once the
    request is over (its transaction committed), so the render starts at once."""
    holder = _issued.get()
    if holder is not None:
        holder.append(True)


class RenderWorker:
    """The background renderer of one ``govhall serve`` process: renders due documents when woken
    (:meth:`kick`) and every ``poll_seconds``. Several processes share the work through claims."""

    def __init__(self, govhall: Any, poll_seconds: float) -> None:
        self.govhall = govhall
        self.poll_seconds = poll_seconds
        self.wake = asyncio.Event()

    def kick(self) -> None:
        self.wake.set()

    async def run(self) -> None:
        await _say_if_no_chinese_font()
        while True:
            try:
                await render_due(self.govhall)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be briefly away: try again later
                log.exception("document renderer: a round failed")
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=self.poll_seconds)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()


async def _say_if_no_chinese_font() -> None:
    """Tell the operator at start-up, not at the first notice, that documents cannot be printed
    here (they wait, retried, until a font is installed: :mod:`core.services.documents.fonts`),
    or that the rare characters of names (生僻字) would print as empty boxes.
    Asked in a short-lived process: fontconfig's font cache would otherwise stay in every worker's
    memory (a few MiB) although most never lay out a PDF."""
    import sys

    from core.services.documents.fonts import INSTALL_HINT, RARE_HINT

    ask = ("from core.services.documents.fonts import chinese_font_families as f, rare_characters_missing as r; "
           "print(len(f()), len(r()))")

    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", ask,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, _ = await child.communicate()
        except asyncio.CancelledError:  # the app stops first: end the child here, not in a finalizer after the loop
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
            raise
        found, missing = map(int, out.decode().split())
    except Exception:  # noqa: BLE001 - no fontconfig at all: the first render says why
        log.exception("document renderer: cannot ask fontconfig for Chinese fonts")
        return
    if not found:
        log.error("服务器未安装中文字体，受理通知书等文书无法生成（生成时会失败并重试）：%s", INSTALL_HINT)
    elif missing:
        log.warning("服务器未安装生僻字字体，文书中姓名、地名的生僻字（如 𠮷、䶮）会印成空框：%s", RARE_HINT)


class KickRenderer:
    """ASGI middleware: after a request that issued documents, wake the app's render worker."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        holder: list[bool] = []
        token = _issued.set(holder)
        try:
            await self.app(scope, receive, send)
        finally:
            _issued.reset(token)
            if holder:
                app = scope.get("app")
                worker = getattr(getattr(app, "state", None), "render_worker", None)
                if worker is not None:
                    worker.kick()


def start_render_worker(app: Any, govhall: Any) -> asyncio.Task[None] | None:
    """Start the app's worker (none when ``render_seconds`` is 0: downloads still render)."""
    seconds = govhall.settings.render_seconds
    if seconds <= 0:
        return None
    worker = RenderWorker(govhall, seconds)
    app.state.render_worker = worker
    return asyncio.create_task(worker.run(), name="govhall-document-renderer")


async def stop_render_worker(app: Any, task: asyncio.Task[None] | None) -> None:
    app.state.render_worker = None
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
