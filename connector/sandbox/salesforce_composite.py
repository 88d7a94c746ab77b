"""`POST /services/data/vXX.X/composite`: several sObject inserts in one request, later ones referring to earlier
results with `@{referenceId.id}`, all-or-none when asked. The whole request counts as one API call.

Salesforce's shapes (developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
and .../requests_composite.htm): the body is `{"allOrNone": bool, "compositeRequest": [{"method", "url",
"referenceId", "body"}]}` (at most 25 subrequests); the answer is 200 with `{"compositeResponse": [{"body",
"httpHeaders", "httpStatusCode", "referenceId"}]}` in input order. A created record answers 201 with `{"id",
"success": true, "errors": []}` and a Location header; a failing subrequest answers its error list; with
allOrNone, every other subrequest is rolled back and answers 400 `PROCESSING_HALTED`. The sandbox serves inserts
(`POST .../sobjects/{Type}`), which is what DealCoach sends (a ContentNote and its ContentDocumentLinks).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from .salesforce_errors import DmlError, SfError
from .salesforce_state import api_actor, current, json_body

bp = Blueprint("salesforce_composite", __name__, url_prefix="/services/data")

MAX_SUBREQUESTS = 25
_INSERT = re.compile(r"^/services/data/v\d+\.\d+/sobjects/([A-Za-z0-9_]+)/?$")
_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)\.id\}")
HALTED = [
    {
        "errorCode": "PROCESSING_HALTED",
        "message": "The transaction was rolled back since another operation in the same transaction failed.",
    }
]


class _RollBack(Exception):
    """Raised inside the store's unit to undo an allOrNone request."""


def _subrequests() -> tuple[list[dict[str, Any]], bool]:
    body = json_body()
    subs = body.get("compositeRequest")
    if not isinstance(subs, list) or not subs or not all(isinstance(s, dict) for s in subs):
        raise SfError(400, "JSON_PARSER_ERROR", "compositeRequest must be a non-empty list of subrequests")
    if len(subs) > MAX_SUBREQUESTS:
        raise SfError(400, "LIMIT_EXCEEDED", f"a composite request takes at most {MAX_SUBREQUESTS} subrequests")
    for sub in subs:
        if str(sub.get("method", "")).upper() != "POST" or not _INSERT.match(str(sub.get("url", ""))):
            raise SfError(400, "INVALID_URL", "the sandbox's composite serves sObject inserts (POST .../sobjects/Type)")
        if not isinstance(sub.get("body"), dict) or not isinstance(sub.get("referenceId"), str):
            raise SfError(400, "JSON_PARSER_ERROR", "each subrequest needs a referenceId and a JSON body")
    return subs, bool(body.get("allOrNone", False))


def _resolve(value: Any, ids: dict[str, str]) -> Any:
    """`@{ref.id}` in a string field → the id the subrequest `ref` created."""
    if not isinstance(value, str):
        return value

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in ids:
            raise DmlError("INVALID_REFERENCE", f"reference {m.group(1)} names no earlier successful subrequest")
        return ids[m.group(1)]

    return _REFERENCE.sub(one, value)


@bp.post("/v<version>/composite", strict_slashes=False)
def composite(version: str) -> Response:
    subs, all_or_none = _subrequests()
    sb = current()
    store, actor = sb.store, api_actor()
    ids: dict[str, str] = {}
    answers: list[dict[str, Any]] = []
    failed = False
    try:
        with store.unit() if all_or_none else _NoUnit():
            for sub in subs:
                ref, sobject = sub["referenceId"], _INSERT.match(sub["url"]).group(1)  # type: ignore[union-attr]
                obj = sb.schema.get(sobject)
                try:
                    if obj is None:
                        raise DmlError("NOT_FOUND", f"The requested resource does not exist: {sobject}", [], 404)
                    injected = sb.faults.record_failure(None)
                    if injected is not None:
                        raise injected
                    values = {k: _resolve(v, ids) for k, v in sub["body"].items()}
                    rec = store.create(obj.name, values, actor)
                except DmlError as err:
                    failed = True
                    answers.append(
                        _answer(ref, err.http_status, [{"errorCode": err.status_code, "message": err.message}])
                    )
                    continue
                ids[ref] = rec.id
                location = f"/services/data/v{version}/sobjects/{obj.name}/{rec.id}"
                answers.append(_answer(ref, 201, {"id": rec.id, "success": True, "errors": []}, {"Location": location}))
            if all_or_none and failed:
                raise _RollBack
    except _RollBack:
        answers = [a if a["httpStatusCode"] >= 400 else _answer(a["referenceId"], 400, HALTED) for a in answers]
    return jsonify({"compositeResponse": answers})


def _answer(ref: str, status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"body": body, "httpHeaders": headers or {}, "httpStatusCode": status, "referenceId": ref}


class _NoUnit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None
