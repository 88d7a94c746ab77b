"""`dealcoach report` against the sandbox HubSpot: a month seeded at past instants through the real client, read
back through the real hubspot-api-client, and every figure compared with values worked out by hand.

Deals, engagements and stage moves are written as a rep's tools would; DealCoach's own fields and tasks are written
through the production connector (`HubSpotCrm.update_deal`, `create_tasks`, `close_tasks`), the first from a real
offline scorecard, so the report reads exactly what the jobs leave in the CRM.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
import redis
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

import dealcoach_cli
from connector import clock
from connector.models import TaskSpec, TenantSettings
from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.transcript import parse_transcript
from sync import runtime
from sync.call_results import deal_fields
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.report.digest import enqueue_digests, post_digests
from sync.report.run import ReportError, make_report
from tests.conftest import FIXTURES, TEST_SECRET_KEY
from webhooks.app import create_app

JST = timezone(timedelta(hours=9))
REP, MANAGER, OTHER = "75000001", "75000002", "75000003"
TO_DEAL = {"emails": 210, "meetings": 212, "calls": 206}
SETTINGS = TenantSettings(
    manager_id=MANAGER,
    report={
        "fiscal_year_start_month": 10,
        "rep_targets": {REP: {"2026-10": 500000, "2026-11": 1000000}},
        "managers": {"5002": OTHER},
    },
)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=JST)


@pytest.fixture
def hub(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=SETTINGS) as s:
        s.control(
            "POST",
            "seed",
            json={
                "owners": [
                    {
                        "id": OTHER,
                        "email": "hanako@example.jp",
                        "firstName": "花子",
                        "lastName": "高橋",
                        "teams": [{"id": "5002", "name": "営業二課", "primary": True}],
                    }
                ],
                "emit_webhooks": False,
            },
        )
        yield s


class Month:
    """Writes into the sandbox at chosen instants: the sandbox stamps records and history from the clock seam."""

    def __init__(self, stack: EmbeddedStack) -> None:
        self.stack = stack
        self.crm = runtime.current().crm(runtime.current().tenants(stack.conn).get(stack.tenant))
        self.deals: dict[str, str] = {}

    def deal(self, key: str, when: datetime, *, name: str, stage: str, owner: str, amount: int) -> None:
        with clock.using(clock.AnchoredClock(when)):
            self.deals[key] = self.stack.create_deal(name=name, stage=stage, owner_id=owner, amount=str(amount))

    def move(self, key: str, when: datetime, stage: str) -> None:
        with clock.using(clock.AnchoredClock(when)):
            self.stack.move_stage(self.deals[key], stage)

    def dealcoach_fields(self, key: str, when: datetime, fields: dict) -> None:
        with clock.using(clock.AnchoredClock(when)):
            self.crm.update_deal(self.deals[key], fields)

    def engagement(self, object_type: str, key: str, when: datetime, owner: str, **props: str) -> None:
        body = {
            "hs_timestamp": when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "hubspot_owner_id": owner,
            **props,
        }
        assoc = PublicAssociationsForObject(
            to=PublicObjectId(id=self.deals[key]),
            types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=TO_DEAL[object_type])],
        )
        with clock.using(clock.AnchoredClock(when)):
            api = getattr(self.stack.hubspot.crm.objects, object_type).basic_api
            api.create(SimplePublicObjectInputForCreate(properties=body, associations=[assoc]))

    def sla_task(self, key: str, rule: str, created: datetime, due: datetime, done: datetime | None) -> None:
        deal = self.deals[key]
        spec = TaskSpec(
            key=f"{self.stack.tenant}/deal-{deal}/sla-{rule}/owner",
            deal_id=deal,
            subject=f"【SLA】{rule}",
            body="",
            due=due,
            owner_id=REP,
        )
        with clock.using(clock.AnchoredClock(created)):
            (task_id,) = self.crm.create_tasks([spec])
        if done is not None:
            with clock.using(clock.AnchoredClock(done)):
                self.crm.close_tasks([task_id])


def seed(hub: EmbeddedStack) -> dict:
    """The month. Expected figures (REP + MANAGER = team 5001; OTHER = team 5002) are in the tests below."""
    m = Month(hub)
    m.deal("W", at(10, 5), name="受注商事", stage="qualifiedtobuy", owner=REP, amount=600000)
    m.deal("L", at(10, 1), name="失注商事", stage="appointmentscheduled", owner=MANAGER, amount=200000)
    m.dealcoach_fields("W", at(10, 10), {"dealcoach_deal_state": "shodan"})
    m.deal("O", at(10, 20), name="商談商事", stage="decisionmakerboughtin", owner=REP, amount=400000)
    m.dealcoach_fields("O", at(10, 25), {"dealcoach_deal_state": "shodan"})
    m.deal("T", at(11, 2), name="話題商事", stage="presentationscheduled", owner=MANAGER, amount=300000)
    m.dealcoach_fields("T", at(11, 3), {"dealcoach_deal_state": "wadai"})
    m.engagement("calls", "T", at(11, 4, 16), MANAGER, hs_call_title="状況確認")
    # The REP's meeting on O, scored by the real offline scorer: its fields are what process_call writes.
    m.engagement("meetings", "O", at(11, 5, 10), REP, hs_meeting_title="提案", hs_meeting_body="議事メモ")
    transcript = parse_transcript(
        (FIXTURES / "transcripts" / "discovery_good.ja.vtt").read_text(encoding="utf-8"),
        filename="discovery_good.ja.vtt",
    )
    card = score_transcript(transcript, rubric=load_rubric("sales-7-phase", "ja"))
    scored = deal_fields(card, at(11, 5, 11))
    scored["dealcoach_deal_state"] = "shodan"  # the report's table must not move with the scorer's own reading
    m.dealcoach_fields("O", at(11, 5, 11), scored)
    m.engagement("emails", "O", at(11, 5, 12, 30), REP, hs_email_direction="EMAIL", hs_email_subject="御礼")
    m.engagement("emails", "O", at(11, 6, 9), REP, hs_email_direction="INCOMING_EMAIL", hs_email_subject="Re: 御礼")
    m.sla_task("O", "thank_you_minutes", at(11, 5, 11), at(11, 5, 13), done=at(11, 5, 12, 30))
    m.sla_task("T", "stale_deal", at(11, 3), at(11, 10), done=None)
    m.move("W", at(11, 10), "closedwon")
    m.move("L", at(11, 12), "closedlost")
    m.deal("X", at(11, 15), name="別チーム商事", stage="appointmentscheduled", owner=OTHER, amount=900000)
    return {"card": card, "scored": scored, "deals": m.deals}


def test_the_report_reads_the_seeded_month_back_from_hubspot(hub: EmbeddedStack) -> None:
    seeded = seed(hub)
    report = make_report(hub.conn, hub.tenant, month=date(2026, 11, 1), now=clock.now(), team="5001")
    oct_, nov = (c.values for c in report.tables[0].months)
    assert (oct_["target"], oct_["sales"], oct_["orders"], oct_["unit_price"]) == (500000.0, 0.0, 0.0, None)
    assert (oct_["shodan_sure_amount"], oct_["shodan_sure_count"]) == (400000.0, 1.0)  # O: 0.8 at the end of October
    assert (oct_["shodan_maybe_amount"], oct_["shodan_maybe_count"]) == (600000.0, 1.0)  # W: qualifiedtobuy, 0.4
    assert (nov["target"], nov["sales"], nov["achievement"], nov["orders"]) == (1000000.0, 600000.0, 0.6, 1.0)
    assert (nov["start_shodan_amount"], nov["start_shodan_count"]) == (1000000.0, 2.0)
    assert (nov["shodan_sure_count"], nov["shodan_maybe_count"]) == (1.0, 0.0)
    assert (nov["wadai_amount"], nov["wadai_count"], nov["botsu_count"]) == (300000.0, 1.0, 1.0)
    assert (nov["visits"], nov["follows"]) == (1.0, 2.0)
    assert report.tables[0].months[1].names["shodan_sure"] == ["商談商事"]
    kpis = {k.id: k for k in report.kpis}
    assert kpis["thank_you_hours"].value == 2.5 and kpis["thank_you_hours"].denominator == 2
    assert kpis["minutes_reply_rate"].value == 1.0
    assert kpis["activity_input_rate"].value == 0.5  # the meeting has notes, the call has none
    sla = {c.rule_id: c for c in report.sla}
    assert (sla["thank_you_minutes"].on_time, sla["stale_deal"].missed) == (1, 1)
    (point,) = [t for t in report.trends if t.rep_id == REP]
    card = seeded["card"]
    assert point.month == "2026-11" and point.overall == card.overall
    assert point.phases == {p.id: p.score for p in card.phases if p.score is not None}
    # Idle since the last logged engagement (notes_last_updated): T since the 11-04 call, O since the 11-06 reply.
    deals = seeded["deals"]
    assert [(s.deal_id, s.idle_days, s.important) for s in report.stale] == [
        (deals["T"], 15, True),
        (deals["O"], 14, True),
    ]


def test_the_whole_portal_includes_the_other_team_and_names_teams(hub: EmbeddedStack) -> None:
    seed(hub)
    report = make_report(hub.conn, hub.tenant, month=date(2026, 11, 1), now=clock.now())
    titles = [t.title for t in report.tables]
    assert titles[:3] == ["チーム全体", "営業一課", "営業二課"]
    nov = report.tables[0].months[1].values
    assert nov["start_shodan_count"] == 2.0 and report.tables[2].months[1].values["sales"] == 0.0
    with pytest.raises(ReportError, match="teams: 5001, 5002"):
        make_report(hub.conn, hub.tenant, month=date(2026, 11, 1), now=clock.now(), team="9999")


def test_cli_writes_html_and_json(hub: EmbeddedStack, tmp_path, capsys, monkeypatch) -> None:
    seed(hub)
    monkeypatch.setenv("REDIS_URL", hub.conn.connection_pool.connection_kwargs and _url(hub.conn))
    out = tmp_path / "report.html"
    rc = dealcoach_cli.main(["report", "--tenant", hub.tenant, "--month", "2026-11", "--html", str(out), "--json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2026-11" and data["tables"][0]["title"] == "チーム全体"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "商談商事" in html
    assert not any(x in html for x in ('src="http', 'href="http', "<script", "<link", "url(")), "nothing fetched"


def _url(conn: redis.Redis) -> str:
    kw = conn.connection_pool.connection_kwargs
    return f"redis://{kw['host']}:{kw['port']}/{kw.get('db', 0)}"


def _digest_tasks(hub: EmbeddedStack) -> list[dict]:
    page = hub.hubspot.crm.objects.basic_api.get_page(
        "tasks",
        limit=100,
        properties=["dealcoach_key", "hubspot_owner_id", "hs_task_subject", "hs_task_body", "hs_attachment_ids"],
    )
    return [t.properties for t in page.results if "/digest-" in (t.properties.get("dealcoach_key") or "")]


def test_monthly_digest_posts_each_manager_once_with_the_report_attached(hub: EmbeddedStack) -> None:
    seed(hub)
    first_of_december = datetime(2026, 12, 1, 9, tzinfo=JST)
    with clock.using(clock.AnchoredClock(first_of_december)):
        assert enqueue_digests(hub.conn) == 1
        assert enqueue_digests(hub.conn) == 0, "one job per tenant and month"
        assert hub.conn.exists(f"rq:job:digest-{hub.tenant.replace(':', '-')}-2026-11")
        hub.run_worker()
        tasks = sorted(_digest_tasks(hub), key=lambda t: t["hubspot_owner_id"])
        assert [t["hubspot_owner_id"] for t in tasks] == [MANAGER, OTHER]
        whole, team = tasks
        assert whole["hs_task_subject"] == "【月次レポート】2026-11 Sandbox portal"
        assert "売上 600,000／目標 1,000,000（達成率 60%）・受注 1件" in whole["hs_task_body"]
        assert "商談◯ 1件 400,000" in whole["hs_task_body"] and "当月ボツ 1件" in whole["hs_task_body"]
        assert team["hs_task_subject"] == "【月次レポート】2026-11 営業二課"
        attached = hub.hubspot.files.files_api.get_by_id(whole["hs_attachment_ids"])
        assert attached.name.startswith("dealcoach-report-2026-11") and attached.extension == "html"
        again = post_digests(hub.conn, hub.tenant, month=date(2026, 11, 1), now=first_of_december)
        assert again["status"] == "done" and len(_digest_tasks(hub)) == 2, "a second run posts nothing new"
