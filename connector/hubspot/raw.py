"""SDK calls answering HubSpot's JSON rather than the SDK's models, for the bulk reads and writes of the sweep."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def raw_json(fn: Callable[..., Any]) -> Callable[..., tuple[Any, int, Any]]:
    """An SDK `*_with_http_info` method answering the response's JSON instead of the SDK's models.

    The real SDK still builds, authenticates and sends the request (its ApiClient and REST layer, which raises its
    ApiException on a non-2xx status for `HubSpotCrm._call` to classify); `_preload_content=False` only skips its
    deserialisation, whose dateutil parsing of every record's timestamps was a third of the sweep's CPU."""

    def call(*args: Any, **kwargs: Any) -> tuple[Any, int, Any]:
        resp = fn(*args, _preload_content=False, **kwargs)
        try:
            return json.loads(resp.data), resp.status, resp.headers
        finally:
            resp.release_conn()

    return call
