"""HubSpot's JSON error bodies (`{"status":"error","message","correlationId","category",...}`), raised as exceptions.

Shapes follow the SDK's `Error`/`StandardError` models and bodies HubSpot returns (e.g. OBJECT_NOT_FOUND with
`context.id`, VALIDATION_ERROR "Property values were not valid: [...]").
"""

from __future__ import annotations

import json
import uuid
from typing import Any


class ApiError(Exception):
    """An error answer of the sandbox API; the Flask handler turns it into HubSpot's JSON body."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        context: dict[str, list[str]] | None = None,
        errors: list[dict[str, Any]] | None = None,
        sub_category: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.message = message
        self.context = context
        self.errors = errors
        self.sub_category = sub_category
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self, correlation_id: str | None = None) -> dict[str, Any]:
        """The JSON body, with a fresh correlation id unless one is given."""
        out: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": correlation_id or str(uuid.uuid4()),
        }
        if self.sub_category:
            out["subCategory"] = self.sub_category
        if self.context is not None:
            out["context"] = self.context
        out["category"] = self.category
        if self.errors is not None:
            out["errors"] = self.errors
        out.update(self.extra)
        return out


def validation_error(message: str, **kwargs: Any) -> ApiError:
    """400 VALIDATION_ERROR, HubSpot's answer to any malformed or invalid input."""
    return ApiError(400, "VALIDATION_ERROR", message, **kwargs)


def not_found(message: str, object_id: str | None = None) -> ApiError:
    """404 OBJECT_NOT_FOUND with `context.id` when an id was asked for."""
    context = {"id": [object_id]} if object_id is not None else None
    return ApiError(404, "OBJECT_NOT_FOUND", message, context=context)


def object_not_found(object_id: str) -> ApiError:
    """What `GET/PATCH/DELETE /crm/v3/objects/{type}/{id}` answers for an unknown or archived id."""
    return not_found("Object not found.  objectId are usually numeric.", object_id)


def unknown_object_type(raw: str) -> ApiError:
    """What HubSpot answers for a path with an object type it cannot resolve."""
    return validation_error(f"Unable to infer object type from: {raw}")


def property_errors(problems: list[tuple[str, str, str]]) -> ApiError:
    """400 for invalid property values; `problems` are (error code, property name, message) triples."""
    items = [
        {"isValid": False, "message": msg, "error": code, "name": name, "localizedErrorMessage": msg}
        for code, name, msg in problems
    ]
    details = [{"message": msg, "code": code, "context": {"propertyName": [name]}} for code, name, msg in problems]
    listing = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    return validation_error(f"Property values were not valid: {listing}", errors=details)


def standard_error(
    category: str,
    message: str,
    context: dict[str, list[str]],
    sub_category: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One entry of a batch response's `errors` list (the SDK's `StandardError`); `context` names the input."""
    out: dict[str, Any] = {
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "links": {},
        "errors": errors or [],
    }
    if sub_category:
        out["subCategory"] = sub_category
    return out
