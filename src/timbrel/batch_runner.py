"""Running a checked manifest: enrol each reference once, dispatch jobs to workers, write
outputs atomically and record each finished job at once, so a killed run resumes.

State lives in the output folder: `results.jsonl` (one record per finished job, appended
and flushed to disk as each job ends) and `.timbrel-batch/voices/` (enrolled references,
keyed by the file's hash and transcript). A rerun of the same command skips every job whose
record says it finished with the same settings and whose file is there.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch import Job, ManifestError, load_manifest, output_path
from .batch_worker import Task, TaskResult, default_threads, render_task, warm_up

log = logging.getLogger(__name__)

RESULTS_NAME = "results.jsonl"
STATE_DIR = ".timbrel-batch"


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path
    workers: int = 1
    threads: int | None = None
    """Inference threads per worker (None: the cores shared equally between workers; a
    single in-process worker then keeps the engine as it is)."""
    verify: bool = False
    thresholds: dict[str, Any] = field(default_factory=dict)
    ray: bool = False
    ray_address: str | None = None
    library: str | None = None
    progress: bool = True


@dataclass
class BatchSummary:
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    audio_seconds: float = 0.0
    elapsed: float = 0.0
    failures: list[str] = field(default_factory=list)


class ResultsLog:
    """`results.jsonl`: appended one finished job at a time, flushed and synced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def finished(self) -> dict[str, dict[str, Any]]:
        """output_name -> last successful record (a torn last line is ignored)."""
        records: dict[str, dict[str, Any]] = {}
        if not self.path.is_file():
            return records
        for raw in self.path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and record.get("status") == "ok":
                records[record["output_name"]] = record
        return records

    def append(self, record: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        needs_newline = self.path.is_file() and self.path.stat().st_size > 0 and \
            not self.path.read_bytes()[-1:] == b"\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            if needs_newline:  # a run killed mid-line left a torn record
                handle.write("\n")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def pending_jobs(jobs: list[Job], out_dir: Path, log_: ResultsLog) -> tuple[list[Job], int]:
    """Jobs still to do, and how many are already finished (same key, file present)."""
    finished = log_.finished()
    todo = []
    for job in jobs:
        record = finished.get(job.output_name)
        if record and record.get("key") == job.key and (out_dir / job.output_name).is_file():
            continue
        todo.append(job)
    return todo, len(jobs) - len(todo)


def voice_cache_key(job: Job) -> str:
    blob = f"{job.prompt_hash}\0{job.prompt_text}".encode()
    return hashlib.sha256(blob).hexdigest()[:20]


def prepare_voices(jobs: list[Job], out_dir: Path, library: str | None,
                   enroll: Callable[..., Any] | None = None) -> dict[int, str]:
    """A voice file per job (by line): library voices as stored; each distinct reference
    (file hash + transcript) enrolled once and cached under `.timbrel-batch/voices/`."""
    from .library import VoiceLibrary

    if enroll is None:
        from .enrollment import enroll
    cache = out_dir / STATE_DIR / "voices"
    files: dict[int, str] = {}
    shelf = VoiceLibrary(library)
    for job in jobs:
        if job.voice is not None:
            files[job.line] = str(shelf.path_for(job.voice))
            continue
        path = cache / f"{voice_cache_key(job)}.tvoice"
        if not path.is_file():
            log.info("enrolling %s", job.prompt_audio)
            try:
                voice = enroll(job.prompt_audio, transcript=job.prompt_text)
            except ValueError as error:
                raise ValueError(f"line {job.line}: cannot enrol {job.prompt_audio}: {error}"
                                 ) from error
            voice.save(path)
        files[job.line] = str(path)
    return files


def start_pool(workers: int, threads: int | None) -> Any:
    """A pool of `workers` processes, spawned now: each loads its engine while the caller
    is still reading the manifest and enrolling references."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up,
                               initargs=(threads or default_threads(workers),))
    for _ in range(workers):  # each submit of a not-yet-idle pool spawns one more process
        pool.submit(int)
    return pool


def local_results(tasks: list[Task], workers: int, threads: int | None = None,
                  pool: Any = None) -> Iterator[TaskResult]:
    """Run tasks here (one worker) or in a pool of processes, one engine each."""
    if pool is None and (workers <= 1 or len(tasks) <= 1):
        if threads:
            warm_up(threads)
        for task in tasks:
            yield render_task(task)
        return
    from concurrent.futures import as_completed

    own = pool is None
    pool = pool or start_pool(workers, threads)
    try:
        futures = [pool.submit(render_task, task) for task in tasks]
        for future in as_completed(futures):
            yield future.result()
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def run_batch(manifest: str | os.PathLike[str], options: BatchOptions,
              results: Callable[[list[Task], BatchOptions], Iterable[TaskResult]] | None = None
              ) -> BatchSummary:
    """Check the whole manifest, then render every unfinished job."""
    from .library import VoiceLibrary

    started = time.perf_counter()
    out_dir = Path(options.out_dir)
    names = {entry.name for entry in VoiceLibrary(options.library).list()}
    jobs, errors = load_manifest(manifest, out_dir, voices=names)
    if errors:
        raise ManifestError(Path(manifest), errors)
    out_dir.mkdir(parents=True, exist_ok=True)
    record_log = ResultsLog(out_dir / RESULTS_NAME)
    todo, skipped = pending_jobs(jobs, out_dir, record_log)
    summary = BatchSummary(total=len(jobs), skipped=skipped)
    if skipped:
        log.warning("%d of %d job(s) already finished; skipping them", skipped, len(jobs))
    pool = None
    if results is None and not options.ray and options.workers > 1 and len(todo) > 1:
        pool = start_pool(options.workers, options.threads)  # warms up while we enrol
    try:
        voice_files = prepare_voices(todo, out_dir, options.library)
        tasks = [Task(job=job, voice_file=voice_files[job.line], verify=options.verify,
                      thresholds=dict(options.thresholds)) for job in todo]
        if results is None:
            if options.ray:
                from .batch_ray import ray_results

                results = ray_results
            else:
                def results(tasks: list[Task], options: BatchOptions) -> Iterable[TaskResult]:
                    return local_results(tasks, options.workers, options.threads, pool)
        from tqdm import tqdm

        with tqdm(total=len(jobs), initial=skipped, unit="job", file=sys.stderr,
                  disable=not options.progress, dynamic_ncols=True) as bar:
            for result in results(tasks, options):
                record_result(result, out_dir, record_log, summary)
                bar.update(1)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    summary.elapsed = time.perf_counter() - started
    return summary


def record_result(result: TaskResult, out_dir: Path, record_log: ResultsLog,
                  summary: BatchSummary) -> None:
    """Write the job's file atomically, then its record; count it."""
    record: dict[str, Any] = {"line": result.line, "output_name": result.output_name,
                              "key": result.key, "elapsed": round(result.elapsed, 3)}
    if result.ok:
        try:
            path = output_path(out_dir, result.output_name)  # checked again: links may change
            write_atomically(path, result.data)
        except (OSError, ValueError) as error:
            result.ok, result.error = False, f"cannot write output: {error}"
    if result.ok:
        record.update(status="ok", audio_seconds=round(result.audio_seconds, 3),
                      bytes=len(result.data), sha256=hashlib.sha256(result.data).hexdigest())
        if result.verify is not None:
            record["verify"] = result.verify
        summary.done += 1
        summary.audio_seconds += result.audio_seconds
    else:
        record.update(status="error", error=result.error)
        summary.failed += 1
        summary.failures.append(f"line {result.line} ({result.output_name}): {result.error}")
        log.error("line %d (%s) failed: %s", result.line, result.output_name, result.error)
    record_log.append(record)
