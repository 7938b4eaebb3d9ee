"""One worker thread runs every engine job in turn; a bounded number may wait.

The engines are not thread-safe, so synthesis, enrollment and reference checks all go
through `EngineQueue`: a single worker thread, holding `ENGINE_LOCK` (shared by every
queue in the process) with torch's gradients off while a job runs. At most
`max_pending` jobs wait or run; one more raises `QueueFull`, which the routes turn into
429 with a Retry-After estimate.
Streaming jobs hand their items to the event loop as they are produced, and stop early
when the client goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import queue
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

ENGINE_LOCK = threading.Lock()
T = TypeVar("T")


class QueueFull(Exception):
    """Too many engine jobs are waiting; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy; retry after {retry_after} s")
        self.retry_after = retry_after


class QueueClosed(RuntimeError):
    """The server is shutting down."""


@dataclass
class _Job:
    run: Callable[[threading.Event], None]
    fail: Callable[[BaseException], None]
    cancel: threading.Event = field(default_factory=threading.Event)


class EngineQueue:
    """A single worker thread for engine jobs, with admission control."""

    def __init__(self, max_pending: int) -> None:
        self.max_pending = max_pending
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pending = 0
        self._mean_seconds = 1.0
        self._closed = False
        self._thread: threading.Thread | None = None
        self.completed = 0

    @property
    def pending(self) -> int:
        return self._pending

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="timbrel-engine",
                                            daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Refuse new jobs, fail the queued ones, let the running one finish."""
        self._closed = True
        self._jobs.put(None)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def retry_after(self) -> int:
        return max(1, math.ceil(self._mean_seconds * max(1, self._pending)))

    def _admit(self) -> None:
        if self._closed:
            raise QueueClosed("the server is shutting down")
        with self._lock:
            if self._pending >= self.max_pending:
                raise QueueFull(self.retry_after())
            self._pending += 1

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                break
            started = time.perf_counter()
            try:
                if self._closed:
                    job.fail(QueueClosed("the server is shutting down"))
                elif not job.cancel.is_set():
                    with ENGINE_LOCK, _without_autograd():
                        job.run(job.cancel)
            except BaseException as error:  # noqa: BLE001 - handed to the waiting request
                job.fail(error)
            finally:
                elapsed = time.perf_counter() - started
                with self._lock:
                    self._pending -= 1
                    self._mean_seconds = 0.8 * self._mean_seconds + 0.2 * elapsed
                    self.completed += 1
        while not self._jobs.empty():  # fail whatever was still queued
            job = self._jobs.get_nowait()
            if job is not None:
                job.fail(QueueClosed("the server is shutting down"))

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` on the worker and wait for its result."""
        self._admit()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(setter: Callable[[Any], None], value: Any) -> None:
            if not future.done():
                setter(value)

        def run(_: threading.Event) -> None:
            result = function(*args)
            _post(loop, settle, future.set_result, result)

        def fail(error: BaseException) -> None:
            _post(loop, settle, future.set_exception, error)

        job = _Job(run, fail)
        self._jobs.put(job)
        try:
            return await future
        finally:
            job.cancel.set()  # a caller that gave up need not be served

    def stream(self, produce: Callable[[], Iterator[T]]) -> AsyncIterator[T]:
        """Iterate `produce()` on the worker; items arrive on the event loop as made.

        Admission happens now (so `QueueFull` is raised before any response starts);
        closing the returned iterator early stops the job at its next item.
        """
        self._admit()
        loop = asyncio.get_running_loop()
        channel: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

        def run(cancel: threading.Event) -> None:
            for item in produce():
                if cancel.is_set():
                    return
                _post(loop, channel.put_nowait, ("item", item))
            _post(loop, channel.put_nowait, ("end", None))

        def fail(error: BaseException) -> None:
            _post(loop, channel.put_nowait, ("error", error))

        job = _Job(run, fail)
        self._jobs.put(job)
        return _drain(channel, job.cancel)


async def _drain(channel: asyncio.Queue[tuple[str, Any]], cancel: threading.Event
                 ) -> AsyncIterator[Any]:
    try:
        while True:
            kind, value = await channel.get()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        cancel.set()


def _without_autograd() -> contextlib.AbstractContextManager:
    """Serving never needs gradients; without this, torch models run in the engine (the
    PerTh watermarker) keep autograd state and the server's memory grows ~3.6 MB a call."""
    try:
        import torch
    except ImportError:  # pragma: no cover - an engine without torch
        return contextlib.nullcontext()
    return torch.no_grad()  # not inference_mode: its tensors must not leak into later calls


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:  # the event loop has closed: nobody is waiting any more
        log.debug("dropped a result: the event loop is closed")
