"""`POST /v1/audio/speech`: OpenAI's speech endpoint, streamed as chunks are made.

(No `from __future__ import annotations` here: the request model is built at app
creation and FastAPI must see it as a real annotation.)
"""

import logging
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from ..controls import SynthesisConfig
from ..library import LibraryError
from ..render import synthesize
from .encoding import CONTENT_TYPES, make_encoder
from .errors import ERROR_RESPONSES, ApiError, from_exception
from .jobs import QueueClosed, QueueFull
from .state import ServerState, State

log = logging.getLogger(__name__)

OPENAI_ONLY = ("model", "voice", "input", "response_format", "instructions", "stream_format")


def build_router(request_model: type[BaseModel], dependencies: list) -> APIRouter:
    router = APIRouter(dependencies=dependencies, tags=["speech"])

    @router.post(
        "/v1/audio/speech",
        response_class=StreamingResponse,
        responses={200: {"description": "audio bytes in the requested format, streamed",
                         "content": {ctype: {} for ctype in CONTENT_TYPES.values()}},
                   **ERROR_RESPONSES},
        summary="Speak text in a library voice (OpenAI-compatible)",
    )
    async def speech(body: request_model, state: State  # type: ignore[valid-type]
                     ) -> StreamingResponse:
        values = body.model_dump(exclude_none=True)
        settings = {key: value for key, value in values.items() if key not in OPENAI_ONLY}
        config = SynthesisConfig.from_dict(settings)  # ConfigError -> 400
        fmt = values.get("response_format", "mp3")
        chunks = _start(state, values["input"], values["voice"], config, fmt)
        first = await _first(chunks)
        headers = {"X-Timbrel-Voice": values["voice"], "Cache-Control": "no-store"}
        return StreamingResponse(_rest(first, chunks), media_type=CONTENT_TYPES[fmt],
                                 headers=headers)

    return router


def _start(state: ServerState, text: str, voice_name: str, config: SynthesisConfig,
           fmt: str) -> AsyncIterator[bytes]:
    def produce() -> Iterator[bytes]:
        try:
            voice = state.voices.get(voice_name)  # on the worker: see voice_cache.py
        except LibraryError as error:
            api = from_exception(error)
            raise ApiError(api.status, api.message, param="voice", code=api.code) from error
        stream = synthesize(text, voice, config)
        first = next(stream)  # TextError etc. surface before any byte is sent
        encoder = make_encoder(fmt, first.sample_rate)
        try:
            yield encoder.encode(first.samples)
            for chunk in stream:
                data = encoder.encode(chunk.samples)
                if data:
                    yield data
            tail = encoder.finish()
            if tail:
                yield tail
        finally:
            close = getattr(encoder, "close", None)
            if close:
                close()

    try:
        return state.engines.stream(produce)
    except QueueFull as full:
        raise ApiError(429, str(full), code="queue_full",
                       headers={"Retry-After": str(full.retry_after)}) from full
    except QueueClosed as closed:
        raise ApiError(503, str(closed), code="shutting_down") from closed


async def _first(chunks: AsyncIterator[bytes]) -> bytes:
    try:
        return await chunks.__anext__()
    except StopAsyncIteration as error:
        raise ApiError(400, "nothing speakable in the text", param="input") from error
    except QueueClosed as closed:
        raise ApiError(503, str(closed), code="shutting_down") from closed
    except BaseException:
        await chunks.aclose()  # type: ignore[attr-defined]
        raise


async def _rest(first: bytes, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        yield first
        async for data in chunks:
            yield data
    except Exception:  # noqa: BLE001 - headers are sent: log and end the stream early
        log.exception("synthesis failed part-way; the response was cut short")
    finally:
        await chunks.aclose()  # type: ignore[attr-defined]
