"""The plumbing every Salesforce request goes through (session, refresh, budget, usage, classified errors, describes)
and the small helpers the read and write halves of `SalesforceCrm` share.

Docs: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/ (sObject Collections,
ContentVersion blob retrieval, ContentNote). Opportunity = deal; a call is a Task or a file linked to one.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import redis
import requests
from simple_salesforce import Salesforce, SFType
from simple_salesforce.exceptions import SalesforceError

from connector.base import FatalCrmError, RetryableCrmError
from connector.check_code_field import CHECKS_CODE
from connector.check_code_field import SALESFORCE_FIELD as CHECKS_CODE_FIELD
from connector.coaching_fields import COACHING_FIELDS, salesforce_name
from connector.download import DownloadPolicy
from connector.http import ApiBudget, TtlCache, call_with_retry, is_transport_error
from connector.marker import with_marker
from connector.meta_cache import RedisMetaCache
from connector.models import NoteSpec
from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.errors import classify_salesforce
from connector.salesforce.ids import SalesforceIdError, key_prefix, to_18
from connector.salesforce.note_html import to_note_html
from connector.usage import RequestUsage

log = logging.getLogger("dealcoach.connector.salesforce")

API_VERSION = "62.0"
COLLECTION_LIMIT = 200
TIMEOUT = (5, 60)
KEY_FIELD = "DealCoach_Key__c"
DEAL_FIELDS = {
    "dealcoach_score": "DealCoach_Score__c",
    "dealcoach_bant": "DealCoach_BANT__c",
    "dealcoach_deal_state": "DealCoach_Deal_State__c",
    "dealcoach_last_scored_at": "DealCoach_Last_Scored_At__c",
    **{f: salesforce_name(f) for f in COACHING_FIELDS},
    CHECKS_CODE: CHECKS_CODE_FIELD,  # Text(255) with tracked history: the report's per-call checks (issue 15)
}
PRIORITY = {"HIGH": "High", "MEDIUM": "Normal", "LOW": "Low"}
CACHE_TTL_S = 300
OPPORTUNITY, TASK = "006", "00T"


def _soql_ids(ids: Sequence[str]) -> str:
    """An IN list of validated ids (alphanumeric only, so nothing can be injected)."""
    return ", ".join(f"'{to_18(i)}'" for i in ids)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))


def sobject(sf: Salesforce, name: str) -> SFType:
    """`sf.<Name>` with its real type (simple-salesforce resolves the attribute at run time)."""
    return cast(SFType, getattr(sf, name))


def _note_content(spec: NoteSpec) -> str:
    """The note body with its marker, in the HTML subset a ContentNote accepts, base64-encoded."""
    return base64.b64encode(to_note_html(with_marker(spec.body_html, spec.key, html=True)).encode()).decode()


def _note_parents(spec: NoteSpec) -> list[str]:
    """What a scorecard note is linked to: its Opportunity and, when the call is a Task, that Task (18-char ids)."""
    call = [to_18(spec.call_id)] if spec.call_id and key_prefix(spec.call_id) == TASK else []
    return [to_18(spec.deal_id), *call]


def stage_run_start(history: Sequence[dict[str, Any]], stage: str | None) -> datetime | None:
    """The start of the current run of `stage` in OpportunityHistory rows, newest first."""
    entered = None
    for row in history:
        if row.get("StageName") != stage:
            break
        entered = _date(row.get("CreatedDate"))
    return entered


def _composite_error(result: dict[str, Any]) -> str:
    """`CODE: message` of a failed composite subrequest (its body is Salesforce's error list)."""
    body = result.get("body")
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    return f"{first.get('errorCode', '')}: {first.get('message', '')}"[:300]


class SalesforceClient:
    """One org, reached with a session (direct, OAuth refresh token or JWT bearer, see `SalesforceAuth`)."""

    def __init__(
        self,
        *,
        auth: SalesforceAuth,
        tenant: str = "",
        tz: str = "Asia/Tokyo",
        language: str = "ja",
        session: requests.Session | None = None,
        budget: ApiBudget | None = None,
        downloads: DownloadPolicy | None = None,
    ) -> None:
        self.auth, self.tenant, self.tz, self.language = auth, tenant, ZoneInfo(tz), language
        # Files come from the org's own hosts over https to public addresses; the caller may widen it (tests).
        self.downloads = downloads or DownloadPolicy.for_tenant("salesforce")
        self.session = session or requests.Session()
        self.budget = budget or ApiBudget()
        self.usage = RequestUsage("salesforce")
        self.session.hooks["response"].append(self._observe)
        self._sf: Salesforce | None = None
        self._cache = TtlCache(CACHE_TTL_S)

    # -- plumbing -------------------------------------------------------------------------------

    def _observe(self, resp: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Every response on the session: one request counted, the org's API usage header read."""
        self.usage.count(failed=resp.status_code >= 400)
        self.budget.observe(resp.headers)

    def share_cache(self, conn: redis.Redis, tenant: str) -> None:
        """Keep describes and users in Redis too, so the next job's process does not read them again."""
        self._cache.shared = RedisMetaCache(conn, tenant)

    @property
    def sf(self) -> Salesforce:
        if self._sf is None:
            self._sf = self.auth.connect(self.session, API_VERSION)
        return self._sf

    def _call(self, fn: Callable[[Salesforce], Any], *, write: bool = False) -> Any:
        """Run one simple-salesforce operation: budget guard, session refresh once, classified errors."""

        def once() -> Any:
            if write:
                self.budget.check()
            try:
                return fn(self.sf)
            except SalesforceError as exc:
                if exc.status == 401 and self.auth.can_refresh:
                    self._sf = self.auth.refresh(self.session, API_VERSION)
                    try:
                        return fn(self.sf)
                    except SalesforceError as again:
                        raise self._classified(again) from again
                raise self._classified(exc) from exc
            except SalesforceIdError as exc:
                raise FatalCrmError(str(exc)) from exc
            except requests.RequestException as exc:
                if is_transport_error(exc):
                    raise RetryableCrmError(f"Salesforce unreachable: {type(exc).__name__}") from exc
                raise

        return call_with_retry(once)

    def _classified(self, exc: SalesforceError) -> Exception:
        return classify_salesforce(exc, tenant=self.tenant, reserve_fraction=self.budget.reserve_fraction)

    def _describe(self, sobject: str) -> dict[str, tuple[bool, bool]]:
        """Field name → (createable, updateable) for the integration user (describe once, cached).

        Describe reflects field-level security: a field the user may read but not edit is `createable: false,
        updateable: false`, and writing it fails the whole record with INVALID_FIELD_FOR_INSERT_UPDATE.
        https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
        """
        described = self._cache.get(
            f"describe:{sobject}",
            lambda: {
                f["name"]: [bool(f.get("createable")), bool(f.get("updateable"))]
                for f in self._call(lambda sf: getattr(sf, sobject).describe())["fields"]
            },
        )
        return {name: (bool(flags[0]), bool(flags[1])) for name, flags in described.items()}

    def _fields(self, sobject: str) -> frozenset[str]:
        """Field names of an sObject: custom fields are read only if they exist."""
        return frozenset(self._describe(sobject))

    def _writable(self, sobject: str, record: dict[str, Any], *, create: bool) -> dict[str, Any]:
        """`record` without the fields this user may not set (createable for inserts, updateable for updates)."""
        access = self._describe(sobject)
        kept = {
            k: v
            for k, v in record.items()
            if k in ("attributes", "id") or access.get(k, (False, False))[0 if create else 1]
        }
        dropped = sorted(set(record) - set(kept))
        if dropped:
            log.info(
                "crm.salesforce.fields_not_writable tenant=%s sobject=%s fields=%s",
                self.tenant,
                sobject,
                ",".join(dropped),
            )
        return kept

    def _query(self, soql: str) -> list[dict[str, Any]]:
        return list(self._call(lambda sf: sf.query_all(soql))["records"])
