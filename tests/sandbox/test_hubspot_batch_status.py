"""Batch writes that partly fail: HubSpot's 207 multi-status body, seen through the SDK and on the wire."""

from __future__ import annotations

from typing import Any

from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
)

TS = "2025-01-31T09:00:00Z"


def _post(sandbox: Any, path: str, body: dict[str, Any]) -> Any:
    return sandbox.http.post(f"{sandbox.url}{path}", json=body, timeout=10,
                             headers={"Authorization": "Bearer sandbox-token"})


def _tasks(sandbox: Any, n: int) -> list[str]:
    return sandbox.seed(tasks=[{"properties": {"hs_timestamp": TS}} for _ in range(n)])["tasks"]


def test_batch_create_with_trace_ids_answers_207_per_refused_input(client: Any, sandbox: Any) -> None:
    inputs = [SimplePublicObjectBatchInputForCreate(properties={"hs_timestamp": TS, "hs_task_priority": p},
                                                    object_write_trace_id=f"key-{i}")
              for i, p in enumerate(["HIGH", "URGENT", "LOW"])]
    resp, status, _ = client.crm.objects.tasks.batch_api.create_with_http_info(
        batch_input_simple_public_object_batch_input_for_create=BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=inputs))
    assert status == 207 and resp.status == "COMPLETE" and resp.num_errors == 1
    assert sorted(r.object_write_trace_id for r in resp.results) == ["key-0", "key-2"]
    (error,) = resp.errors
    assert error.status == "error" and error.category == "VALIDATION_ERROR"
    assert error.context == {"objectWriteTraceId": ["key-1"]} and "URGENT" in error.message
    assert len(sandbox.dump("tasks")) == 2


def test_batch_create_without_trace_ids_stays_all_or_nothing(sandbox: Any) -> None:
    resp = _post(sandbox, "/crm/v3/objects/tasks/batch/create", {"inputs": [
        {"properties": {"hs_timestamp": TS}}, {"properties": {"hs_timestamp": TS, "hs_task_priority": "URGENT"}}]})
    assert resp.status_code == 400 and resp.json()["category"] == "VALIDATION_ERROR"
    assert sandbox.dump("tasks") == []


def test_batch_update_of_missing_and_archived_ids_is_a_207(client: Any, sandbox: Any) -> None:
    live, gone = _tasks(sandbox, 2)
    client.crm.objects.tasks.basic_api.archive(gone)
    resp = _post(sandbox, "/crm/v3/objects/tasks/batch/update", {"inputs": [
        {"id": live, "properties": {"hs_task_status": "COMPLETED"}},
        {"id": gone, "properties": {"hs_task_status": "COMPLETED"}},
        {"id": "99999999999", "properties": {"hs_task_status": "COMPLETED"}}]})
    assert resp.status_code == 207
    body = resp.json()
    assert body["status"] == "COMPLETE" and body["numErrors"] == 1 and [r["id"] for r in body["results"]] == [live]
    (error,) = body["errors"]
    assert {"status", "category", "message", "context"} <= set(error)
    assert error["category"] == "OBJECT_NOT_FOUND" and error["context"] == {"ids": [gone, "99999999999"]}


def test_batch_update_with_trace_ids_refuses_invalid_values_one_by_one(client: Any, sandbox: Any) -> None:
    a, b = _tasks(sandbox, 2)
    resp, status, _ = client.crm.objects.tasks.batch_api.update_with_http_info(
        batch_input_simple_public_object_batch_input=BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=a, properties={"hs_task_status": "COMPLETED"}, object_write_trace_id=a),
            SimplePublicObjectBatchInput(id=b, properties={"hs_task_status": "FINISHED"}, object_write_trace_id=b)]))
    assert status == 207 and [r.id for r in resp.results] == [a]
    assert resp.errors[0].context == {"objectWriteTraceId": [b]} and resp.errors[0].category == "VALIDATION_ERROR"
    statuses = {t["id"]: t["properties"]["hs_task_status"] for t in sandbox.dump("tasks")}
    assert statuses == {a: "COMPLETED", b: "NOT_STARTED"}


def test_injected_record_failures(sandbox: Any) -> None:
    a, b, c = _tasks(sandbox, 3)
    armed = sandbox.control("POST", "faults", {"batch_record_failures": 1, "category": "RATE_LIMITS",
                                               "message": "You have reached your ten_secondly_rolling limit."})
    assert armed == {"batch_record_failures": 1, "category": "RATE_LIMITS"}
    resp = _post(sandbox, "/crm/v3/objects/tasks/batch/update", {"inputs": [
        {"id": i, "properties": {"hs_task_status": "COMPLETED"}} for i in (a, b, c)]})
    assert resp.status_code == 207
    body = resp.json()
    assert [e["context"] for e in body["errors"]] == [{"ids": [a]}] and body["errors"][0]["category"] == "RATE_LIMITS"
    assert sorted(r["id"] for r in body["results"]) == sorted([b, c])
    assert sandbox.control("GET", "faults") == {"faults": [], "batch_record_failures": 0}
