"""Engines: the interface, the registry and the built-in offline engine."""

from .base import Capabilities, Engine, EngineError, available_engines, get_engine, register_engine

__all__ = [
    "Capabilities",
    "Engine",
    "EngineError",
    "available_engines",
    "get_engine",
    "register_engine",
]
