"""Property groups of the sandbox portal (`/crm/v3/properties/{objectType}/groups`), so an install can put its
properties in a group of its own.

HubSpot: Properties API, property groups (developers.hubspot.com/docs/api/crm/properties, "Create a property
group"): `POST` with `name`, `label`, `displayOrder` answers 201 with the group (`name`, `label`, `displayOrder`,
`archived`: the SDK's `hubspot.crm.properties.models.PropertyGroup`, all four required); `GET` lists them under
`results`. A name already taken is a 409 like a taken property name (wording **[approx]**). The groups a portal
starts with are the ones its properties name (`groupName`), e.g. `dealinformation`, and `dealcoach` when the
portal is configured with DealCoach's properties already installed. Routes: `hubspot_property_groups_routes`.
"""

from __future__ import annotations

import threading
from typing import Any

from .hubspot_errors import ApiError, validation_error


class GroupStore:
    """Groups created through the API, per object type; the configured ones are derived from the properties."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._created: dict[str, dict[str, dict[str, Any]]] = {}

    def all(self, otype: str, properties: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
        names = sorted({str(p.get("groupName")) for p in properties.values() if p.get("groupName")})
        with self._lock:
            created = dict(self._created.get(otype, {}))
        derived = [
            {"name": n, "label": n.replace("_", " ").title(), "displayOrder": -1, "archived": False}
            for n in names
            if n not in created
        ]
        return derived + list(created.values())

    def create(self, otype: str, body: dict[str, Any], properties: dict[str, dict[str, Any]]) -> dict[str, Any]:
        missing = [k for k in ("name", "label") if not isinstance(body.get(k), str) or not body.get(k)]
        if missing:
            raise validation_error(f"Missing required fields: {', '.join(missing)}")
        if any(g["name"] == body["name"] for g in self.all(otype, properties)):
            raise ApiError(409, "OBJECT_ALREADY_EXISTS", f"A property group named '{body['name']}' already exists.")
        order = body.get("displayOrder", -1)
        group = {"name": body["name"], "label": body["label"], "displayOrder": int(order), "archived": False}
        with self._lock:
            self._created.setdefault(otype, {})[group["name"]] = group
        return group
