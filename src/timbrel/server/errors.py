"""Errors as JSON in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`.

Every known user mistake maps to a 4xx; only a genuine bug becomes a 500 (logged).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..audio import AudioFileError
from ..controls import ConfigError
from ..library import LibraryError
from ..reference import ReferenceError
from ..render import TextError
from ..voice import VoiceFileError

log = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class ApiError(Exception):
    """Raise from a route to answer `status` with a JSON error."""

    def __init__(self, status: int, message: str, *, param: str | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}


ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
    405: "invalid_request_error", 409: "conflict_error", 413: "request_too_large",
    415: "unsupported_media_type", 422: "invalid_request_error", 429: "rate_limit_error",
    500: "server_error", 503: "server_error",
}

ERROR_RESPONSES: dict[int | str, dict] = {
    status: {"model": ErrorBody, "description": kind.replace("_", " ")}
    for status, kind in ERROR_TYPES.items() if status not in (405, 500, 503)
}


def error_response(status: int, message: str, *, param: str | None = None,
                   code: str | None = None, headers: dict[str, str] | None = None
                   ) -> JSONResponse:
    body = {"error": {"message": message, "type": ERROR_TYPES.get(status, "error"),
                      "param": param, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def from_exception(error: Exception) -> ApiError:
    """The HTTP error for one of timbrel's user-facing exceptions."""
    message = str(error)
    if isinstance(error, ApiError):
        return error
    if isinstance(error, LibraryError):
        if message.startswith("no voice named"):
            return ApiError(404, message, param="voice", code="voice_not_found")
        if "already exists" in message:
            return ApiError(409, message.replace(" (use --force)", " (send overwrite=true)"),
                            param="name", code="voice_exists")
        return ApiError(400, message, param="name", code="bad_voice_name")
    if isinstance(error, ReferenceError):
        return ApiError(422, message, param="file", code="unusable_reference")
    if isinstance(error, AudioFileError):
        return ApiError(415, message, param="file", code="not_audio")
    if isinstance(error, ConfigError):
        return ApiError(400, message, code="bad_setting")
    if isinstance(error, TextError):
        return ApiError(400, message, param="input", code="bad_text")
    if isinstance(error, VoiceFileError):
        return ApiError(409, f"the stored voice cannot be read: {message}",
                        param="voice", code="voice_corrupt")
    return ApiError(400, message)


KNOWN_ERRORS = (ApiError, LibraryError, ReferenceError, AudioFileError, ConfigError,
                TextError, VoiceFileError)


def install_error_handlers(app: FastAPI) -> None:
    async def known(_: Request, error: Exception) -> JSONResponse:
        api = from_exception(error)
        return error_response(api.status, api.message, param=api.param, code=api.code,
                              headers=api.headers)

    async def validation(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = error.errors()
        first = problems[0] if problems else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        text = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', ()) if p != 'body') or 'body'}: "
            f"{item.get('msg', 'invalid')}" for item in problems[:5])
        return error_response(422, text or "invalid request", param=where or None,
                              code="validation_error")

    async def http(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        return error_response(error.status_code, str(error.detail),
                              headers=dict(error.headers or {}))

    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(500, "internal server error (see the server log)")

    for kind in KNOWN_ERRORS:
        app.add_exception_handler(kind, known)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, unexpected)
