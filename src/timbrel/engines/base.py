"""The engine interface and the open registry engines are found in.

An engine turns text + a `Voice` + a `SynthesisConfig` into a stream of `AudioChunk`s,
and turns a cleaned `Reference` into the engine parameters stored in a voice. Engines
register a factory by name; heavy engines import their dependencies inside the factory.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..audio import AudioChunk
    from ..controls import SynthesisConfig
    from ..reference import Reference
    from ..voice import Voice

EngineParams = dict[str, Any]


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, declared so callers can check before asking."""

    languages: tuple[str, ...]
    streaming: bool = True
    emotion: bool = False
    exact_duration: bool = False
    devices: tuple[str, ...] = ("cpu",)


class EngineError(RuntimeError):
    """An engine could not be found, loaded or run."""


class Engine(ABC):
    """One text-to-speech engine. Voices are passed to every call; engines keep no voice."""

    name: ClassVar[str]
    version: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Sample rate of the chunks `synthesize` yields."""

    @abstractmethod
    def enroll(self, reference: Reference, *, transcript: str, language: str) -> EngineParams:
        """Everything this engine needs to speak in the reference's voice."""

    @property
    def uses_transcript(self) -> bool:
        """Whether `enroll` reads the transcript; if not, enrollment writes one beside it."""
        return True

    @abstractmethod
    def synthesize(self, text: str, voice: Voice, config: SynthesisConfig
                   ) -> Iterator[AudioChunk]:
        """Speak one segment of text; yields chunks as they are ready.

        Engines declaring `exact_duration` also accept `target_seconds=`: the total length
        of the chunks they yield for this text (pauses between them excluded).
        """

    def estimate_seconds(self, text: str, voice: Voice, config: SynthesisConfig
                         ) -> list[float]:
        """Expected length of each chunk `synthesize` would yield (for duration planning)."""
        raise EngineError(f"engine '{self.name}' cannot estimate durations")


_FACTORIES: dict[str, Callable[[], Engine]] = {}
_INSTANCES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def register_engine(name: str, factory: Callable[[], Engine]) -> None:
    """Make an engine available under `name` (replaces an earlier registration)."""
    with _LOCK:
        _FACTORIES[name] = factory
        _INSTANCES.pop(name, None)


def available_engines() -> list[str]:
    _register_builtins()
    return sorted(_FACTORIES)


def get_engine(name: str) -> Engine:
    """The shared, lazily loaded instance of the named engine."""
    _register_builtins()
    with _LOCK:
        if name not in _INSTANCES:
            if name not in _FACTORIES:
                raise EngineError(
                    f"unknown engine '{name}'; available: {', '.join(sorted(_FACTORIES))}"
                )
            _INSTANCES[name] = _FACTORIES[name]()
        return _INSTANCES[name]


def _register_builtins() -> None:
    """The bundled engines, unless registered already (a worker may register its own)."""
    if "builtin" in _FACTORIES and "heart" in _FACTORIES:
        return

    def builtin() -> Engine:
        from .builtin.engine import BuiltinEngine

        return BuiltinEngine()

    def heart() -> Engine:
        from .heart.engine import HeartEngine

        return HeartEngine()

    _FACTORIES.setdefault("builtin", builtin)
    _FACTORIES.setdefault("heart", heart)
