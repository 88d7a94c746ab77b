"""`dealcoach tenants remove` after a real install and real jobs: nothing of the tenant stays in Redis, and another
tenant's data is untouched; every key family in the source is either deleted per tenant or holds no tenant data."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from rq import Queue

from connector import clock
from connector.models import Event, TenantSettings
from connector.tenants import Tenant
from sync.crm_usage import COUNTERS
from sync.demo.stack import run_worker
from sync.forget import SHARED_KEYS, TENANT_KEYS, forget_tenant
from sync.queue import enqueue_events
from sync.score_cache import TenantScoreCache
from sync.state import DealState
from tests.admin.conftest import TENANT, Admin

ROOT = Path(__file__).resolve().parents[2]
# A Redis key literal: `dealcoach:` and its static part, up to the first placeholder or the end of the string.
_FAMILY = re.compile(r"""["']dealcoach:([a-z_\-]+(?::[a-z_\-0-9]+)*):?(?=["'{])""")


def test_every_key_family_in_the_source_is_forgotten_or_shared() -> None:
    families = set()
    for path in [*ROOT.glob("connector/**/*.py"), *ROOT.glob("sync/**/*.py"), *ROOT.glob("webhooks/**/*.py"),
                 *ROOT.glob("scoring/**/*.py")]:  # fmt: skip
        if "sandbox" not in path.parts and path.name != "forget.py":
            families |= {f"dealcoach:{m}" for m in _FAMILY.findall(path.read_text(encoding="utf-8"))}
    per_tenant = {p.split("{}")[0].rstrip(":") for p in TENANT_KEYS}
    assert {"dealcoach:idem", "dealcoach:oauth:access", "dealcoach:llm-score", "dealcoach:tenant"} <= families
    assert sorted(f for f in families if f not in per_tenant and f not in SHARED_KEYS) == []


def test_removing_a_tenant_deletes_everything_stored_for_it(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = str(
        admin.control(
            "POST",
            "seed",
            {
                "deals": [
                    {
                        "properties": {
                            "dealname": "削除テスト",
                            "dealstage": "qualifiedtobuy",
                            "hubspot_owner_id": "75000001",
                        }
                    }
                ]
            },
        )["deals"][0]
    )
    enqueue_events(
        admin.conn,
        [
            Event(
                "deal.stage_changed",
                TENANT,
                "forget-1",
                deal,
                clock.now() - timedelta(minutes=1),
                data={"property_name": "dealstage", "property_value": "qualifiedtobuy"},
            )
        ],
    )
    run_worker(admin.conn)
    other = Tenant("hubspot", "777", credentials={"access_token": "x"}, settings=TenantSettings())
    admin.registry.add(other)
    DealState(admin.conn, other.id, "1").save_scorecard_if_newer({"overall": 1}, clock.now(), "c")
    for tid in (TENANT, other.id):
        TenantScoreCache(admin.conn, tid).set("dealcoach:llm-score:v1:abc", {"outputs": [{"quote": "transcript"}]})
    admin.conn.hset(COUNTERS, f"{other.id}|hubspot|requests", 3)
    scheduled = Queue("events", connection=admin.conn).enqueue_in(timedelta(hours=1), "sync.jobs.noop",
                                                                 job_id="hubspot-62515-evt-later")  # fmt: skip

    def keys_of(tid: str) -> list[bytes]:
        return [k for k in admin.conn.scan_iter("*") if (tid.encode() in k or tid.replace(":", "-").encode() in k)
                and not k.startswith(b"dealcoach:tenants")]  # fmt: skip

    def fields_of(tid: str) -> list[bytes]:
        return [f for f in admin.conn.hkeys(COUNTERS) if f.startswith(tid.encode() + b"|")]

    assert len(keys_of(TENANT)) >= 8 and fields_of(TENANT), keys_of(TENANT)
    assert any(k.startswith(b"rq:job:") for k in keys_of(TENANT))
    other_keys = sorted(keys_of(other.id))
    assert forget_tenant(admin.conn, admin.registry, TENANT) >= 8
    assert keys_of(TENANT) == [] and fields_of(TENANT) == [] and admin.registry.get(TENANT) is None
    assert TENANT not in admin.registry.list_ids()
    assert scheduled.id.encode() not in admin.conn.zrange("rq:scheduled:events", 0, -1)
    assert sorted(keys_of(other.id)) == other_keys and fields_of(other.id)
    assert admin.registry.get(other.id) is not None and DealState(admin.conn, other.id, "1").latest_scorecard()
    assert forget_tenant(admin.conn, admin.registry, TENANT) == 0
