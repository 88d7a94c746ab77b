"""`dealcoach tenants remove` after a real install and real jobs: nothing of the tenant stays in Redis, and another
tenant's data is untouched."""

from __future__ import annotations

from datetime import timedelta

from connector import clock
from connector.models import Event, TenantSettings
from connector.tenants import Tenant
from sync.demo.stack import run_worker
from sync.forget import forget_tenant
from sync.queue import enqueue_events
from sync.state import DealState
from tests.admin.conftest import TENANT, Admin


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

    def keys_of(tid: str) -> list[bytes]:
        return [
            k
            for k in admin.conn.scan_iter("dealcoach:*")
            if tid.encode() in k and not k.startswith(b"dealcoach:tenants")
        ]

    assert len(keys_of(TENANT)) >= 5, keys_of(TENANT)
    assert forget_tenant(admin.conn, admin.registry, TENANT) >= 5
    assert keys_of(TENANT) == [] and admin.registry.get(TENANT) is None
    assert TENANT not in admin.registry.list_ids()
    assert admin.registry.get(other.id) is not None and DealState(admin.conn, other.id, "1").latest_scorecard()
    assert forget_tenant(admin.conn, admin.registry, TENANT) == 0
