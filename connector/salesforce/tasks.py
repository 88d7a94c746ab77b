"""What goes into a Salesforce Task beyond the spec: a Description that fits and keeps its idempotency marker, and an
owner who can still own it.

Task.Description holds at most 32,000 characters (Task object reference; a longer value is refused with
STRING_TOO_LONG), so the body is cut and the marker kept: on orgs without DealCoach_Key__c the marker is how a
re-run finds the task. A Task cannot be assigned to a deactivated user: the record fails with INACTIVE_OWNER_OR_USER
"operation performed with inactive user" (Salesforce Help 000205862), so it goes to the owner's manager when that
user is active, else to the integration user (OwnerId left out: the running user owns what it creates), and the
Description says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from connector.marker import with_marker

DESCRIPTION_LIMIT = 32_000
ELLIPSIS = "…"
_REASSIGNED = {
    "ja": {
        "manager": "担当者 {owner} が無効なユーザーのため、上長の {manager} に割り当てました。",
        "integration": "担当者 {owner} が無効なユーザーのため、連携ユーザーに割り当てました。",
    },
    "en": {
        "manager": "Assigned to {manager}, the manager of {owner}, because {owner} is no longer an active user.",
        "integration": "Assigned to the integration user because {owner} is no longer an active user.",
    },
}


@dataclass(frozen=True)
class User:
    """The User fields an owner decision needs."""

    id: str
    name: str
    active: bool
    manager_id: str | None


@dataclass(frozen=True)
class Owner:
    """Who a task goes to: `id` None means the running (integration) user; `note` explains a reassignment."""

    id: str | None
    note: str = ""


def choose_owner(owner: User, manager: User | None, *, language: str) -> Owner:
    """The owner itself when active; else its active manager; else the integration user."""
    if owner.active:
        return Owner(owner.id)
    lines = _REASSIGNED["en" if language.startswith("en") else "ja"]
    if manager is not None and manager.active:
        return Owner(manager.id, lines["manager"].format(owner=owner.name, manager=manager.name))
    return Owner(None, lines["integration"].format(owner=owner.name))


def task_description(body: str, key: str, *, note: str = "") -> str:
    """Body (cut to fit), the reassignment line if any, then the marker: never over 32,000 characters."""
    tail = f"\n{note}" if note else ""
    room = DESCRIPTION_LIMIT - len(with_marker("", key, html=False)) - len(tail)
    if len(body) > room:
        body = body[: room - len(ELLIPSIS)] + ELLIPSIS
    return with_marker(body + tail, key, html=False)
