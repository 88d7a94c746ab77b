"""Names of the coaching fields DealCoach writes on deals (phase scores, BANT checkboxes, checks hit/missed, SLA status), in
DealCoach's own terms and as each CRM calls them: one list that the writers, the install, the report's readers and
the sandboxes share."""

from __future__ import annotations

PHASE_IDS = (
    "research",
    "first_contact",
    "needs_discovery",
    "proposal",
    "negotiation_closing",
    "contract_implementation",
    "after_follow",
)
BANT_KEYS = ("budget", "authority", "need", "timeline")
CHECKS_HIT, CHECKS_MISSED = "dealcoach_checks_hit", "dealcoach_checks_missed"
SLA_STATUS = "dealcoach_sla_status"
# The deal's follow-up SLA status: value, ja label, en label (a picklist in both CRMs, for their own reports).
SLA_STATUS_VALUES = (
    ("on_track", "期限内", "On track"),
    ("due_soon", "期限間近", "Due soon"),
    ("overdue", "期限超過", "Overdue"),
    ("none", "対象なし", "None"),
)


def phase_field(phase_id: str) -> str:
    """`dealcoach_phase_needs_discovery`: the HubSpot property (and DealCoach's own name) of a phase score."""
    return f"dealcoach_phase_{phase_id}"


def bant_field(key: str) -> str:
    """`dealcoach_bant_budget`: the checkbox for one BANT item."""
    return f"dealcoach_bant_{key}"


def salesforce_name(field: str) -> str:
    """DealCoach's field name as the Opportunity custom field: `dealcoach_phase_needs_discovery` →
    `DealCoach_Phase_Needs_Discovery__c`, `dealcoach_bant_budget` → `DealCoach_BANT_Budget__c`, `dealcoach_sla_status` →
    `DealCoach_SLA_Status__c`."""
    words = field.removeprefix("dealcoach_").split("_")
    head = words[0].upper() if words[0] in ("bant", "sla") else words[0].capitalize()
    return "_".join(["DealCoach", head, *(w.capitalize() for w in words[1:])]) + "__c"


COACHING_FIELDS = (
    *(phase_field(p) for p in PHASE_IDS),
    *(bant_field(b) for b in BANT_KEYS),
    CHECKS_HIT,
    CHECKS_MISSED,
    SLA_STATUS,
)
# Salesforce tracks at most 20 fields' history per object: the report needs these (long text keeps no values).
HISTORY_FIELDS = (
    "dealcoach_deal_state",
    "dealcoach_score",
    "dealcoach_last_scored_at",
    *(phase_field(p) for p in PHASE_IDS),
)
