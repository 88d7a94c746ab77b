"""In-memory data of one sandbox org: records of every modelled sObject, file blobs, the API write log, and the
changes outbound messages are built from. DML validates like Salesforce (unknown, read-only, required and
unique fields, picklists, references) and runs in units of work that roll back as a whole (allOrNone).

Per-type behaviour (stage history, task closing, files and notes) lives in `salesforce_rules`, registered as
`store.rules[sobject]`. All methods are thread-safe (one re-entrant lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .salesforce_config import SalesforceSandboxConfig
from .salesforce_errors import DmlError, no_such_field, read_only, required_missing, unsupported
from .salesforce_ids import IdMint, to18, type_of
from .salesforce_index import store_indexes
from .salesforce_schema import ObjectDef, Schema
from .salesforce_values import coerce, now, to_json

SYSTEM_FIELDS = ("CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp")


@dataclass
class Record:
    """One record; `fields` holds stored values (see salesforce_values) keyed by API name."""

    sobject: str
    id: str
    fields: dict[str, Any]
    deleted: bool = False


@dataclass(frozen=True)
class Actor:
    """Who changes data: the API session (logged as writes), a simulated UI user, or a seed."""

    source: str  # "API" | "UI" | "SEED"
    user_id: str
    method: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Change:
    """An event a workflow outbound message (or Flow) fires on."""

    kind: str  # stage_changed | call_logged | activity_logged | file_attached
    sobject: str  # the object the message carries: Opportunity, Task or ContentVersion
    record_id: str
    occurred_at: datetime
    source: str
    extra: dict[str, Any] = field(default_factory=dict)


class Rules(Protocol):
    """Per-type behaviour, called inside the unit of work (raise DmlError to fail the record)."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None: ...
    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None: ...
    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None: ...


ChangeListener = Callable[[list[Change]], None]


