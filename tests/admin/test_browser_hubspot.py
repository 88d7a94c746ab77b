"""The HubSpot admin journey in headless Chromium, clicked as an admin would: install link → the sandbox portal's
consent page → "Connect app" → callback → tenant and properties; then the real settings page (Settings.jsx) saved
through signed requests, and the change in force on the next real webhook → job → CRM write; then the deal card.
Tests check the DOM and the CRM, never timings. Screenshots: see tests/admin/browser.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.objects import SimplePublicObjectInput, SimplePublicObjectInputForCreate

from connector import clock
from scoring.rubric import load_rubric
from scoring.scorer import score_call
from scoring.transcript import parse_transcript
from sync.demo.stack import run_worker
from sync.state import DealState
from tests.admin.browser import LAPTOP, browser, build_components, needs_browser, serve_preview, shots_dir
from tests.admin.conftest import CLIENT_SECRET, PORTAL, TENANT, Admin
from tests.conftest import FIXTURES

pytestmark = needs_browser
__all__ = ["browser"]
REP = "75000001"
USER = "9100001"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_components(tmp_path_factory.mktemp("ui"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=LAPTOP, locale="ja-JP")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def _preview_config(admin: Admin, **extra: Any) -> dict[str, Any]:
    return {"backend": admin.web.url, "portalId": PORTAL, "userId": USER, "userEmail": "admin@example.co.jp",
            "appId": "54321", "secret": CLIENT_SECRET, "context": {"crm": {"objectId": None}}, **extra}  # fmt: skip


def _rep(admin: Admin) -> HubSpot:
    """A rep working in HubSpot through another app (their writes come back as webhooks DealCoach acts on)."""
    return HubSpot(access_token="sandbox-other-app-token", host=admin.sandbox.url, base_url=admin.sandbox.url)


def _install_in_the_browser(admin: Admin, page: Any, shots: Path) -> None:
    page.goto(f"{admin.web.url}/oauth/hubspot/install")
    assert page.url.startswith(f"{admin.sandbox.url}/oauth/authorize?"), "the install link leads to HubSpot"
    assert page.get_by_role("button", name="Connect app").is_visible()
    page.screenshot(path=str(shots / "hubspot-consent.png"))
    page.get_by_role("button", name="Connect app").click()
    page.wait_for_url(f"{admin.web.url}/oauth/hubspot/callback?*")
    assert f"installed in HubSpot portal {PORTAL}" in page.inner_text("h1")


def test_admin_installs_configures_and_the_next_webhook_obeys(admin: Admin, page: Any, bundle: Path,
                                                               tmp_path: Path) -> None:  # fmt: skip
    shots = shots_dir(tmp_path)
    _install_in_the_browser(admin, page, shots)
    tenant = admin.registry.get(TENANT)
    assert tenant is not None and "refresh_token" in tenant.credentials and tenant.settings.language == "ja"
    props = {p.name for p in _rep(admin).crm.properties.core_api.get_all("deals").results}
    assert {"dealcoach_score", "dealcoach_bant"} <= props, "the install created DealCoach's properties"

    page.goto(serve_preview(page, admin.web.url, bundle, "Settings", _preview_config(admin)))
    language = page.locator("select[name=language]")
    language.wait_for()
    for name in ("scorer", "timezone", "managers", "calendar.business_hours.start", "calendar.year_end_holidays",
                 "sla_enabled", "sla.noise_budget", "sla.rules.stale_deal.inactive_days", "restore_pii_in_note",
                 "recording_hosts", "phrase_hints", "stage_maps.renewals.r_quote"):  # fmt: skip
        assert page.locator(f"[name='{name}']").count() == 1, f"the settings page shows {name}"
    assert page.locator("[name='stage_maps.renewals.r_quote']").input_value() == "proposal", "install's proposal"

    page.fill("[name=timezone]", "Mars/Olympus")
    page.get_by_role("button", name="Save").click()
    refused = page.locator("[role=status][data-alert-type=danger]")
    refused.wait_for()
    assert refused.inner_text().startswith("timezone:"), "the refusal names the key"
    assert admin.registry.get(TENANT) == tenant, "the last valid settings stay in force"

    page.fill("[name=timezone]", "Asia/Tokyo")
    language.select_option("en")
    page.fill("[name='sla.noise_budget']", "4")
    page.fill("[name='sla.rules.stale_deal.inactive_days']", "10")
    page.get_by_role("button", name="Save").click()
    page.locator("[role=status][data-alert-type=success]").wait_for()
    page.screenshot(path=str(shots / "hubspot-settings.png"), full_page=True)
    saved = admin.registry.get(TENANT)
    assert saved is not None and saved.settings.language == "en"
    assert saved.settings.sla == {"noise_budget": 4, "rules": {"stale_deal": {"inactive_days": 10}}}
    assert saved.settings.stage_maps["renewals"]["r_quote"] == "proposal", "the page confirmed the proposals"

    admin.control("POST", "webhooks", {"target_url": f"{admin.web.url}/webhooks/hubspot",
                                       "client_secret": CLIENT_SECRET})  # fmt: skip
    rep = _rep(admin)
    deal = str(rep.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties={
        "dealname": "ブラウザ商談", "dealstage": "appointmentscheduled", "pipeline": "default",
        "hubspot_owner_id": REP})).id)  # fmt: skip
    rep.crm.deals.basic_api.update(deal, SimplePublicObjectInput(properties={"dealstage": "qualifiedtobuy"}))
    delivered = admin.control("POST", "webhooks/flush", {"timeout_s": 20})
    assert delivered["settled"] and all(d["delivered"] for d in delivered["deliveries"])
    run_worker(admin.conn)
    subjects = [t["properties"].get("hs_task_subject") or "" for t in admin.control("GET", "objects/tasks")["results"]
                if f"deal-{deal}/stage-" in (t["properties"].get("hs_task_body") or "")]  # fmt: skip
    assert len(subjects) == 1, subjects
    assert subjects[0].startswith('[DealCoach] Stage "') and subjects[0].endswith("checklist"), (
        f"saved as English in the browser, written in English: {subjects[0]!r}"
    )

    transcript = parse_transcript((FIXTURES / "transcripts" / "discovery_good.ja.vtt").read_bytes(),
                                  filename="discovery_good.ja.vtt")  # fmt: skip
    card = score_call(transcript, rubric=load_rubric("sales-7-phase", "ja"), mode="offline").to_dict()
    DealState(admin.conn, TENANT, deal).save_scorecard_if_newer(card, clock.now(), "call-1")
    config = _preview_config(admin, context={"crm": {"objectId": deal}})
    page.goto(serve_preview(page, admin.web.url, bundle, "DealScorecard", config))
    heading = page.locator("h2").first
    heading.wait_for()
    assert heading.inner_text() == f"{card['overall']} / 100"
    bars = page.locator(".progress")
    assert bars.count() == len(card["phases"])
    assert [int(bars.nth(i).locator("progress").get_attribute("value") or 0) for i in range(bars.count())] == [
        p["score"] or 0 for p in card["phases"]
    ]
    shown = dict(zip(page.locator("dt").all_inner_texts(), page.locator("dd").all_inner_texts(), strict=True))
    assert shown == {**{k: f"✓ {v['evidence']}" for k, v in card["bant"].items()}, "Next step": card["next_step"]["when"]}
    tasks = page.locator("ul li").all_inner_texts()
    assert len(tasks) >= 1 and any(s in t for t in tasks for s in subjects), "the open DealCoach task is listed"
    page.set_viewport_size({"width": 480, "height": 800})
    page.screenshot(path=str(shots / "hubspot-deal-card.png"), full_page=True)
