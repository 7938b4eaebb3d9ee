"""The Ray backend for batch jobs: one actor (one engine) per worker, anywhere on a cluster.

Voice files are shipped through the object store once each; actors return encoded bytes,
which the driver writes, so the files are identical to a local run's. Needs `pip install
ray` (the `ray` extra).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch_worker import Task, TaskResult

if TYPE_CHECKING:
    from .batch_runner import BatchOptions

log = logging.getLogger(__name__)


def import_ray() -> Any:
    try:
        import ray
    except ImportError as error:
        raise RuntimeError("the Ray backend needs Ray: pip install 'timbrel[ray]' "
                           "(or pip install ray)") from error
    return ray


class BatchActor:
    """Holds one engine; renders tasks whose voice arrives as file bytes."""

    def __init__(self) -> None:
        from .batch_worker import warm_up

        warm_up()

    def run(self, task: Task, voice_name: str, voice_bytes: bytes) -> TaskResult:
        from dataclasses import replace

        from .batch_worker import render_task, voice_from_bytes

        local = voice_from_bytes(voice_bytes, voice_name)
        return render_task(replace(task, voice_file=local))


def ray_results(tasks: list[Task], options: BatchOptions) -> Iterator[TaskResult]:
    """Run tasks on Ray (`options.ray_address`, else a local instance) and yield results."""
    ray = import_ray()
    if not tasks:
        return
    started_here = not ray.is_initialized()
    if started_here:
        if options.ray_address:
            ray.init(address=options.ray_address, log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, options.workers), log_to_driver=False,
                     include_dashboard=False)
    try:
        yield from _dispatch(ray, tasks, max(1, options.workers))
    finally:
        if started_here:
            ray.shutdown()


def _dispatch(ray: Any, tasks: list[Task], workers: int) -> Iterator[TaskResult]:
    actor_class = ray.remote(num_cpus=1)(BatchActor)
    actors = [actor_class.remote() for _ in range(min(workers, len(tasks)))]
    shipped: dict[str, Any] = {}
    for task in tasks:
        if task.voice_file not in shipped:
            shipped[task.voice_file] = ray.put(Path(task.voice_file).read_bytes())
    queue = list(tasks)
    running: dict[Any, Any] = {}

    def submit(actor: Any) -> None:
        task = queue.pop(0)
        name = f"{_digest(task.voice_file)}.tvoice"
        running[actor.run.remote(task, name, shipped[task.voice_file])] = actor

    for actor in actors:
        if queue:
            submit(actor)
    while running:
        ready, _ = ray.wait(list(running), num_returns=1)
        actor = running.pop(ready[0])
        if queue:
            submit(actor)
        yield ray.get(ready[0])


def _digest(path: str) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:20]
