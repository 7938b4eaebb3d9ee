"""What a batch worker does with one job: speak it and hand back the encoded file.

Workers (local processes or Ray actors) run `render_task`; the encoded bytes depend only
on the task, so every backend writes identical files. Each worker process keeps one engine
(the registry's shared instance) and a small cache of loaded voices.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from .batch import Job

SUBTYPES = {"wav": "PCM_16", "flac": "PCM_16", "ogg": "VORBIS", "mp3": "MPEG_LAYER_III"}


@dataclass(frozen=True)
class Task:
    """A job plus where its voice file is (enrolled once, before any worker starts)."""

    job: Job
    voice_file: str
    verify: bool = False
    thresholds: dict[str, Any] = field(default_factory=dict)


@dataclass
class TaskResult:
    line: int
    output_name: str
    key: str
    ok: bool
    data: bytes = b""
    audio_seconds: float = 0.0
    elapsed: float = 0.0
    error: str = ""
    verify: dict[str, Any] | None = None


@lru_cache(maxsize=16)
def load_voice(path: str, lexicon: tuple[tuple[tuple[str, str], ...], ...] = ()):
    from .voice import Voice

    voice = Voice.load(path)
    if lexicon:
        voice = voice.with_changes(lexicon=tuple(voice.lexicon) + tuple(dict(e) for e in lexicon))
    return voice


def voice_from_bytes(data: bytes, name: str) -> str:
    """Store shipped voice-file bytes in this worker's temp folder; return the path."""
    folder = Path(tempfile.gettempdir()) / "timbrel-batch-voices"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if not path.is_file():
        tmp = folder / f".{name}.{time.time_ns()}.part"
        tmp.write_bytes(data)
        tmp.replace(path)
    return str(path)


def warm_up(threads: int | None = None) -> None:
    """Load the built-in engine now (a process pool initializer, a Ray actor's start).

    `threads` is the worker's share of the cores: its engine's inference threads and its
    BLAS threads (the mark already runs torch on one thread), so several workers do not
    fight over cores; the output bytes do not depend on it.
    """
    from .engines import get_engine, register_engine

    if threads:
        limit_threads(threads)

    def builtin_with_threads():
        from .engines.builtin.engine import BuiltinEngine
        from .engines.builtin.piper_model import PiperModel

        return BuiltinEngine(PiperModel(threads=threads) if threads else PiperModel())

    register_engine("builtin", builtin_with_threads)
    engine = get_engine("builtin")
    getattr(engine, "warm_up", lambda: None)()


def default_threads(workers: int) -> int:
    """Each of `workers` workers gets an equal share of this machine's cores (at least 1)."""
    return max(1, (os.cpu_count() or 2) // max(1, workers))


_THREAD_LIMITS: list[object] = []


def limit_threads(threads: int) -> None:
    """Cap BLAS/OpenMP pools in this process at `threads` (kept for the process's life)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    _THREAD_LIMITS.append(threadpool_limits(limits=threads))


def render_task(task: Task) -> TaskResult:
    """Speak one job into encoded audio bytes; never raises for a job's own failure."""
    job = task.job
    started = time.perf_counter()
    result = TaskResult(line=job.line, output_name=job.output_name, key=job.key, ok=False)
    try:
        lexicon = tuple(tuple(sorted(entry.items())) for entry in job.lexicon)
        voice = load_voice(task.voice_file, lexicon)
        data, seconds, report = encode(job, voice, task)
        result.ok, result.data, result.audio_seconds, result.verify = True, data, seconds, report
    except Exception as error:  # noqa: BLE001 - reported per job, the batch goes on
        result.error = f"{type(error).__name__}: {error}"
    result.elapsed = time.perf_counter() - started
    return result


def encode(job: Job, voice: Any, task: Task) -> tuple[bytes, float, dict[str, Any] | None]:
    import soundfile

    from .provenance import file_metadata
    from .qa import Thresholds, Verifier
    from .render import synthesize, watermark_enabled
    from .watermark import WATERMARK_NAME

    config = job.config()
    verifier = Verifier(voice, Thresholds(**task.thresholds)) if task.verify else None
    stream = synthesize(job.input_text, voice, config, check=verifier)
    first = next(stream)
    marked = watermark_enabled(config)
    metadata = file_metadata(voice, watermark=WATERMARK_NAME if marked else None,
                             created=voice.created)
    buffer = io.BytesIO()
    buffer.name = job.output_name
    frames = 0
    with soundfile.SoundFile(buffer, "w", samplerate=first.sample_rate, channels=1,
                             format=job.format.upper(), subtype=SUBTYPES[job.format]) as out:
        for key, value in metadata.items():
            if key in ("title", "comment", "software", "artist", "date"):
                setattr(out, key, value)
        for chunk in chain([first], stream):
            out.write(chunk.samples.clip(-1.0, 1.0))
            frames += len(chunk.samples)
    report = verifier.report() if verifier is not None else None
    return buffer.getvalue(), frames / first.sample_rate, report
