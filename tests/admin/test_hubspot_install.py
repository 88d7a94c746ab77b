"""The HubSpot install as an admin clicks through it: DealCoach's install link, HubSpot's consent page (the
sandbox's), the callback, the tenant stored with its refresh token encrypted, DealCoach's properties and a
stage→phase proposal for every pipeline."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from hubspot import HubSpot

from connector.hubspot.oauth import SCOPES
from connector.hubspot.properties import coaching_property_specs
from scoring.rubric import load_stage_map
from sync.install import load_proposal
from tests.admin.conftest import PORTAL, TENANT, Admin


def _properties(admin: Admin, object_type: str) -> dict[str, Any]:
    client = HubSpot(access_token="sandbox-token", host=admin.sandbox.url, base_url=admin.sandbox.url)
    return {p.name: p for p in client.crm.properties.core_api.get_all(object_type).results}


def test_install_link_sends_the_browser_to_hubspot_with_client_scopes_redirect_and_state(admin: Admin) -> None:
    resp = admin.browser.get(f"{admin.web.url}/oauth/hubspot/install", allow_redirects=False, timeout=10)
    assert resp.status_code == 302
    url = urlsplit(resp.headers["Location"])
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{admin.sandbox.url}/oauth/authorize"
    assert query["client_id"] == ["sandbox-client-id"]
    assert query["redirect_uri"] == [f"{admin.web.url}/oauth/hubspot/callback"]
    assert query["scope"][0].split(" ") == list(SCOPES)
    assert len(query["state"][0]) >= 32
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/oauth/hubspot" in cookie
    assert query["state"][0] not in cookie, "the cookie carries the state signed, and is checked server-side"


def test_admin_installs_and_dealcoach_is_set_up_in_the_portal(admin: Admin) -> None:
    page = admin.install()
    assert page.status_code == 200, page.text
    assert f"installed in HubSpot portal {PORTAL}" in page.text
    assert page.url.startswith(f"{admin.web.url}/oauth/hubspot/callback?code=")

    tenant = admin.registry.get(TENANT)
    assert tenant is not None and not tenant.disconnected
    refresh = tenant.credentials["refresh_token"]
    assert tenant.credentials["api_base"] == admin.sandbox.url
    for key in admin.conn.scan_iter("*"):
        if admin.conn.type(key) == b"string":
            assert refresh.encode() not in admin.conn.get(key), f"refresh token in clear under {key!r}"

    deal_props = _properties(admin, "deals")
    assert {"dealcoach_score", "dealcoach_bant", "dealcoach_deal_state", "dealcoach_last_scored_at"} <= set(deal_props)
    assert {deal_props[n].group_name for n in deal_props if n.startswith("dealcoach_")} == {"dealcoach"}
    assert _properties(admin, "tasks")["dealcoach_key"].group_name == "dealcoach"
    assert _properties(admin, "notes")["dealcoach_key"].group_name == "dealcoach"
    assert [o.value for o in deal_props["dealcoach_deal_state"].options] == ["shodan", "wadai", "botsu"]

    proposal = load_proposal(admin.conn, TENANT)
    assert set(proposal) == {"default", "renewals"}
    shipped = load_stage_map("hubspot")
    assert {s["id"]: s["phase"] for s in proposal["default"]["stages"]} == {s.id: s.phase for s in shipped.stages}
    renewals = {s["id"]: (s["phase"], s["basis"]) for s in proposal["renewals"]["stages"]}
    assert renewals == {
        "r_contact": ("research", "position"),
        "r_review": ("first_contact", "position"),
        "r_quote": ("proposal", "probability"),
        "r_signed": ("contract_implementation", "closed"),
        "r_churned": ("after_follow", "closed"),
    }


def test_installing_twice_creates_nothing_twice_and_leaves_the_admins_properties_alone(admin: Admin) -> None:
    client = HubSpot(access_token="sandbox-token", host=admin.sandbox.url, base_url=admin.sandbox.url)
    from hubspot.crm.properties import PropertyCreate

    client.crm.properties.core_api.create(
        "deals",
        PropertyCreate(name="dealcoach_score", label="Coach score (ours)", type="number", field_type="number",
                       group_name="dealinformation"),
    )  # fmt: skip
    assert admin.install().status_code == 200
    writes = admin.control("GET", "writes?action=create_property")["total"]
    groups = admin.control("GET", "writes?action=create_property_group")["total"]
    coaching = len(coaching_property_specs())
    assert (writes, groups) == (1 + 5 + coaching, 3), (
        "the admin's own, then 4 deal properties, the coaching ones and 2 keys, less the admin's; 3 groups"
    )
    second = admin.install()
    assert second.status_code == 200 and "Properties created: 0;" in second.text
    assert admin.control("GET", "writes?action=create_property")["total"] == writes
    assert admin.control("GET", "writes?action=create_property_group")["total"] == groups
    kept = _properties(admin, "deals")["dealcoach_score"]
    assert (kept.label, kept.group_name) == ("Coach score (ours)", "dealinformation")


def test_a_callback_without_this_browsers_state_is_refused(admin: Admin) -> None:
    _, fields = admin.start_install()
    with requests.Session() as other:
        answer = admin.consent(fields, browser=other)  # the code lands in a browser that never started the install
    assert answer.status_code == 400 and answer.json()["error"] == "oauth.state_missing"
    _, fields = admin.start_install()
    answer = admin.consent({**fields, "state": fields["state"] + "x"})
    assert answer.status_code == 400 and answer.json()["error"] == "oauth.state_mismatch"
    admin.browser.cookies.clear()
    admin.browser.cookies.set("dealcoach_hubspot_state", "forged", path="/oauth/hubspot")
    _, fields = admin.start_install(browser=requests.Session())
    answer = admin.consent(fields)
    assert answer.status_code == 400 and answer.json()["error"] == "oauth.state_invalid"
    assert admin.registry.get(TENANT) is None
    assert admin.grants("authorization_code") == 0, "no code is exchanged before the state checks out"


def test_cancelled_consent_and_a_replayed_code_install_nothing(admin: Admin) -> None:
    _, fields = admin.start_install()
    answer = admin.consent(fields, decision="deny")
    assert answer.status_code == 400 and answer.json()["error"] == "oauth.denied"
    assert admin.install().status_code == 200
    callback = admin.browser.get(f"{admin.web.url}/oauth/hubspot/install", allow_redirects=False, timeout=10)
    state = parse_qs(urlsplit(callback.headers["Location"]).query)["state"][0]
    replay = admin.browser.get(
        f"{admin.web.url}/oauth/hubspot/callback", params={"code": "spent-or-unknown", "state": state}, timeout=10
    )
    assert replay.status_code == 400 and replay.json()["error"] == "oauth.code_refused"


def test_scopes_the_app_does_not_declare_fail_at_hubspot(admin: Admin) -> None:
    admin.state.config.app_scopes = ["oauth", "crm.objects.deals.read"]
    try:
        page = admin.browser.get(f"{admin.web.url}/oauth/hubspot/install", timeout=10)
    finally:
        admin.state.config.app_scopes = list(SCOPES)
    assert page.status_code == 400 and "does not declare the scopes requested: crm.objects.contacts.read" in page.text
    assert "code=" not in page.url
