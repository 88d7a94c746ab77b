"""The same behavioural checks against both real clients (hubspot-api-client, simple-salesforce) and their sandboxes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest
import requests

from connector.base import Crm, CrmAuthError, FatalCrmError
from connector.download import DownloadPolicy
from connector.hubspot.crm import HubSpotCrm
from connector.models import NoteSpec, TaskSpec
from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.crm import SalesforceCrm
from connector.salesforce.ids import to_18
from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox
from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg, trusted_session
from connector.sandbox.server import ServerThread

DUE = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
VTT = "WEBVTT\n\n00:00.000 --> 00:03.000\n<v 山田>株式会社ミライクラウドの山田と申します。\n"

# The sandbox serves its files over http on loopback: a policy only a test (or the demo) builds.
SANDBOX_FILES = DownloadPolicy.for_local_sandbox("127.0.0.1")


@dataclass
class Env:
    """One CRM under test: the connector, and what a user would do in that CRM."""

    provider: str
    crm: Any
    make_deal: Callable[[str], str]
    log_call: Callable[[str], tuple[str, str]]
    control: Callable[..., Any]
    bad_token_crm: Callable[[], Any]
    rep_name: str = "山田 太郎"


def _hubspot(config: HubSpotSandboxConfig) -> Iterator[Env]:
    from hubspot.crm.objects import (
        AssociationSpec,
        PublicAssociationsForObject,
        PublicObjectId,
        SimplePublicObjectInputForCreate,
    )

    server = ServerThread(create_hubspot_sandbox(config))
    server.start()
    crm = HubSpotCrm(access_token="sandbox-token", api_base=server.url, downloads=SANDBOX_FILES)

    def make_deal(stage: str) -> str:
        deal = crm.client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties={
            "dealname": "契約テスト", "dealstage": {"open": "qualifiedtobuy", "won": "closedwon"}[stage],
            "pipeline": "default", "hubspot_owner_id": "75000001", "amount": "500000"}))
        return str(deal.id)

    def log_call(deal_id: str) -> tuple[str, str]:
        path = Path(server_dir) / "call.vtt"
        path.write_text(VTT, encoding="utf-8")
        up = crm.client.files.files_api.upload(file=str(path), folder_path="/t", options=json.dumps({"access": "PRIVATE"}))
        call = crm.client.crm.objects.calls.basic_api.create(SimplePublicObjectInputForCreate(
            properties={"hs_timestamp": "2026-11-20T05:00:00.000Z", "hs_call_title": "通話", "hs_attachment_ids": str(up.id)},
            associations=[PublicAssociationsForObject(to=PublicObjectId(id=deal_id), types=[
                AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=206)])]))
        return str(call.id), "call"

    def control(method: str, path: str, body: Any = None) -> Any:
        return requests.request(method, f"{server.url}/_sandbox/{path}", json=body, timeout=10).json()

    import shutil
    import tempfile

    server_dir = tempfile.mkdtemp()
    yield Env("hubspot", crm, make_deal, log_call, control,
              lambda: HubSpotCrm(access_token="wrong", api_base=server.url))
    server.stop()
    shutil.rmtree(server_dir, ignore_errors=True)


def _salesforce(config: SalesforceSandboxConfig) -> Iterator[Env]:
    server, app = start_salesforce_sandbox(config)
    org = SandboxOrg(server, app)

    def connector(session_id: str = "sandbox-session-id") -> SalesforceCrm:
        return SalesforceCrm(auth=SalesforceAuth(instance_url=server.url, session_id=session_id), tenant="salesforce:test",
                             session=trusted_session(org.cert), downloads=SANDBOX_FILES)

    crm = connector()
    sf = org.client()

    def make_deal(stage: str) -> str:
        return sf.Opportunity.create({"Name": "契約テスト", "StageName": {"open": "Needs Analysis", "won": "Closed Won"}[stage],
                                      "CloseDate": "2026-12-31", "Amount": 500000,
                                      "OwnerId": "0055g00000TARO1AAP"})["id"]

    def log_call(deal_id: str) -> tuple[str, str]:
        import base64

        task = sf.Task.create({"Subject": "通話", "TaskSubtype": "Call", "Status": "Completed", "WhatId": deal_id})["id"]
        sf.ContentVersion.create({"Title": "call", "PathOnClient": "call.vtt", "FirstPublishLocationId": task,
                                  "VersionData": base64.b64encode(VTT.encode()).decode()})
        return task, "task"

    yield Env("salesforce", crm, make_deal, log_call, lambda m, p, b=None: org.control(m, p, b),
              lambda: connector("expired-session"))
    server.stop()


@pytest.fixture(params=["hubspot", "salesforce"])
def env(request: pytest.FixtureRequest) -> Iterator[Env]:
    yield from (_hubspot(HubSpotSandboxConfig()) if request.param == "hubspot" else _salesforce(SalesforceSandboxConfig()))


@pytest.fixture(params=["hubspot", "salesforce"])
def bare_env(request: pytest.FixtureRequest) -> Iterator[Env]:
    if request.param == "hubspot":
        yield from _hubspot(HubSpotSandboxConfig(custom_properties={}))
    else:
        yield from _salesforce(SalesforceSandboxConfig(custom_fields={}))


def test_is_a_crm(env: Env) -> None:
    assert isinstance(env.crm, Crm) and env.crm.provider == env.provider


def test_get_deal(env: Env) -> None:
    deal = env.crm.get_deal(env.make_deal("open"))
    assert deal.owner_name == env.rep_name and deal.amount == 500000 and not deal.is_closed
    won = env.crm.get_deal(env.make_deal("won"))
    assert won.is_closed and won.is_won


def test_get_call_finds_the_deal_and_the_transcript(env: Env) -> None:
    deal = env.make_deal("open")
    call_id, object_type = env.log_call(deal)
    call = env.crm.get_call(call_id, object_type=object_type)
    assert call.deal_ids == (deal,)
    (attachment,) = call.attachments
    assert attachment.extension == "vtt"
    assert env.crm.download_attachment(attachment.id, max_bytes=10_000).decode("utf-8") == VTT
    with pytest.raises(FatalCrmError):
        env.crm.download_attachment(attachment.id, max_bytes=10)


def test_tasks_round_trip_through_markers(env: Env) -> None:
    deal = env.make_deal("open")
    specs = [TaskSpec(key=f"t:1/deal-{deal}/k{i}", deal_id=deal, subject=f"件名{i}", body="本文", due=DUE, priority="HIGH")
             for i in range(3)]
    ids = env.crm.create_tasks(specs)
    assert len(set(ids)) == 3
    marked = {m.key: m for m in env.crm.list_marked(deal_id=deal, kind="task")}
    assert {k: m.id for k, m in marked.items()} == {s.key: i for s, i in zip(specs, ids)}
    done = TaskSpec(**{**specs[0].__dict__, "subject": "完了", "status": "COMPLETED"})
    env.crm.update_tasks({ids[0]: done})
    statuses = {m.key: m.status for m in env.crm.list_marked(deal_id=deal, kind="task")}
    assert statuses[specs[0].key] in ("COMPLETED", "Completed")
    assert statuses[specs[1].key] in ("NOT_STARTED", "Not Started")


def test_notes_round_trip_through_markers(env: Env) -> None:
    deal = env.make_deal("open")
    spec = NoteSpec(key=f"t:1/deal-{deal}/note", deal_id=deal, body_html="<p>スコア 80</p>", title="DealCoach")
    note_id = env.crm.create_note(spec)
    assert [(m.key, m.id) for m in env.crm.list_marked(deal_id=deal, kind="note")] == [(spec.key, note_id)]
    env.crm.update_note(note_id, NoteSpec(**{**spec.__dict__, "body_html": "<p>スコア 90</p>"}))
    assert [m.id for m in env.crm.list_marked(deal_id=deal, kind="note")] == [note_id]


def test_deal_fields_written_only_where_they_exist(env: Env, bare_env: Env) -> None:
    fields = {"dealcoach_score": 80, "dealcoach_bant": "B○ A× N○ T×", "dealcoach_deal_state": "wadai"}
    assert env.crm.update_deal(env.make_deal("open"), fields) == sorted(fields)
    assert bare_env.crm.update_deal(bare_env.make_deal("open"), fields) == []


def test_expired_or_wrong_credentials_are_auth_errors(env: Env) -> None:
    with pytest.raises(CrmAuthError) as err:
        env.bad_token_crm().get_deal(env.make_deal("open"))
    assert err.value.status == 401


def test_missing_record_is_fatal(env: Env) -> None:
    missing = "99999999999" if env.provider == "hubspot" else to_18("0065g00000ZZZZZ")
    with pytest.raises(FatalCrmError) as err:
        env.crm.get_deal(missing)
    assert err.value.status == 404
    if env.provider == "salesforce":
        with pytest.raises(FatalCrmError):
            env.crm.get_deal("0065g00000ZZZZZAAA")


def test_transient_faults_are_retried(env: Env) -> None:
    deal = env.make_deal("open")
    prefix = "/crm/v3/objects/deals" if env.provider == "hubspot" else "sobjects/Opportunity"
    env.control("POST", "faults", {"status": 503, "count": 2, "path_prefix": prefix})
    assert env.crm.get_deal(deal).id == deal
