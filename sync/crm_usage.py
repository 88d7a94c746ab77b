"""CRM requests spent per job, kept in Redis for /metrics: requests and failed requests by tenant and vendor, and the
API budget the CRM last reported (HubSpot's daily rate-limit headers, Salesforce's Sforce-Limit-Info).

Counts live in Redis like the webhook counters (`webhooks/metrics.py`): every worker process adds to them and any
web process can serve the scrape. Labels are registered tenant ids and the two vendor names, so they stay bounded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import redis
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from connector.base import Crm
from connector.usage import UsageSnapshot

COUNTERS = "dealcoach:metrics:crm_requests"
BUDGET = "dealcoach:metrics:crm_budget"
VENDORS = ("hubspot", "salesforce")
TENANT_INDEX = "dealcoach:tenants"  # the tenant registry's index set (connector/tenants.py)


def usage_of(crm: Crm) -> UsageSnapshot:
    """The connector's running count (a connector without one counts nothing)."""
    usage = getattr(crm, "usage", None)
    return usage.snapshot() if usage is not None else UsageSnapshot()


def record_usage(conn: redis.Redis, tenant: str, crm: Crm, spent: UsageSnapshot) -> None:
    """Add a job's requests to the tenant's counters and note the budget the CRM last reported; never raises."""
    vendor = crm.provider
    budget = getattr(crm, "budget", None)
    try:
        pipe = conn.pipeline(transaction=False)
        if spent.requests:
            pipe.hincrby(COUNTERS, f"{tenant}|{vendor}|requests", spent.requests)
        if spent.errors:
            pipe.hincrby(COUNTERS, f"{tenant}|{vendor}|errors", spent.errors)
        for name in ("daily_remaining", "daily_max", "app_remaining", "app_max", "burst_remaining", "burst_max"):
            value = getattr(budget, name, None)
            if value is not None:
                pipe.hset(BUDGET, f"{tenant}|{vendor}|{name}", str(int(value)))
        pipe.execute()
    except RedisError:
        return


def _fields(raw: dict[Any, Any], tenants: set[str]) -> dict[tuple[str, str, str], int]:
    out: dict[tuple[str, str, str], int] = {}
    for field, value in raw.items():
        text = field.decode(errors="replace") if isinstance(field, bytes) else str(field)
        parts = text.split("|")
        if len(parts) == 3 and parts[0] in tenants and parts[1] in VENDORS:
            out[(parts[0], parts[1], parts[2])] = int(value)
    return out


class CrmUsageCollector(Collector):
    """dealcoach_crm_requests / dealcoach_crm_request_errors (counters) and dealcoach_crm_api_budget_remaining /
    _max (gauges, `quota` daily or app), read from Redis once per scrape for the registered tenants (a removed
    tenant's figures are not shown)."""

    def __init__(self, conn: redis.Redis) -> None:
        members = cast(set[Any], conn.smembers(TENANT_INDEX))
        tenants = {m.decode() if isinstance(m, bytes) else str(m) for m in members}
        counters = cast(dict[Any, Any], conn.hgetall(COUNTERS))
        budget = cast(dict[Any, Any], conn.hgetall(BUDGET))
        self.counts, self.budget = _fields(counters, tenants), _fields(budget, tenants)

    def collect(self) -> Iterator[Metric]:
        labels = ["tenant", "vendor"]
        requests = CounterMetricFamily("dealcoach_crm_requests", "CRM API requests sent by jobs.", labels=labels)
        errors = CounterMetricFamily("dealcoach_crm_request_errors", "CRM API requests that failed.", labels=labels)
        for (tenant, vendor, what), value in sorted(self.counts.items()):
            (requests if what == "requests" else errors).add_metric([tenant, vendor], value)
        yield requests
        yield errors
        for suffix, help_text in (("remaining", "API calls left"), ("max", "API call allowance")):
            gauge = GaugeMetricFamily(
                f"dealcoach_crm_api_budget_{suffix}",
                f"{help_text} as the CRM last reported it (quota: daily, the connected app's own, or HubSpot's burst window).",
                labels=[*labels, "quota"],
            )
            for (tenant, vendor, name), value in sorted(self.budget.items()):
                quota, _, kind = name.partition("_")
                if kind == suffix:
                    gauge.add_metric([tenant, vendor, quota], value)
            yield gauge
