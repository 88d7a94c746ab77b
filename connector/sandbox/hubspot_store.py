"""In-memory state of one sandbox HubSpot portal: objects, associations (both directions), properties, owners,
pipelines and the log of writes; every method is thread-safe (one re-entrant lock).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import hubspot_schema as schema
from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import ApiError, object_not_found, property_errors, unknown_object_type, validation_error
from .hubspot_index import SearchIndex
from .hubspot_search import _match
from .hubspot_stage_props import entered_stage, stage_properties
from .hubspot_values import PortalContext, ValueProblem, as_number, as_text, iso_ms, normalize_value, now_ms, parse_ms


@dataclass(frozen=True)
class Version:
    """One value a property held, for `propertiesWithHistory`: when it was set and by what (`sourceType`,
    `sourceId`: the app id for an app's API write, `userId:<id>` for a user in the UI)."""

    value: str
    timestamp_ms: int
    source_type: str
    source_id: str = ""


@dataclass
class CrmObject:
    """One record; property values are strings, as HubSpot returns them; `history` holds every property's versions,
    oldest first."""

    object_type: str
    id: str
    properties: dict[str, str]
    created_ms: int
    updated_ms: int
    archived: bool = False
    archived_ms: int | None = None
    history: dict[str, list[Version]] = field(default_factory=dict)


@dataclass(frozen=True)
class Origin:
    """Who made a change: an app through the API (logged as a write) or a simulated user in HubSpot's UI."""

    change_source: str = "INTEGRATION"
    source_id: str = ""
    method: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Change:
    """One mutation, as webhooks need it: kind is creation, propertyChange or deletion."""

    kind: str
    object_type: str
    object_id: str
    occurred_ms: int
    origin: Origin
    property_name: str | None = None
    property_value: str | None = None


@dataclass
class Edge:
    """Association types stored on one directed edge (from object → to object)."""

    types: set[tuple[str, int]] = field(default_factory=set)


ChangeListener = Callable[[list[Change]], None]


class HubSpotStore:
    """The portal's data; `on_change` receives every mutation (the webhook outbox subscribes to it)."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.on_change: ChangeListener | None = None
        self.reset()

    def reset(self) -> None:
        """Back to the configured portal: no records, seeded owners, pipelines and properties."""
        with self.lock:
            created = now_ms()
            self.objects: dict[str, dict[str, CrmObject]] = {t: {} for t in schema.OBJECT_TYPES}
            self.index = SearchIndex(_match)
            self.edges: dict[tuple[str, str, str], dict[str, Edge]] = {}
            self.writes: list[dict[str, Any]] = []
            self._ids = itertools.count(self.config.first_object_id)
            self.owners = [dict(o, createdAt=iso_ms(created), updatedAt=iso_ms(created)) for o in self.config.owners]
            self.pipelines = [dict(p) for p in self.config.pipelines]
            self.properties: dict[str, dict[str, dict[str, Any]]] = {
                t: {p["name"]: p for p in defs} for t, defs in schema.default_properties().items()
            }
            self.properties["deals"].update((d["name"], d) for d in stage_properties(self.pipelines))
            for t, defs in self.config.custom_properties.items():
                otype = self.object_type(t)
                for d in defs:
                    self.properties[otype][d["name"]] = schema.custom_property(d, created)

    @staticmethod
    def object_type(raw: str) -> str:
        """The plural name for `deals`, `deal` or `0-3`; 400 like HubSpot for anything else."""
        t = schema.resolve_object_type(raw)
        if t is None:
            raise unknown_object_type(raw)
        return t.name

    def portal(self) -> PortalContext:
        """Owner ids and pipeline stages, the portal facts value checks depend on."""
        return PortalContext(
            {str(o["id"]) for o in self.owners},
            {p["id"]: {s["id"] for s in p["stages"]} for p in self.pipelines},
        )

    def stage(self, pipeline_id: str, stage_id: str) -> dict[str, Any] | None:
        """A stage definition, whose metadata decides hs_is_closed and hs_is_closed_won."""
        for p in self.pipelines:
            if p["id"] == pipeline_id:
                return next((s for s in p["stages"] if s["id"] == stage_id), None)
        return None

    def log_write(self, origin: Origin, action: str, object_type: str, object_id: str, **fields: Any) -> None:
        """Record an API write for `/_sandbox/writes`; UI simulations and seeds have no method and are skipped."""
        if origin.method is None:
            return
        with self.lock:
            self.writes.append(
                {
                    "seq": len(self.writes) + 1,
                    "at": iso_ms(now_ms()),
                    "method": origin.method,
                    "path": origin.path,
                    "action": action,
                    "objectType": object_type,
                    "id": object_id,
                    **fields,
                }
            )

    def _emit(self, changes: list[Change]) -> None:
        if changes and self.on_change is not None:
            self.on_change(changes)

    # --- properties -------------------------------------------------------------------------------------

    def normalize(
        self, otype: str, props: dict[str, Any], *, existing: CrmObject | None, trusted: bool = False
    ) -> dict[str, str]:
        """Check and normalize written values like HubSpot; `trusted` (seeding) may set read-only values."""
        if not isinstance(props, dict):
            raise validation_error("properties must be a JSON object")
        defs = self.properties[otype]
        portal = self.portal()
        current = existing.properties if existing else {}
        pipeline = as_text(props.get("pipeline", current.get("pipeline", ""))) or None
        problems: list[tuple[str, str, str]] = []
        out: dict[str, str] = {}
        for name, raw in props.items():
            d = defs.get(name)
            if d is None:
                problems.append(("PROPERTY_DOESNT_EXIST", name, f'Property "{name}" does not exist'))
                continue
            if d["modificationMetadata"]["readOnlyValue"] and not trusted:
                problems.append(("READ_ONLY_VALUE", name, f"{name} is a read only property; its value cannot be set."))
                continue
            try:
                out[name] = normalize_value(d, as_text(raw), portal, pipeline)
            except ValueProblem as p:
                problems.append((p.code, name, p.message))
        if existing is None:
            for name in schema.OBJECT_TYPES[otype].required_on_create:
                if not out.get(name) and name not in {n for _, n, _ in problems}:
                    problems.append(("REQUIRED_PROPERTY", name, f"{name} is required"))
        if problems:
            raise property_errors(problems)
        return out

    def create_property(self, otype: str, body: dict[str, Any]) -> dict[str, Any]:
        """`POST /crm/v3/properties/{objectType}`: 409 if the name is taken."""
        missing = [k for k in ("name", "label", "type", "fieldType", "groupName") if not body.get(k)]
        if missing:
            raise validation_error(f"Missing required fields: {', '.join(missing)}")
        if body["type"] not in ("string", "number", "date", "datetime", "enumeration", "bool"):
            raise validation_error(f"Invalid property type: {body['type']}")
        with self.lock:
            if body["name"] in self.properties[otype]:
                raise ApiError(409, "OBJECT_ALREADY_EXISTS", f"A property named '{body['name']}' already exists.")
            d = schema.custom_property(body, now_ms())
            self.properties[otype][d["name"]] = d
            return d

    # --- records ----------------------------------------------------------------------------------------

    def get(self, otype: str, object_id: str, *, archived: bool = False) -> CrmObject:
        """The record, or 404 OBJECT_NOT_FOUND; archived records only when asked for."""
        with self.lock:
            obj = self.objects[otype].get(str(object_id))
            if obj is None or obj.archived != archived:
                raise object_not_found(str(object_id))
            return obj

    def find(self, otype: str, object_id: str) -> CrmObject | None:
        """The live record or None, for callers that decide themselves how to report a missing id."""
        with self.lock:
            obj = self.objects[otype].get(str(object_id))
            return obj if obj is not None and not obj.archived else None

    def all(self, otype: str, *, archived: bool | None = False) -> list[CrmObject]:
        """Records in id order; `archived=None` means both live and archived."""
        with self.lock:
            objs = sorted(self.objects[otype].values(), key=lambda o: int(o.id))
            return [o for o in objs if archived is None or o.archived == archived]

    def create_many(
        self, otype: str, items: list[dict[str, Any]], origin: Origin, *, trusted: bool = False
    ) -> list[CrmObject]:
        """Create records atomically: every item is checked before any is stored.

        Each item is `{"properties": {...}, "associations": [v3 association inputs], "createdAt"?: ms|iso}`.
        """
        with self.lock:
            prepared = [
                (
                    self.normalize(otype, it.get("properties") or {}, existing=None, trusted=trusted),
                    self._association_inputs(otype, it.get("associations") or []),
                    it,
                )
                for it in items
            ]
            return [
                self._insert(otype, props, assoc, origin, parse_ms(it.get("createdAt")))
                for props, assoc, it in prepared
            ]

    def _insert(
        self,
        otype: str,
        props: dict[str, str],
        assoc: list[tuple[str, str, str, int]],
        origin: Origin,
        created_ms: int | None,
    ) -> CrmObject:
        t = schema.OBJECT_TYPES[otype]
        now = now_ms()
        created = created_ms or parse_ms(props.get(t.created_property)) or now
        oid = str(next(self._ids))
        obj = CrmObject(otype, oid, {}, created, max(now, created))
        written = dict(props)
        props = {k: v for k, v in props.items() if v != ""}
        props.setdefault(t.created_property, iso_ms(created))
        if otype == "tasks":
            props.setdefault("hs_task_status", "NOT_STARTED")
        obj.properties = self._derive(otype, obj, props)
        self._record(obj, {}, set(written), origin, obj.created_ms)
        self.objects[otype][oid] = obj
        self.index.added(otype, oid, obj.created_ms, obj.properties)
        self.log_write(origin, "create", otype, oid, properties=written)
        changes = [Change("creation", otype, oid, obj.created_ms, origin)]
        if self.config.property_change_on_create:
            changes += [
                Change("propertyChange", otype, oid, obj.created_ms, origin, k, v) for k, v in obj.properties.items()
            ]
        self._emit(changes)
        for to_type, to_id, category, type_id in assoc:
            self.associate(otype, oid, to_type, to_id, category, type_id, origin)
        return obj

    def update_many(
        self, otype: str, items: list[tuple[str, dict[str, Any]]], origin: Origin, *, trusted: bool = False
    ) -> list[CrmObject]:
        """Update records atomically (all values checked first); unknown ids raise 404."""
        with self.lock:
            objs = [self.get(otype, oid) for oid, _ in items]
            prepared = [
                self.normalize(otype, props, existing=o, trusted=trusted)
                for o, (_, props) in zip(objs, items, strict=False)
            ]
            for obj, props in zip(objs, prepared, strict=False):
                self._apply(obj, props, origin)
                self.log_write(origin, "update", otype, obj.id, properties=dict(props))
            return objs

    def _apply(self, obj: CrmObject, props: dict[str, str], origin: Origin) -> None:
        before = dict(obj.properties)
        merged = {**before, **props}
        obj.updated_ms = max(now_ms(), obj.updated_ms)
        obj.properties = {k: v for k, v in self._derive(obj.object_type, obj, merged).items() if v != ""}
        if not obj.archived:
            self.index.changed(obj.object_type, obj.id, obj.properties)
        self._record(obj, before, set(props), origin, obj.updated_ms)
        changed = [
            k
            for k in set(before) | set(obj.properties)
            if before.get(k, "") != obj.properties.get(k, "") and k not in _NOISE
        ]
        self._emit(
            [
                Change("propertyChange", obj.object_type, obj.id, obj.updated_ms, origin, k, obj.properties.get(k, ""))
                for k in sorted(changed)
            ]
        )

    @staticmethod
    def _record(obj: CrmObject, before: dict[str, str], written: set[str], origin: Origin, at_ms: int) -> None:
        """A version for every value the write changed (on creation: every value set), stamped `at_ms`: the writer's
        source for the properties it sent, CALCULATED for what HubSpot derived; a cleared value is an empty version."""
        for name in sorted(set(before) | set(obj.properties)):
            value = obj.properties.get(name, "")
            if value == before.get(name, ""):
                continue
            source = (origin.change_source, origin.source_id) if name in written else ("CALCULATED", "")
            obj.history.setdefault(name, []).append(Version(value, at_ms, *source))

    def _derive(self, otype: str, obj: CrmObject, props: dict[str, str]) -> dict[str, str]:
        """Calculated properties HubSpot maintains itself (ids, timestamps, deal closed flags, task completion)."""
        t = schema.OBJECT_TYPES[otype]
        props["hs_object_id"] = obj.id
        props[t.modified_property] = iso_ms(obj.updated_ms)
        if otype == "contacts":
            props["hs_lastmodifieddate"] = iso_ms(obj.updated_ms)
        if otype == "deals" and props.get("dealstage"):
            props.setdefault("pipeline", "default")
            meta = (self.stage(props["pipeline"], props["dealstage"]) or {}).get("metadata", {})
            closed = meta.get("isClosed") == "true"
            probability = as_number(meta.get("probability", "")) or 0.0
            props["hs_is_closed"] = "true" if closed else "false"
            props["hs_is_closed_won"] = "true" if closed and probability >= 1.0 else "false"
            props["hs_deal_stage_probability"] = meta.get("probability", "")
            if closed and not props.get("closedate"):
                props["closedate"] = iso_ms(obj.updated_ms)
            entered_stage(obj.properties, props, iso_ms(obj.updated_ms if obj.properties else obj.created_ms))
        if otype == "tasks":
            if props.get("hs_task_status") == "COMPLETED":
                props.setdefault("hs_task_completion_date", iso_ms(obj.updated_ms))
            else:
                props.pop("hs_task_completion_date", None)
        return props

    def archive_many(self, otype: str, ids: Iterable[str], origin: Origin) -> None:
        """Archive (soft-delete) records; unknown or already archived ids are ignored, like batch/archive."""
        with self.lock:
            for oid in ids:
                obj = self.find(otype, oid)
                if obj is None:
                    continue
                obj.archived, obj.archived_ms = True, now_ms()
                self.index.archived(otype, obj.id, obj.created_ms)
                self.log_write(origin, "archive", otype, obj.id)
                self._emit([Change("deletion", otype, obj.id, obj.archived_ms, origin)])

    # --- associations -----------------------------------------------------------------------------------

    def _association_inputs(self, otype: str, raw: list[dict[str, Any]]) -> list[tuple[str, str, str, int]]:
        """Resolve v3 create-time associations (`{to:{id}, types:[...]}`); the target type follows from the id."""
        if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
            raise validation_error("associations must be a list of {to, types} objects")
        out = []
        for a in raw:
            to_id = str((a.get("to") or {}).get("id", ""))
            for spec in a.get("types") or []:
                category, type_id = schema.association_spec(spec)
                to_type = self.target_type(otype, type_id)
                if self.find(to_type, to_id) is None:
                    raise validation_error(
                        f"Could not find {schema.OBJECT_TYPES[to_type].singular} with id {to_id} to associate with."
                    )
                out.append((to_type, to_id, category, type_id))
        return out

    @staticmethod
    def target_type(otype: str, type_id: int) -> str:
        """The object type an association type id points to from `otype`; 400 if it does not start there."""
        for (a, b), tid in schema.DEFAULT_TYPE_IDS.items():
            if tid == type_id and a == otype:
                return b
        owner = next((a for (a, _), tid in schema.DEFAULT_TYPE_IDS.items() if tid == type_id), None)
        expected = f" expected: {schema.OBJECT_TYPES[owner].singular.upper()}" if owner else ""
        raise validation_error(
            f"invalid from object type {schema.OBJECT_TYPES[otype].singular.upper()} for "
            f"associations to be created.{expected}"
        )

    def check_type_id(self, from_type: str, to_type: str, category: str, type_id: int) -> None:
        """HUBSPOT_DEFINED ids must be the pair's own id (e.g. 206 for call→deal), else 400."""
        if category == "HUBSPOT_DEFINED" and type_id != schema.require_default_type_id(from_type, to_type):
            raise validation_error(
                f"associationTypeId {type_id} is not a valid HUBSPOT_DEFINED type from {from_type} to {to_type}; "
                f"expected {schema.default_type_id(from_type, to_type)}"
            )
        if category not in ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"):
            raise validation_error(f"Invalid associationCategory: {category}")

    def associate(
        self, from_type: str, from_id: str, to_type: str, to_id: str, category: str, type_id: int, origin: Origin
    ) -> None:
        """Store the edge both ways (the reverse with HubSpot's paired id) and roll up deal activity dates."""
        with self.lock:
            self.check_type_id(from_type, to_type, category, type_id)
            src, dst = self.get(from_type, from_id), self.get(to_type, to_id)
            back = schema.inverse_type_id(from_type, to_type, type_id, category)
            fwd = self.edges.setdefault((from_type, src.id, to_type), {})
            is_new = dst.id not in fwd
            fwd.setdefault(dst.id, Edge()).types.add((category, type_id))
            self.edges.setdefault((to_type, dst.id, from_type), {}).setdefault(src.id, Edge()).types.add(
                (category, back)
            )
            self.log_write(
                origin,
                "associate",
                from_type,
                src.id,
                toObjectType=to_type,
                toId=dst.id,
                associationCategory=category,
                associationTypeId=type_id,
            )
            for activity, deal in ((src, dst), (dst, src)):
                if is_new and activity.object_type in schema.ACTIVITY_TYPES and deal.object_type == "deals":
                    self._roll_up_activity(deal, activity, origin)

    def _roll_up_activity(self, deal: CrmObject, activity: CrmObject, origin: Origin) -> None:
        """Logging a call, note, email or meeting on a deal moves its "last activity date" like HubSpot."""
        ts = parse_ms(activity.properties.get("hs_timestamp")) or activity.created_ms
        if ts > now_ms():
            return
        last = parse_ms(deal.properties.get("notes_last_updated")) or 0
        count = int(as_number(deal.properties.get("num_notes", "0")) or 0) + 1
        updates = {"num_notes": str(count), "hs_last_sales_activity_timestamp": iso_ms(max(ts, last))}
        if ts > last:
            updates["notes_last_updated"] = iso_ms(ts)
        self._apply(deal, updates, Origin("CALCULATED", "", None, None))

    def unassociate(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        origin: Origin,
        type_ids: set[tuple[str, int]] | None = None,
    ) -> None:
        """Remove all (or the given) association types between two records, both directions."""
        with self.lock:
            fwd = self.edges.get((from_type, str(from_id), to_type), {})
            edge = fwd.get(str(to_id))
            if edge is None:
                return
            removed = edge.types if type_ids is None else edge.types & type_ids
            back_edge = self.edges.get((to_type, str(to_id), from_type), {}).get(str(from_id))
            for category, tid in list(removed):
                edge.types.discard((category, tid))
                if back_edge is not None:
                    back_edge.types.discard((category, schema.inverse_type_id(from_type, to_type, tid, category)))
            if not edge.types:
                fwd.pop(str(to_id), None)
            if back_edge is not None and not back_edge.types:
                self.edges[(to_type, str(to_id), from_type)].pop(str(from_id), None)
            self.log_write(origin, "unassociate", from_type, str(from_id), toObjectType=to_type, toId=str(to_id))

    def associations(self, from_type: str, from_id: str, to_type: str) -> list[tuple[str, list[tuple[str, int]]]]:
        """(to id, [(category, type id)]) for live targets, in association order."""
        with self.lock:
            fwd = self.edges.get((from_type, str(from_id), to_type), {})
            return [
                (tid, sorted(e.types, key=lambda c: c[1]))
                for tid, e in fwd.items()
                if self.find(to_type, tid) is not None
            ]


# Calculated timestamps change on every write; HubSpot doesn't allow subscribing to them either.
_NOISE = frozenset({"hs_lastmodifieddate", "lastmodifieddate"})
