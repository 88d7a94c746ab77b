"""`dealcoach report` against the sandbox Salesforce org: the same kind of month as the HubSpot test, seeded at
past instants through simple-salesforce (the rep's session) and the production `SalesforceCrm` (DealCoach's
fields and tasks), read back with SOQL (OpportunityStage, OpportunityHistory, OpportunityFieldHistory, Task, Event).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
import redis

from connector import clock
from connector.models import TaskSpec, TenantSettings
from connector.sandbox.salesforce_config import MANAGER_USER_ID, REP_USER_ID
from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.transcript import parse_transcript
from sync import runtime
from sync.call_results import deal_fields
from sync.check_code import checks_code
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.report.digest import post_digests
from sync.report.run import make_report
from tests.conftest import FIXTURES, TEST_SECRET_KEY
from webhooks.app import create_app

JST = timezone(timedelta(hours=9))
SETTINGS = TenantSettings(
    manager_id=MANAGER_USER_ID,
    report={"fiscal_year_start_month": 10, "rep_targets": {REP_USER_ID: {"2026-10": 500000, "2026-11": 1000000}}},
)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=JST)


@pytest.fixture
def org(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=SETTINGS) as s:
        yield s


class Month:
    """Writes into the org at chosen instants (the sandbox stamps records and history from the clock seam)."""

    def __init__(self, org: SalesforceStack) -> None:
        self.org = org
        self.crm = runtime.current().crm(runtime.current().tenants(org.conn).get(org.tenant))
        self.opps: dict[str, str] = {}

    def at(self, when: datetime):  # noqa: ANN201
        return clock.using(clock.AnchoredClock(when))

    def opp(self, key: str, when: datetime, *, name: str, stage: str, owner: str, amount: int) -> None:
        with self.at(when):
            self.opps[key] = self.org.sobject("Opportunity").create(
                {"Name": name, "StageName": stage, "CloseDate": "2027-03-31", "Amount": amount, "OwnerId": owner}
            )["id"]

    def close(self, key: str, when: datetime, stage: str) -> None:
        with self.at(when):
            self.org.sobject("Opportunity").update(
                self.opps[key], {"StageName": stage, "CloseDate": when.date().isoformat()}
            )

    def fields(self, key: str, when: datetime, values: dict) -> None:
        with self.at(when):
            self.crm.update_deal(self.opps[key], values)

    def task(self, key: str, when: datetime, owner: str, subtype: str, description: str = "") -> None:
        with self.at(when):
            self.org.sobject("Task").create({
                "Subject": subtype, "TaskSubtype": subtype, "Status": "Completed", "WhatId": self.opps[key],
                "OwnerId": owner, "ActivityDate": when.date().isoformat(), "Description": description,
            })

    def meeting(self, key: str, when: datetime, owner: str) -> None:
        with self.at(when):
            self.org.sobject("Event").create({
                "Subject": "提案", "WhatId": self.opps[key], "OwnerId": owner, "DurationInMinutes": 60,
                "StartDateTime": when.isoformat(), "EndDateTime": (when + timedelta(hours=1)).isoformat(),
                "Description": "議事メモ",
            })

    def email(self, key: str, when: datetime, owner: str, *, incoming: bool, subject: str) -> str:
        """An email on the opportunity as Enhanced Email logs it (the org adds its Task of subtype Email)."""
        with self.at(when):
            return self.org.sobject("EmailMessage").create({
                "RelatedToId": self.opps[key], "Incoming": incoming, "MessageDate": when.isoformat(),
                "Subject": subject, "TextBody": "本文", "Status": "0" if incoming else "3",
                "FromAddress": "buyer@example.co.jp" if incoming else "rep@example.co.jp",
            })["id"]

    def sla_task(self, key: str, rule: str, created: datetime, due: datetime, done: datetime | None) -> None:
        deal = self.opps[key]
        spec = TaskSpec(key=f"{self.org.tenant}/deal-{deal}/sla-{rule}/owner", deal_id=deal, subject=rule, body="",
                        due=due, owner_id=REP_USER_ID)
        with self.at(created):
            (task_id,) = self.crm.create_tasks([spec])
        if done is not None:
            with self.at(done):
                self.crm.close_tasks([task_id])


def seed(org: SalesforceStack) -> dict:
    m = Month(org)
    m.opp("L", at(10, 1), name="失注商事", stage="Prospecting", owner=MANAGER_USER_ID, amount=200000)
    m.opp("W", at(10, 5), name="受注商事", stage="Qualification", owner=REP_USER_ID, amount=600000)
    m.fields("W", at(10, 10), {"dealcoach_deal_state": "shodan"})
    m.opp("O", at(10, 20), name="商談商事", stage="Negotiation/Review", owner=REP_USER_ID, amount=400000)
    m.fields("O", at(10, 25), {"dealcoach_deal_state": "shodan"})
    m.opp("T", at(11, 2), name="話題商事", stage="Value Proposition", owner=MANAGER_USER_ID, amount=300000)
    m.fields("T", at(11, 3), {"dealcoach_deal_state": "wadai"})
    m.task("T", at(11, 4, 16), MANAGER_USER_ID, "Call")
    m.meeting("O", at(11, 5, 10), REP_USER_ID)
    transcript = parse_transcript((FIXTURES / "transcripts" / "discovery_good.ja.vtt").read_text(encoding="utf-8"),
                                  filename="discovery_good.ja.vtt")
    card = score_transcript(transcript, rubric=load_rubric("sales-7-phase", "ja"))
    scored = {**deal_fields(card, at(11, 5, 11)), "dealcoach_deal_state": "shodan"}
    m.fields("O", at(11, 5, 11), scored)
    m.task("O", at(11, 5, 12, 30), REP_USER_ID, "Email", "御礼")
    m.sla_task("O", "thank_you_minutes", at(11, 5, 11), at(11, 5, 13), done=at(11, 5, 12, 30))
    m.sla_task("T", "stale_deal", at(11, 3), at(11, 10), done=None)
    m.close("W", at(11, 10), "Closed Won")
    m.close("L", at(11, 12), "Closed Lost")
    return {"card": card, "opps": m.opps, "month": m}


def test_the_report_reads_the_seeded_month_back_from_salesforce(org: SalesforceStack) -> None:
    seeded = seed(org)
    report = make_report(org.conn, org.tenant, month=date(2026, 11, 1), now=clock.now())
    assert [t.title for t in report.tables][:2] == ["チーム全体", "営業一課"]
    oct_, nov = (c.values for c in report.tables[0].months)
    assert (oct_["target"], oct_["sales"], oct_["orders"], oct_["unit_price"]) == (500000.0, 0.0, 0.0, None)
    assert (oct_["shodan_sure_amount"], oct_["shodan_maybe_amount"]) == (400000.0, 600000.0)
    assert (nov["target"], nov["sales"], nov["achievement"], nov["orders"]) == (1000000.0, 600000.0, 0.6, 1.0)
    assert (nov["start_shodan_amount"], nov["start_shodan_count"]) == (1000000.0, 2.0)
    assert (nov["shodan_sure_count"], nov["wadai_amount"], nov["botsu_count"]) == (1.0, 300000.0, 1.0)
    assert (nov["visits"], nov["follows"]) == (1.0, 2.0)
    kpis = {k.id: k for k in report.kpis}
    assert kpis["thank_you_hours"].value == pytest.approx(2.5, abs=0.01) and kpis["thank_you_hours"].denominator == 2
    assert kpis["minutes_reply_rate"].value == 0.0  # no EmailMessage in this month: the email Task is a sent mail
    assert kpis["activity_input_rate"].value == 0.5
    sla = {c.rule_id: c for c in report.sla}
    assert (sla["thank_you_minutes"].on_time, sla["stale_deal"].missed) == (1, 1)
    (point,) = [t for t in report.trends if t.rep_id == REP_USER_ID]
    card = seeded["card"]
    assert point.month == "2026-11" and point.overall == card.overall
    assert point.phases == {p.id: p.score for p in card.phases if p.score is not None}
    opps = seeded["opps"]
    assert [(s.deal_id, s.idle_days) for s in report.stale] == [(opps["T"], 15), (opps["O"], 14)]


def test_reply_rate_comes_from_email_messages(org: SalesforceStack) -> None:
    """The seeded month plus two emails Enhanced Email logged: the customer's reply on O a day after the rep's
    minutes mail (12:30 on 5 Nov, a Task with no EmailMessage: sent), and a customer's own mail on T, which is not
    a thank-you sent after T's call. Hand-computed: conversations T (call 4 Nov 16:00) and O (meeting 5 Nov 10:00);
    a mail sent after them only on O, 2.5 h later; a reply to it within 7 days: 1 of 1."""
    seeded = seed(org)
    m = seeded["month"]
    m.email("O", at(11, 6, 10), REP_USER_ID, incoming=True, subject="Re: 御礼")
    reply_t = m.email("T", at(11, 5, 9), MANAGER_USER_ID, incoming=True, subject="ご質問")
    (row,) = org.sf.query_all(f"SELECT ActivityId, Incoming FROM EmailMessage WHERE Id = '{reply_t}'")["records"]
    (task,) = org.sf.query_all(f"SELECT TaskSubtype, WhatId FROM Task WHERE Id = '{row['ActivityId']}'")["records"]
    assert (row["Incoming"], task["TaskSubtype"], task["WhatId"]) == (True, "Email", seeded["opps"]["T"])
    report = make_report(org.conn, org.tenant, month=date(2026, 11, 1), now=clock.now())
    kpis = {k.id: k for k in report.kpis}
    thank_you, replies = kpis["thank_you_hours"], kpis["minutes_reply_rate"]
    assert (thank_you.value, thank_you.numerator, thank_you.denominator) == (pytest.approx(2.5, abs=0.01), 1, 2)
    assert (replies.value, replies.numerator, replies.denominator) == (1.0, 1, 1)


def test_lifts_come_from_the_tracked_checks_code(org: SalesforceStack) -> None:
    """Two reps with one scored call each: the rep (O, a good discovery call) sets the top quartile, the manager (T,
    a weak call) is measured against it. Long text keeps no history values, so the checks come back through the
    Text(255) checks code's field history. Hand-computed: one call each, so a hit rate is 0 or 1, and the manager's
    two lifts are the first two (by id) of the checks the rep hit that the manager's call assessed and did not hit."""
    seeded = seed(org)
    m, good = seeded["month"], seeded["card"]
    weak_call = parse_transcript((FIXTURES / "transcripts" / "weak_call.ja.txt").read_text(encoding="utf-8"),
                                 filename="weak_call.ja.txt")
    weak = score_transcript(weak_call, rubric=load_rubric("sales-7-phase", "ja"))
    m.fields("T", at(11, 6, 15), {**deal_fields(weak, at(11, 6, 15)), "dealcoach_deal_state": "wadai"})
    rows = org.sf.query_all("SELECT Field, NewValue FROM OpportunityFieldHistory "
                            f"WHERE OpportunityId = '{seeded['opps']['T']}' AND Field = 'DealCoach_Checks_Code__c'")
    assert [r["NewValue"] for r in rows["records"]] == [checks_code(weak)] and len(checks_code(weak) or "") <= 255

    def seen(card):  # noqa: ANN001, ANN202
        hit = {c.id for c in card.assessed() if card.has_evidence(c.id)}
        return hit, hit | {c.id for c in card.assessed() if c.score == 0}

    (good_hit, _), (weak_hit, weak_seen) = seen(good), seen(weak)
    expected = sorted((weak_seen & good_hit) - weak_hit)[:2]
    assert good.overall > weak.overall and len(expected) == 2
    report = make_report(org.conn, org.tenant, month=date(2026, 11, 1), now=clock.now())
    assert [(x.check_id, x.rep_hit_rate, x.top_hit_rate) for x in report.lifts[MANAGER_USER_ID]] == [
        (cid, 0.0, 1.0) for cid in expected
    ]
    assert report.lifts[REP_USER_ID] == []


def test_the_digest_is_a_task_for_the_manager_with_the_report_attached(org: SalesforceStack) -> None:
    seed(org)
    first = datetime(2026, 12, 1, 9, tzinfo=JST)
    for _ in range(2):
        result = post_digests(org.conn, org.tenant, month=date(2026, 11, 1), now=first)
    (posted,) = result["posted"]
    rows = org.sf.query_all(f"SELECT Id, OwnerId, Subject, Description FROM Task WHERE Id = '{posted['task']}'")["records"]
    assert rows[0]["OwnerId"] == MANAGER_USER_ID and rows[0]["Subject"].startswith("【月次レポート】2026-11")
    assert "売上 600,000／目標 1,000,000（達成率 60%）" in rows[0]["Description"]
    digests = org.sf.query_all("SELECT Id FROM Task WHERE Subject LIKE '【月次レポート】%'")["records"]
    assert len(digests) == 1, "a second run posts nothing new"
    links = org.sf.query_all(f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{posted['task']}'")
    assert links["totalSize"] == 1
