"""Import pyworld without its `pkg_resources` deprecation warning."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    import pyworld  # noqa: F401

__all__ = ["pyworld"]
