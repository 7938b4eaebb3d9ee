"""Refuse oversized request bodies before any route reads them (413, JSON)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import ApiError, error_response


class BodyLimit:
    """Pure ASGI middleware: a declared Content-Length over `limit` is refused at once;
    a chunked body is counted as it arrives and refused when it passes `limit`."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            response = error_response(413, f"the request body is {int(declared)} bytes; the "
                                      f"limit is {self.limit} bytes", code="too_large")
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise ApiError(413, f"the request body passes the {self.limit}-byte limit",
                                   code="too_large")
            return message

        await self.app(scope, counted, send)
