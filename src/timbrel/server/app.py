"""`create_app(...)`: the FastAPI application, built fresh on every call (no global app)."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..library import VoiceLibrary
from . import routes_meta, routes_speech, routes_voices
from .auth import api_key_dependency
from .body_limit import BodyLimit
from .controls_info import speech_request_model
from .errors import install_error_handlers
from .headers import SecurityHeaders
from .jobs import EngineQueue
from .limits import ServerLimits
from .state import ServerState
from .voice_cache import VoiceCache

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
FORM_HEADROOM_BYTES = 64 * 1024  # multipart boundaries and text fields beside the clip


def create_app(
    library: VoiceLibrary | str | os.PathLike[str] | None = None,
    *,
    api_key: str | None = None,
    limits: ServerLimits | None = None,
    warm_up: bool = True,
    studio: bool = True,
) -> FastAPI:
    """The timbrel HTTP app.

    `library`: the voice library (or its folder; default: the user's library).
    `api_key`: when set, every route but `/health`, the schema and the studio's static
    page needs `Authorization: Bearer <api_key>`.
    `warm_up`: load the engine when the server starts rather than on the first request.
    """
    if not isinstance(library, VoiceLibrary):
        library = VoiceLibrary(library)
    limits = limits or ServerLimits()
    state = ServerState(library=library, limits=limits,
                        engines=EngineQueue(limits.max_pending_jobs),
                        api_key_required=bool(api_key), voices=VoiceCache(library))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state.engines.start()
        if warm_up:
            await _warm_up(state)
        try:
            yield
        finally:
            state.engines.stop()

    app = FastAPI(
        title="timbrel",
        version=__version__,
        summary="Offline zero-shot voice cloning: an OpenAI-compatible speech API",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: useless offline
        redoc_url=None,
    )
    app.state.timbrel = state
    app.add_middleware(BodyLimit, limit=limits.max_upload_bytes + FORM_HEADROOM_BYTES)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    protected = api_key_dependency(api_key)
    app.include_router(routes_meta.build_open_router())
    app.include_router(routes_meta.build_router(protected))
    app.include_router(routes_speech.build_router(
        speech_request_model(limits.max_text_chars), protected))
    app.include_router(routes_voices.build_router(protected))
    if studio:
        app.mount("/studio", StaticFiles(directory=STATIC_DIR, html=True), name="studio")

        @app.get("/", include_in_schema=False)
        def root() -> RedirectResponse:
            return RedirectResponse("/studio/")

    return app


async def _warm_up(state: ServerState) -> None:
    from ..engines import get_engine

    def load() -> None:
        for name in ("builtin", "heart"):  # the two a new voice may be enrolled on
            warm = getattr(get_engine(name), "warm_up", None)
            if warm:
                warm()

    try:
        await state.engines.call(load)
        state.engine_ready = True
    except Exception:  # noqa: BLE001 - the server still serves; the first request retries
        log.exception("could not load the engine at start-up")
