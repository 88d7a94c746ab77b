"""The admin's install path in the demo, without a browser: server-side requests that follow the OAuth redirects and
submit the sandbox's consent form, exactly as the admin's clicks would (docs/admin.md); then one settings save
through the settings page's backend, signed v3 as `hubspot.fetch` would sign it."""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import urlencode

import requests

from connector.sandbox.signing import hubspot_v3_headers

_HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)


class InstallFailed(RuntimeError):
    """The install path did not end on DealCoach's "installed" page."""


def _consent(browser: requests.Session, install_url: str) -> tuple[str, dict[str, str]]:
    """Open the install link; the redirects end on the CRM's consent page: its URL and hidden fields."""
    page = browser.get(install_url, timeout=30)
    if page.status_code != 200:
        raise InstallFailed(f"install link answered {page.status_code}")
    fields = {k: html.unescape(v) for k, v in _HIDDEN.findall(page.text)}
    return page.url.split("?", 1)[0], fields


def _allow(browser: requests.Session, consent_url: str, fields: dict[str, str], expect: str) -> str:
    """Click the consent page's approve button; the redirect back lands on DealCoach's callback page."""
    done = browser.post(consent_url, data={**fields, "decision": "allow"}, timeout=60)
    heading = _H1.search(done.text)
    if done.status_code != 200 or heading is None or expect not in heading.group(1):
        raise InstallFailed(f"callback answered {done.status_code}: {done.text[:200]}")
    return html.unescape(heading.group(1))


def install_hubspot(app_url: str, *, verify: bool | str = True) -> str:
    """Install link → HubSpot's consent page → "Connect app" → callback; the callback page's heading."""
    with requests.Session() as browser:
        browser.verify = verify
        consent_url, fields = _consent(browser, f"{app_url}/oauth/hubspot/install")
        return _allow(browser, consent_url, fields, "installed in HubSpot portal")


def install_salesforce(app_url: str, *, ca_bundle: str) -> str:
    """Install link → the org's "Allow Access?" page (HTTPS, the sandbox's CA) → "Allow" → callback."""
    with requests.Session() as browser:
        browser.verify, browser.trust_env = ca_bundle, False
        consent_url, fields = _consent(browser, f"{app_url}/oauth/salesforce/install")
        return _allow(browser, consent_url, fields, "connected to Salesforce org")


def save_salesforce_settings(org_url: str, values: dict[str, str], *, ca_bundle: str) -> str:
    """The admin edits DealCoach_Setting__mdt.Default in (the sandbox org's stand-in for) Setup and clicks Save:
    the form posted as the page would post it (a ticked checkbox sends "true"); the page's status line."""
    page = f"{org_url}/_sandbox/setup/custom-metadata/DealCoach_Setting__mdt/Default"
    with requests.Session() as browser:
        browser.verify, browser.trust_env = ca_bundle, False
        saved = browser.post(page, data=values, timeout=30)
    status = re.search(r'<p role="status">(.*?)</p>', saved.text)
    if saved.status_code != 200 or status is None:
        raise InstallFailed(f"the settings record was not saved: {saved.status_code}")
    return status.group(1)


def settings_page(
    app_url: str, portal_id: str, client_secret: str, method: str = "GET", body: Any = None
) -> dict[str, Any]:
    """What the settings page gets from `hubspot.fetch`: HubSpot's query parameters appended, signed v3."""
    query = {"userId": "1", "userEmail": "admin@example.co.jp", "appId": "1", "portalId": portal_id}
    url = f"{app_url}/hubspot/ui/settings?{urlencode(query)}"
    raw = b"" if body is None else json.dumps(body).encode()
    resp = requests.request(
        method, url, data=raw, headers=hubspot_v3_headers(raw, client_secret, url, method=method), timeout=30
    )
    if resp.status_code != 200:
        raise InstallFailed(f"settings page answered {resp.status_code}: {resp.text[:200]}")
    result: dict[str, Any] = resp.json()
    return result


def confirm_settings(app_url: str, portal_id: str, client_secret: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Open the settings page, confirm the proposed stage maps and save `changes` with them, as the admin's "Save"."""
    view = settings_page(app_url, portal_id, client_secret)
    body = {"settings": changes, "stage_maps": view["stage_maps"]}
    return settings_page(app_url, portal_id, client_secret, "POST", body)
