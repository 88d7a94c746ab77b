"""Deals on HubSpot: the deal (stage entry from `dealstage`'s history) and, in the same request when asked, its
associations, then one batch read per type that has records DealCoach does not know yet.

HubSpot ignores property names that do not exist on a read ("If any of the specified properties are not present
on the requested object(s), they will be ignored": hubspot-api-client `basic_api.get_by_id`, `batch_api.read`), so
reads always ask for `dealcoach_key` and need no properties read first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, Literal

from hubspot.crm.objects import PublicObjectSearchRequest

from connector import clock
from connector.base import DealRecords
from connector.hubspot.client import (
    _BODY_PROPERTY,
    ACTIVITY_TYPES,
    DEAL_PROPERTIES,
    KEY_PROPERTY,
    TASK_PROPERTIES,
    HubSpotClient,
)
from connector.hubspot.format import EPOCH, parse_time, run_started_at
from connector.hubspot.paging import search_all_ids
from connector.hubspot.raw import raw_json
from connector.models import ActivityRef, Deal, MarkedRecord


class HubSpotDeals(HubSpotClient):
    """Reads of a deal, its DealCoach records and its activities."""

    def get_deal(self, deal_id: str) -> Deal:
        """The deal, with when it entered its current stage from `dealstage`'s history, in the same request."""
        return self._deal_from(self._read_deal(deal_id, with_associations=False))

    def deal_with_records(
        self, deal_id: str, *, known_calls: Mapping[str, ActivityRef] | None = None
    ) -> tuple[Deal, DealRecords]:
        """The deal and its records from one object read (properties, `dealstage` history and the associations of
        every activity type), plus one batch read per type with records: a job reads its deal once."""
        obj = self._read_deal(deal_id, with_associations=True)
        return self._deal_from(obj), self._records_from(deal_id, obj.get("associations") or {}, known_calls or {})

    def deal_records(self, *, deal_id: str, known_calls: Mapping[str, ActivityRef] | None = None) -> DealRecords:
        """The deal's records alone: its associations in one object read, then the batch reads."""
        obj = self._call(
            raw_json(self._objects.basic_api.get_by_id_with_http_info),
            "deals",
            deal_id,
            properties=["hs_object_id"],
            associations=list(ACTIVITY_TYPES),
        )
        return self._records_from(deal_id, obj.get("associations") or {}, known_calls or {})

    def _read_deal(self, deal_id: str, *, with_associations: bool) -> dict[str, Any]:
        """The deal's JSON (not the SDK's models: a job's reads stay cheap), with `dealstage`'s history."""
        return self._call(
            raw_json(self._objects.basic_api.get_by_id_with_http_info),
            "deals",
            deal_id,
            properties=DEAL_PROPERTIES,
            properties_with_history=["dealstage"],
            associations=list(ACTIVITY_TYPES) if with_associations else None,
        )

    def _deal_from(self, obj: Mapping[str, Any]) -> Deal:
        p = obj.get("properties") or {}
        stage, pipeline = p.get("dealstage") or "", p.get("pipeline") or "default"
        meta = self._stage_meta(pipeline).get(stage, {})
        owner_id = p.get("hubspot_owner_id") or None
        amount = p.get("amount")
        return Deal(
            id=str(obj["id"]),
            name=p.get("dealname") or "",
            stage=stage,
            pipeline=pipeline,
            owner_id=owner_id,
            owner_name=self._owner_name(owner_id),
            amount=float(amount) if amount else None,
            is_closed=meta.get("isClosed") == "true",
            is_won=meta.get("isClosed") == "true" and meta.get("probability") == "1.0",
            stage_label=meta.get("label"),
            last_activity_at=parse_time(p.get("notes_last_updated")),
            created_at=parse_time(p.get("createdate")),
            stage_entered_at=run_started_at(
                _versions((obj.get("propertiesWithHistory") or {}).get("dealstage")), stage
            ),
        )

    def _stage_meta(self, pipeline_id: str) -> dict[str, dict[str, str]]:
        def load() -> dict[str, dict[str, str]]:
            pipe = self._call(self.client.crm.pipelines.pipelines_api.get_by_id_with_http_info, "deals", pipeline_id)
            return {s.id: {**(s.metadata or {}), "label": s.label} for s in pipe.stages}

        return self._cache.get(f"pipeline:{pipeline_id}", load)

    def _owner_name(self, owner_id: str | None) -> str | None:
        if not owner_id:
            return None

        def load() -> str | None:
            owner = self._call(self.client.crm.owners.owners_api.get_by_id_with_http_info, int(owner_id))
            return " ".join(x for x in (owner.last_name, owner.first_name) if x) or owner.email

        return self._cache.get(f"owner:{owner_id}", load)

    def owner_teams(self, owner_id: str) -> tuple[str, ...]:
        """GET /crm/v3/owners/{ownerId}: its `teams` (id, name, primary), the primary team first; cached."""

        def load() -> list[str]:
            owner = self._call(self.client.crm.owners.owners_api.get_by_id_with_http_info, int(owner_id))
            teams = sorted(owner.teams or [], key=lambda t: not t.primary)
            return [str(t.id) for t in teams]

        return tuple(self._cache.get(f"owner-teams:{owner_id}", load))

    def list_marked(self, *, deal_id: str, kind: str, ids: Sequence[str] | None = None) -> list[MarkedRecord]:
        """Scan the deal's associated notes or tasks (or the given ones) for DealCoach keys (associations are
        immediate; search lags)."""
        object_type = f"{kind}s"
        props = [_BODY_PROPERTY[object_type], "hs_task_status", "hs_task_subject", "hs_timestamp", KEY_PROPERTY]
        listed = list(ids) if ids is not None else self._associated_ids(deal_id, object_type)
        found = []
        for row in self._read_rows(object_type, listed, props):
            key = self._key_of(object_type, row)
            if key:
                found.append(self._marked(key, row))
        return found

    def list_activities(self, *, deal_id: str) -> list[ActivityRef]:
        """Emails (direction from hs_email_direction), meetings, calls and tasks the rep completed."""
        return self.deal_records(deal_id=deal_id).activities

    def _records_from(
        self, deal_id: str, block: Mapping[str, Any], known_calls: Mapping[str, ActivityRef]
    ) -> DealRecords:
        """DealCoach's tasks and the activities among the associated records: one batch read per type that has
        records, and for calls only those the job does not already know (`known_calls`: the calls DealCoach has
        processed, from Redis)."""
        ids: dict[str, list[str]] = {}
        for object_type in ACTIVITY_TYPES:
            found = block.get(object_type) or {}
            if (found.get("paging") or {}).get("next"):
                # More than one page of associations: the paged v4 read lists them all.
                ids[object_type] = self._associated_ids(deal_id, object_type)
            else:
                ids[object_type] = list(dict.fromkeys(str(a["id"]) for a in (found.get("results") or [])))
        tasks = self._read_rows("tasks", ids["tasks"], [*TASK_PROPERTIES, KEY_PROPERTY])
        out: list[ActivityRef] = [known_calls[i] for i in ids["calls"] if i in known_calls]
        for row in self._read_rows("emails", ids["emails"], ["hs_timestamp", "hs_email_subject", "hs_email_direction"]):
            direction: Literal["in", "out"] = "in" if row.get("hs_email_direction") == "INCOMING_EMAIL" else "out"
            out.append(_activity("email", row, "hs_email_subject", direction))
        for row in self._read_rows("meetings", ids["meetings"], ["hs_timestamp", "hs_meeting_title"]):
            out.append(_activity("meeting", row, "hs_meeting_title"))
        unknown = [i for i in ids["calls"] if i not in known_calls]
        for row in self._read_rows("calls", unknown, ["hs_timestamp", "hs_call_title"]):
            out.append(_activity("call", row, "hs_call_title"))
        marked, done = self.split_tasks(tasks)
        out += done
        return DealRecords(tasks=marked, activities=sorted(out, key=lambda a: a.at), note_ids=tuple(ids["notes"]))

    def split_tasks(self, rows: Iterable[dict[str, Any]]) -> tuple[list[MarkedRecord], list[ActivityRef]]:
        """A deal's task rows: DealCoach's own (by key), and the rep's completed tasks as activities."""
        marked: list[MarkedRecord] = []
        done: list[ActivityRef] = []
        for row in rows:
            key = self._key_of("tasks", row)
            if key:
                marked.append(self._marked(key, row))
            elif row.get("hs_task_status") == "COMPLETED":
                at = parse_time(row.get("hs_task_completion_date")) or parse_time(row.get("hs_timestamp")) or EPOCH
                done.append(ActivityRef(type="task_completed", at=at, subject=row.get("hs_task_subject") or ""))
        return marked, done

    def deals_of(self, object_type: str, object_id: str) -> tuple[str, ...]:
        obj = self._call(
            raw_json(self._objects.basic_api.get_by_id_with_http_info),
            f"{object_type}s",
            object_id,
            associations=["deals"],
        )
        deals = (obj.get("associations") or {}).get("deals") or {}
        return tuple(dict.fromkeys(str(a["id"]) for a in (deals.get("results") or [])))

    def list_open_deals(self) -> list[str]:
        """Open deals plus deals closed in the last 400 days, via search (two OR-ed filter groups), read past
        HubSpot's 10,000-result cap with a moving id filter (`connector.hubspot.paging`)."""
        since = str(int((clock.now().timestamp() - 400 * 86400) * 1000))
        groups = [
            [{"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}],
            [{"propertyName": "closedate", "operator": "GTE", "value": since}],
        ]

        def search(body: dict[str, Any]) -> Any:
            return self._call(
                self._objects.search_api.do_search_with_http_info, "deals", PublicObjectSearchRequest(**body)
            )

        return search_all_ids(search, groups, properties=["dealstage"])


def _activity(
    kind: Literal["email", "meeting", "call"],
    row: dict[str, Any],
    subject: str,
    direction: Literal["in", "out"] | None = None,
) -> ActivityRef:
    return ActivityRef(
        type=kind, at=parse_time(row.get("hs_timestamp")) or EPOCH, subject=row.get(subject) or "", direction=direction
    )


def _versions(history: Sequence[Mapping[str, Any]] | None) -> list[SimpleNamespace]:
    """`propertiesWithHistory` versions from the JSON, under the SDK's `ValueWithTimestamp` names (`run_started_at`
    reads `value` and `timestamp`, an ISO string here, parsed as the SDK's datetime would be)."""
    return [SimpleNamespace(value=v.get("value"), timestamp=v.get("timestamp")) for v in history or []]
