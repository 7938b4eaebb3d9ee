"""`/health` (always open), `/v1/models` and `/v1/controls`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from .. import __version__
from ..engines import available_engines
from .controls_info import describe_controls
from .errors import ERROR_RESPONSES
from .state import State

MODEL_IDS = ("timbrel", "tts-1", "tts-1-hd", "gpt-4o-mini-tts")


def build_open_router() -> APIRouter:
    router = APIRouter(tags=["meta"])

    @router.get("/health", summary="Liveness and queue state (no API key needed)")
    def health(state: State) -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "engine_ready": state.engine_ready,
                "queue": {"pending": state.engines.pending,
                          "max_pending": state.limits.max_pending_jobs},
                "api_key_required": state.api_key_required}

    return router


def build_router(dependencies: list) -> APIRouter:
    router = APIRouter(dependencies=dependencies, tags=["meta"], responses=ERROR_RESPONSES)

    @router.get("/v1/models", summary="Model names accepted by /v1/audio/speech")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [
            {"id": model_id, "object": "model", "owned_by": "timbrel"} for model_id in MODEL_IDS
        ], "engines": available_engines()}

    @router.get("/v1/controls", summary="Every synthesis control, with type, default and range")
    def controls(state: State) -> dict[str, Any]:
        return describe_controls() | {"limits": {
            "max_text_chars": state.limits.max_text_chars,
            "max_upload_bytes": state.limits.max_upload_bytes,
            "max_reference_seconds": state.limits.max_reference_seconds}}

    return router
