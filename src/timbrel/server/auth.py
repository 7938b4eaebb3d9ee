"""The optional bearer API key: one dependency added to every `/v1` router."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .errors import ApiError

bearer = HTTPBearer(auto_error=False, description="the server's API key (`--api-key`)")


def api_key_dependency(api_key: str | None) -> list:
    """Dependencies for protected routers: none when the server has no key."""
    if not api_key:
        return []
    expected = api_key.encode()

    def check(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
              ) -> None:
        given = (credentials.credentials if credentials else "").encode()
        if not given or not secrets.compare_digest(given, expected):
            raise ApiError(401, "missing or wrong API key: send 'Authorization: Bearer <key>'",
                           code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})

    checker: Callable[..., None] = check
    return [Depends(checker)]
