"""Salesforce's REST error answers (`[{"message", "errorCode"}]`, plus `"fields"` for record errors) and per-record
DML errors.

Request-level errors carry no `fields`: "401: The response body contains the message and errorCode"
(https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), and bodies seen from
real orgs for NOT_FOUND, INVALID_SESSION_ID and REQUEST_LIMIT_EXCEEDED are `[{"message": ..., "errorCode": ...}]`.
Errors about a record's values (DML) name the fields, empty or not.

Request-level errors are raised as `SfError` and rendered by the app's error handler; record-level failures are
`DmlError`s, which single-record endpoints turn into a 400 and sObject Collections into `{"statusCode", "message",
"fields"}` entries of that record's result.
"""

from __future__ import annotations

from typing import Any

SESSION_INVALID = "Session expired or invalid"
NOT_FOUND_MESSAGE = "The requested resource does not exist"


class SfError(Exception):
    """An error answer of the sandbox REST API."""

    def __init__(
        self,
        status: int,
        error_code: str,
        message: str,
        fields: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def body(self) -> list[dict[str, Any]]:
        """The JSON body Salesforce sends: a list with one error; `fields` only for errors about record values."""
        error: dict[str, Any] = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            error["fields"] = self.fields
        return [error]


class DmlError(Exception):
    """One record could not be inserted, updated or deleted."""

    def __init__(self, status_code: str, message: str, fields: list[str] | None = None, http_status: int = 400) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.fields = fields or []
        self.http_status = http_status

    def result_error(self) -> dict[str, Any]:
        """The entry in an sObject Collections result's `errors` list."""
        return {"statusCode": self.status_code, "message": self.message, "fields": self.fields}

    def as_request_error(self) -> SfError:
        """The answer of a single-record endpoint (POST/PATCH/DELETE sobjects/...) to this failure."""
        return SfError(self.http_status, self.status_code, self.message, list(self.fields))


def daily_limit_exceeded(headers: dict[str, str]) -> SfError:
    """403 when the rolling 24-hour API allocation is spent."""
    return SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", headers=headers)


def concurrent_limit_exceeded() -> SfError:
    """403 when too many long-running requests are already in flight (the message Salesforce sends for it)."""
    return SfError(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")


def invalid_session() -> SfError:
    """401 for a missing, unknown or expired session id (simple-salesforce raises SalesforceExpiredSession)."""
    return SfError(401, "INVALID_SESSION_ID", SESSION_INVALID)


def not_found(message: str = NOT_FOUND_MESSAGE) -> SfError:
    """404 NOT_FOUND, for unknown resources, sObject types and record ids."""
    return SfError(404, "NOT_FOUND", message)


def entity_deleted() -> SfError:
    """404 ENTITY_IS_DELETED: the record is in the recycle bin."""
    return SfError(404, "ENTITY_IS_DELETED", "entity is deleted")


def json_error(message: str) -> SfError:
    """400 JSON_PARSER_ERROR, Salesforce's answer to a body it cannot deserialize."""
    return SfError(400, "JSON_PARSER_ERROR", message)


def required_missing(fields: list[str]) -> DmlError:
    """REQUIRED_FIELD_MISSING naming every missing field."""
    return DmlError("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(fields)}]", fields)


def no_such_field(field: str, sobject: str) -> DmlError:
    """INVALID_FIELD for a field the sObject does not have (e.g. a custom field absent from this org)."""
    return DmlError("INVALID_FIELD", f"No such column '{field}' on sobject of type {sobject}", [field])


def read_only(fields: list[str]) -> DmlError:
    """INVALID_FIELD_FOR_INSERT_UPDATE for fields that cannot be set by this operation."""
    names = ", ".join(fields)
    return DmlError(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        f"Unable to create/update fields: {names}. Please check the security settings of this field and "
        "verify that it is read/write for your profile or permission set.",
        fields,
    )


def unsupported(sobject: str, operation: str) -> DmlError:
    """INVALID_TYPE_FOR_OPERATION, e.g. inserting OpportunityHistory or deleting a ContentVersion."""
    return DmlError("INVALID_TYPE_FOR_OPERATION", f"entity type {sobject} does not support {operation}")