class SalesforceStore:
    """The org's data; `on_change` receives committed changes (the outbound dispatcher subscribes to it)."""

    def __init__(self, config: SalesforceSandboxConfig, schema: Schema) -> None:
        self.config = config
        self.schema = schema
        self.lock = threading.RLock()
        self.rules: dict[str, Rules] = {}
        self.on_change: ChangeListener | None = None
        self.ids = IdMint()
        self.tz = ZoneInfo(config.time_zone)
        self.reset()

    def reset(self) -> None:
        """Back to the configured org: only its users, no other records, blobs, writes or pending changes."""
        with self.lock:
            self.records: dict[str, dict[str, Record]] = {name: {} for name in self.schema.objects}
            self.indexes = store_indexes(self)
            self.blobs: dict[str, bytes] = {}
            self.writes: list[dict[str, Any]] = []
            self._depth = 0
            self._undo: dict[tuple[str, str], Record | bytes | None] = {}
            self._changes: list[Change] = []
            self._writes_mark = 0
            created = now()
            for user in self.config.users:
                uid = to18(user["Id"]) or user["Id"]
                values = {k: v for k, v in user.items() if k != "Id"}
                values.update(
                    Id=uid,
                    IsDeleted=False,
                    CreatedDate=created,
                    LastModifiedDate=created,
                    SystemModstamp=created,
                    CreatedById=uid,
                    LastModifiedById=uid,
                )
                self.records["User"][uid] = Record("User", uid, values)
            from .salesforce_report_objects import seed_stages  # it imports this module's Record

            seed_stages(self)

    # ---- reads -------------------------------------------------------------------------------------------------

    def object(self, sobject: str) -> ObjectDef:
        """The schema of a type known to exist."""
        obj = self.schema.get(sobject)
        if obj is None:
            raise KeyError(sobject)
        return obj

    def get(self, sobject: str, record_id: str, *, include_deleted: bool = False) -> Record | None:
        """A record by type and 15/18-character id."""
        rid = to18(record_id)
        with self.lock:
            rec = self.records.get(sobject, {}).get(rid or "")
            return rec if rec is not None and (include_deleted or not rec.deleted) else None

    def find(self, record_id: str, *, include_deleted: bool = False) -> Record | None:
        """A record of any type, by its key prefix."""
        sobject = type_of(record_id)
        return self.get(sobject, record_id, include_deleted=include_deleted) if sobject else None

    def all(self, sobject: str, *, include_deleted: bool = False) -> list[Record]:
        """Every record of a type in creation order."""
        with self.lock:
            return [r for r in self.records[sobject].values() if include_deleted or not r.deleted]

    def today(self) -> date:
        """Today in the org's time zone (activity dates are dates in the org's time zone)."""
        return now().astimezone(self.tz).date()

    def view(self, rec: Record) -> dict[str, Any]:
        """All stored values plus the derived ones (Name of people, open-activity flags of opportunities)."""
        out = dict(rec.fields)
        out["IsDeleted"] = rec.deleted
        if rec.sobject in ("User", "Contact"):
            first, last = out.get("FirstName") or "", out.get("LastName") or ""
            name = f"{last} {first}" if self.config.locale_sid_key.startswith("ja") else f"{first} {last}"
            out["Name"] = name.strip()
        elif rec.sobject == "Opportunity":
            tasks = self.indexes.live("Task", self.indexes.referring("Task", "WhatId", [rec.id]), False)
            open_tasks = [t for t in tasks if t.fields.get("WhatId") == rec.id and not t.fields.get("IsClosed")]
            today = self.today()
            out["HasOpenActivity"] = bool(open_tasks)
            out["HasOverdueTask"] = any((t.fields.get("ActivityDate") or today) < today for t in open_tasks)
        return out

    # ---- units of work -----------------------------------------------------------------------------------------

    @contextmanager
    def unit(self) -> Iterator[None]:
        """All-or-nothing: on an exception every record, blob and write of the unit is restored and its changes are
        dropped; on success the changes go to `on_change`. Units nest (the outermost one decides)."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._undo, self._changes, self._writes_mark = {}, [], len(self.writes)
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._rollback()
                raise
            self._depth -= 1
            if not outer:
                return
            changes, self._changes, self._undo = self._changes, [], {}
        if changes and self.on_change is not None:
            self.on_change(changes)

    def _rollback(self) -> None:
        for (kind, key), saved in self._undo.items():
            if kind == "blob":
                if saved is None:
                    self.blobs.pop(key, None)
                else:
                    self.blobs[key] = saved  # type: ignore[assignment]
                continue
            if saved is None:
                self.records[kind].pop(key, None)
            else:
                self.records[kind][key] = saved  # type: ignore[assignment]
        del self.writes[self._writes_mark :]
        self._undo, self._changes = {}, []

    def touch(self, rec: Record) -> Record:
        """Call before mutating `rec` in place, so a failing unit can restore it."""
        key = (rec.sobject, rec.id)
        if self._depth and key not in self._undo:
            self._undo[key] = Record(rec.sobject, rec.id, dict(rec.fields), rec.deleted)
        self.indexes.changed(rec.sobject)
        return rec

    def put(self, rec: Record) -> Record:
        """Add a new record (inside a unit)."""
        key = (rec.sobject, rec.id)
        if self._depth and key not in self._undo:
            self._undo[key] = None
        self.records[rec.sobject][rec.id] = rec
        self.indexes.added(rec)
        return rec

    def put_blob(self, key: str, data: bytes) -> None:
        """Store a file body (VersionData) under its ContentVersion id."""
        if self._depth and ("blob", key) not in self._undo:
            self._undo[("blob", key)] = self.blobs.get(key)
        self.blobs[key] = data

    def emit(self, change: Change) -> None:
        """Queue a change for outbound messages, sent when the unit commits."""
        self._changes.append(change)

    def log_write(self, actor: Actor, action: str, rec: Record, values: dict[str, Any]) -> None:
        """Record an API write for `/_sandbox/writes` (UI simulations and seeds are not logged)."""
        if actor.source != "API":
            return
        obj = self.object(rec.sobject)
        shown = {}
        for name, value in values.items():
            fd = obj.fields[name]
            shown[name] = f"<{len(value)} bytes>" if isinstance(value, bytes) else to_json(fd, value)
        self.writes.append(
            {
                "seq": len(self.writes) + 1,
                "at": now().isoformat().replace("+00:00", "Z"),
                "method": actor.method,
                "path": actor.path,
                "action": action,
                "objectType": rec.sobject,
                "id": rec.id,
                "fields": shown,
            }
        )

    # ---- DML ---------------------------------------------------------------------------------------------------

    def _values(self, obj: ObjectDef, raw: dict[str, Any], *, insert: bool, trusted: bool) -> dict[str, Any]:
        values: dict[str, Any] = {}
        denied = []
        for key, value in raw.items():
            if key == "attributes":
                continue
            fd = obj.field(key)
            if fd is None:
                raise no_such_field(key, obj.name)
            if fd.name == "Id" and insert:
                raise DmlError("INVALID_FIELD", "cannot specify Id in an insert call", [])
            if fd.name == "Id":
                continue
            allowed = fd.createable if insert else fd.updateable
            if not allowed and not (trusted and fd.name not in ("Id", "IsDeleted")):
                denied.append(fd.name)
                continue
            values[fd.name] = coerce(fd, value)
        if denied:
            raise read_only(denied)
        return values

    def _check(self, obj: ObjectDef, rec_id: str | None, values: dict[str, Any]) -> None:
        """References must exist and have an allowed type; unique fields must not repeat."""
        for name, value in values.items():
            fd = obj.fields[name]
            if value is None:
                continue
            if fd.type == "reference":
                target = self.find(value)
                if target is None:
                    raise DmlError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [name])
                allowed = set(fd.reference_to) | ({"ContentDocument"} if "ContentNote" in fd.reference_to else set())
                if target.sobject not in allowed:
                    raise DmlError(
                        "FIELD_INTEGRITY_EXCEPTION", f"{fd.label}: id value of incorrect type: {value}", [name]
                    )
            if fd.unique:
                clash = next(
                    (
                        r
                        for r in self.indexes.live(obj.name, self.indexes.same_text(obj.name, name, value), False)
                        if r.id != rec_id
                        and value is not None
                        and str(r.fields.get(name, "")).lower() == str(value).lower()
                    ),
                    None,
                )
                if clash is not None:
                    raise DmlError(
                        "DUPLICATE_VALUE",
                        f"duplicate value found: {name} duplicates value on record with id: {clash.id}",
                        [],
                    )

    def create(self, sobject: str, raw: dict[str, Any], actor: Actor, *, trusted: bool = False) -> Record:
        """Insert one record (DmlError if invalid); `trusted` (seeds) may set read-only fields and dates."""
        obj = self.object(sobject)
        if not obj.createable and not trusted:
            raise unsupported(obj.name, "insert")
        with self.unit():
            values = self._values(obj, raw, insert=True, trusted=trusted)
            for fd in obj.fields.values():
                if fd.name not in values and fd.default is not None:
                    values[fd.name] = fd.default
            if "OwnerId" in obj.fields and values.get("OwnerId") is None:
                values["OwnerId"] = actor.user_id
            missing = [
                fd.name
                for fd in obj.fields.values()
                if (fd.required or (not fd.nillable and fd.createable and fd.name in values))
                and values.get(fd.name) is None
                and fd.name != "OwnerId"
            ]
            if missing:
                raise required_missing(missing)
            self._check(obj, None, values)
            stamp = now()
            rid = self.ids.for_type(obj.name)
            system = {
                "Id": rid,
                "IsDeleted": False,
                "CreatedDate": stamp,
                "CreatedById": actor.user_id,
                "LastModifiedDate": stamp,
                "LastModifiedById": actor.user_id,
                "SystemModstamp": stamp,
            }
            fields: dict[str, Any] = {n: None for n in obj.fields}
            fields.update({k: v for k, v in system.items() if k in obj.fields})
            fields.update(values)
            rec = self.put(Record(obj.name, rid, fields))
            written = dict(values)
            rule = self.rules.get(obj.name)
            if rule is not None:
                rule.on_insert(self, rec, actor)
            self.log_write(actor, "create", rec, written)
            return rec

    def update(
        self, sobject: str, record_id: str, raw: dict[str, Any], actor: Actor, *, trusted: bool = False
    ) -> Record:
        """Update one record; 404-style DmlError if it does not exist."""
        obj = self.object(sobject)
        with self.unit():
            rec = self.get(obj.name, record_id, include_deleted=True)
            if rec is None or rec.deleted:
                raise DmlError(
                    "ENTITY_IS_DELETED" if rec else "INVALID_CROSS_REFERENCE_KEY",
                    "entity is deleted" if rec else "invalid cross reference id",
                    [],
                    http_status=404,
                )
            if not obj.updateable and not trusted:
                raise unsupported(obj.name, "update")
            values = self._values(obj, raw, insert=False, trusted=trusted)
            nulled = [n for n, v in values.items() if v is None and not obj.fields[n].nillable]
            if nulled:
                raise required_missing(nulled)
            self._check(obj, rec.id, values)
            old = dict(rec.fields)
            changed = {n for n, v in values.items() if old.get(n) != v}
            self.touch(rec).fields.update(values)
            stamp = now()
            for name, value in (
                ("LastModifiedDate", stamp),
                ("LastModifiedById", actor.user_id),
                ("SystemModstamp", stamp),
            ):
                if name in obj.fields and not (trusted and name in values):
                    rec.fields[name] = value
            rule = self.rules.get(obj.name)
            if rule is not None:
                rule.on_update(self, rec, old, changed, actor)
            self.log_write(actor, "update", rec, values)
            return rec

    def delete(self, sobject: str, record_id: str, actor: Actor) -> Record:
        """Move a record to the recycle bin (queryAll still sees it, IsDeleted = true)."""
        obj = self.object(sobject)
        if not obj.deletable:
            raise unsupported(obj.name, "delete")
        with self.unit():
            rec = self.get(obj.name, record_id, include_deleted=True)
            if rec is None or rec.deleted:
                raise DmlError(
                    "ENTITY_IS_DELETED" if rec else "INVALID_CROSS_REFERENCE_KEY",
                    "entity is deleted" if rec else "invalid cross reference id",
                    [],
                    http_status=404,
                )
            self.remove(rec, actor)
            self.log_write(actor, "delete", rec, {})
            return rec

    def remove(self, rec: Record, actor: Actor) -> None:
        """Mark deleted and cascade (rules decide what goes with it)."""
        if rec.deleted:
            return
        self.touch(rec).deleted = True
        rec.fields["IsDeleted"] = True
        rule = self.rules.get(rec.sobject)
        if rule is not None:
            rule.on_delete(self, rec, actor)

    def by_external_id(self, sobject: str, field_name: str, value: str) -> list[Record]:
        """Live records whose external-id field equals `value` (case-insensitive, like Salesforce)."""
        candidates = (
            self.all(sobject)
            if value.lower() in ("", "none")
            else self.indexes.live(
                sobject,
                self.indexes.in_creation_order(sobject, self.indexes.same_text(sobject, field_name, value)),
                False,
            )
        )
        return [r for r in candidates if str(r.fields.get(field_name) or "").lower() == value.lower()]
