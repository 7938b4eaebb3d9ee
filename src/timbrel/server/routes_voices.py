"""Voice management: `/v1/voices` list, create (multipart upload), get, delete, and
`/v1/references/check` (the reference checks without saving) and `/v1/watermark/detect`
(is timbrel's provenance mark in an uploaded file)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..enrollment import enroll
from ..library import VoiceLibrary
from ..reference import describe, prepare_reference
from .errors import ERROR_RESPONSES, ApiError
from .jobs import QueueClosed, QueueFull
from .state import ServerState, State
from .uploads import Form, decode_audio, parse_form, read_body

LANGUAGES = ("en", "zh")
DETECT_MAX_SECONDS = 600.0
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


def _multipart_body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": properties, "required": required}}}}}


FILE_PROPERTY = {"type": "string", "format": "binary",
                 "description": "the reference clip (wav, flac, ogg, mp3, webm, m4a; 3-30 s "
                                "of one speaker); its type is judged by its content"}
CREATE_BODY = _multipart_body({
    "name": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"},
    "file": FILE_PROPERTY,
    "consent": {"type": "string", "minLength": 1, "maxLength": 2000,
                "description": "who agreed to this voice being cloned, and how"},
    "transcript": {"type": "string", "maxLength": 2000,
                   "description": "what the clip says; recognised when left out"},
    "language": {"type": "string", "enum": list(LANGUAGES), "default": "en"},
    "overwrite": {"type": "boolean", "default": False},
}, ["name", "file", "consent"])
CHECK_BODY = _multipart_body({"file": FILE_PROPERTY}, ["file"])


def build_router(dependencies: list) -> APIRouter:
    router = APIRouter(dependencies=dependencies, tags=["voices"], responses=ERROR_RESPONSES)

    @router.get("/v1/voices", summary="List the library's voices")
    def list_voices(state: State) -> dict[str, Any]:
        entries = [asdict(entry) | {"object": "voice"} for entry in state.library.list()]
        return {"object": "list", "data": entries}

    @router.get("/v1/voices/{name}", summary="One voice's details")
    def get_voice(name: str, state: State) -> dict[str, Any]:
        voice = state.library.get(name)
        return {"object": "voice", "name": name, **voice.summary()}

    @router.delete("/v1/voices/{name}", summary="Delete a voice")
    def delete_voice(name: str, state: State) -> dict[str, Any]:
        state.library.remove(name)
        return {"object": "voice", "name": name, "deleted": True}

    @router.post("/v1/voices", status_code=201, openapi_extra=CREATE_BODY,
                 summary="Enroll an uploaded reference clip as a named voice")
    async def create_voice(request: Request, state: State
                           ) -> dict[str, Any]:
        form = await _read_form(request, state)
        name = VoiceLibrary.check_name(form.fields.get("name", ""))
        consent = form.fields.get("consent", "").strip()
        if not consent:
            raise ApiError(400, "say who agreed to this voice being cloned, and how (consent)",
                           param="consent", code="consent_required")
        language = form.fields.get("language", "en") or "en"
        if language not in LANGUAGES:
            raise ApiError(400, f"language must be one of {', '.join(LANGUAGES)}",
                           param="language")
        overwrite = _flag(form.fields.get("overwrite", ""), "overwrite")
        transcript = form.fields.get("transcript", "").strip() or None
        if not overwrite and await run_in_threadpool(state.library.__contains__, name):
            raise ApiError(409, f"a voice named '{name}' already exists (send overwrite=true)",
                           param="name", code="voice_exists")
        upload = _file(form)
        samples, rate = await run_in_threadpool(decode_audio, upload,
                                                state.limits.max_reference_seconds)
        digest = hashlib.sha256(upload.data).hexdigest()
        label = _safe_label(upload.filename)

        def make() -> dict[str, Any]:
            reference = prepare_reference(samples, rate, source_hash=digest, name=label)
            voice = enroll(reference, transcript=transcript, language=language, consent=consent)
            state.library.add(name, voice, overwrite=overwrite)
            return {"object": "voice", "name": name, **voice.summary()}

        return await _on_engine(state, make)

    @router.post("/v1/references/check", openapi_extra=CHECK_BODY,
                 summary="Run the reference checks on an uploaded clip, without saving it")
    async def check_reference(request: Request, state: State
                              ) -> dict[str, Any]:
        form = await _read_form(request, state)
        upload = _file(form)
        samples, rate = await run_in_threadpool(decode_audio, upload,
                                                state.limits.max_reference_seconds)
        label = _safe_label(upload.filename)

        def check() -> dict[str, Any]:
            try:
                return {"usable": True, **describe(prepare_reference(samples, rate, name=label))}
            except ValueError as error:
                return {"usable": False, "error": str(error), "warnings": []}

        return await _on_engine(state, check)

    @router.post("/v1/watermark/detect", openapi_extra=CHECK_BODY,
                 summary="Is timbrel's watermark in an uploaded audio file, and how sure")
    async def detect(request: Request, state: State) -> dict[str, Any]:
        from ..watermark import detect_watermark

        form = await _read_form(request, state)
        upload = _file(form)
        samples, rate = await run_in_threadpool(decode_audio, upload, DETECT_MAX_SECONDS)

        def score() -> dict[str, Any]:
            result = detect_watermark(samples, rate)
            return {"file": _safe_label(upload.filename), "present": result.present,
                    "confidence": result.confidence, "seconds": result.seconds}

        return await _on_engine(state, score)

    return router


async def _read_form(request: Request, state: ServerState) -> Form:
    body = await read_body(request, state.limits.max_upload_bytes)
    return parse_form(body, request.headers.get("content-type", ""),
                      state.limits.max_form_fields)


def _file(form: Form):
    upload = form.files.get("file")
    if upload is None:
        raise ApiError(400, "attach the reference clip as the form's 'file' part",
                       param="file", code="file_required")
    return upload


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ApiError(400, f"{name} must be true or false", param=name)


def _safe_label(filename: str) -> str:
    """The upload's name for messages only (never a path): its last part, tamed."""
    base = re.split(r"[\\/]", filename or "")[-1]
    return re.sub(r"[^\w .-]", "_", base)[:64] or "upload"


async def _on_engine(state: ServerState, job) -> dict[str, Any]:
    try:
        return await state.engines.call(job)
    except QueueFull as full:
        raise ApiError(429, str(full), code="queue_full",
                       headers={"Retry-After": str(full.retry_after)}) from full
    except QueueClosed as closed:
        raise ApiError(503, str(closed), code="shutting_down") from closed
