"""The plumbing every HubSpot request goes through: the SDK client, retries, rate-limit headers, usage counting, the
metadata cache, and the batch row reads that the read and write halves of `HubSpotCrm` share.

Docs: https://developers.hubspot.com/docs/api/crm/understanding-the-crm (objects, batch, search),
https://developers.hubspot.com/docs/api/crm/associations (v4), https://developers.hubspot.com/docs/api/files/files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis
from hubspot import HubSpot
from urllib3.util.retry import Retry

from connector.base import FatalCrmError, RetryableCrmError
from connector.download import DownloadPolicy
from connector.http import ApiBudget, TtlCache, call_with_retry, chunks, classify_status, is_transport_error
from connector.hubspot.api_factory import api_factory
from connector.hubspot.format import parse_time
from connector.hubspot.raw import raw_json
from connector.marker import find_marker
from connector.meta_cache import RedisMetaCache
from connector.models import MarkedRecord
from connector.usage import RequestUsage

log = logging.getLogger("dealcoach.connector.hubspot")
T = TypeVar("T")


DEFAULT_API_BASE = "https://api.hubapi.com"
BATCH_LIMIT = 100
TIMEOUT = (5, 30)
NOTE_TO_DEAL, TASK_TO_DEAL = 214, 216
KEY_PROPERTY = "dealcoach_key"
DEAL_PROPERTIES = [
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "hubspot_owner_id",
    "notes_last_updated",
    "hs_is_closed",
    "createdate",
]
CALL_PROPERTIES = [
    "hs_call_title",
    "hs_timestamp",
    "hubspot_owner_id",
    "hs_attachment_ids",
    "hs_call_recording_url",
    "hs_call_body",
]
_BODY_PROPERTY = {"notes": "hs_note_body", "tasks": "hs_task_body"}
CACHE_TTL_S = 300
# A signed URL read for an attachment's name and type is used again for its download within the same job.
SIGNED_URL_REUSE_S = 60
ACTIVITY_TYPES = ("tasks", "emails", "meetings", "calls", "notes")
TASK_PROPERTIES = ["hs_task_status", "hs_task_subject", "hs_task_completion_date", "hs_timestamp", "hs_task_body"]
NO_RETRY = Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False)


class HubSpotClient:
    """One installed portal, reached with an access token (private app or OAuth)."""

    def __init__(
        self,
        *,
        access_token: str,
        api_base: str = DEFAULT_API_BASE,
        portal_id: str | None = None,
        budget: ApiBudget | None = None,
        downloads: DownloadPolicy | None = None,
        token_provider: Callable[[], str] | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.portal_id = portal_id
        # urllib3's default Retry sleeps through Retry-After on 429/503 for idempotent methods; retries belong
        # to `connector.http` alone, so the SDK must return every response as it is.
        self.client = HubSpot(access_token=access_token, host=self.api_base, base_url=self.api_base, retry=NO_RETRY)
        # Every SDK API object is built by our factory (an OAuth install's with the current token), once per token:
        # the SDK asks for one each time `client.crm.….…_api` is touched, several per job.
        self.client.config["api_factory"] = reusing_factory(token_provider)
        self.budget = budget or ApiBudget()
        self._cache = TtlCache(CACHE_TTL_S)
        self._signed = TtlCache(SIGNED_URL_REUSE_S)
        self.usage = RequestUsage("hubspot")
        # Where file downloads may come from (HubSpot's file hosts, https, public addresses), and for recordings
        # what content is taken; the caller builds it, never inferred from the API base's scheme.
        self.downloads = downloads or DownloadPolicy.for_tenant("hubspot")

    # -- plumbing -------------------------------------------------------------------------------

    def share_cache(self, conn: redis.Redis, tenant: str) -> None:
        """Keep metadata in Redis too, so the next job's process does not read it again."""
        self._cache.shared = RedisMetaCache(conn, tenant)

    def _call(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """Invoke an SDK `*_with_http_info` method, observe rate-limit headers, classify failures."""

        def once() -> Any:
            if write:
                self.budget.check()
            try:
                data, _status, headers = fn(*args, _request_timeout=TIMEOUT, **kwargs)
            except Exception as exc:  # every SDK package has its own ApiException class
                self.usage.count(failed=True)
                status = getattr(exc, "status", None)
                if isinstance(status, int) and status > 0:
                    self.budget.observe(getattr(exc, "headers", None))
                    raise classify_status(
                        status, getattr(exc, "headers", None), f"HubSpot {status}: {_reason(exc)}"
                    ) from exc
                if is_transport_error(exc):
                    raise RetryableCrmError(f"HubSpot unreachable: {type(exc).__name__}") from exc
                raise
            self.usage.count()
            self.budget.observe(headers)
            return data

        return call_with_retry(once)

    @property
    def _objects(self) -> Any:
        return self.client.crm.objects

    def _property_names(self, object_type: str) -> frozenset[str]:
        def load() -> list[str]:
            page = self._call(self.client.crm.properties.core_api.get_all_with_http_info, object_type)
            return sorted(p.name for p in page.results)

        return frozenset(self._cache.get(f"props:{object_type}", load))

    def _with_properties(self, object_type: str, write: Callable[[frozenset[str] | None], T]) -> T:
        """Run a single-object write that sets DealCoach's own properties. With the tenant's property list cached, the
        write gets it; without, it goes out as is (the install created them), and only a 400 (HubSpot refuses a
        property that does not exist: PROPERTY_DOESNT_EXIST) loads the list, once per cache period, and writes again
        with what exists. A portal set up by DealCoach pays no properties read on a cold cache."""
        cached = self._cache.peek(f"props:{object_type}")
        if cached is not None:
            return write(frozenset(cached))
        try:
            return write(None)
        except FatalCrmError as exc:
            if exc.status != 400:
                raise
            log.info("crm.hubspot.properties_checked object_type=%s", object_type)
            return write(self._property_names(object_type))

    # -- rows ---------------------------------------------------------------------------------------

    def _associated_ids(self, deal_id: str, object_type: str) -> list[str]:
        """Every id of a type associated to the deal, 500 per v4 page."""
        ids: list[str] = []
        after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"limit": 500}
            if after:
                kwargs["after"] = after
            page = self._call(
                raw_json(self.client.crm.associations.v4.basic_api.get_page_with_http_info),
                "deals",
                deal_id,
                object_type,
                **kwargs,
            )
            ids.extend(str(r["toObjectId"]) for r in page.get("results") or [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return ids

    def _read_rows(self, object_type: str, ids: Sequence[str], properties: list[str]) -> list[dict[str, Any]]:
        """Records by id with the given properties, 100 per batch read (the body the SDK's
        `BatchReadInputSimplePublicObjectId` serialises to; the JSON answer, not the SDK's models)."""
        rows: list[dict[str, Any]] = []
        for chunk in chunks(list(ids), BATCH_LIMIT):
            body = {"properties": properties, "inputs": [{"id": i} for i in chunk]}
            resp = self._call(raw_json(self._objects.batch_api.read_with_http_info), object_type, body)
            rows.extend({"id": str(obj["id"]), **(obj.get("properties") or {})} for obj in resp.get("results") or [])
        return rows

    def _key_of(self, object_type: str, row: dict[str, Any]) -> str | None:
        return row.get(KEY_PROPERTY) or find_marker(row.get(_BODY_PROPERTY[object_type]) or "")

    @staticmethod
    def _marked(key: str, row: dict[str, Any]) -> MarkedRecord:
        return MarkedRecord(
            key=key,
            id=row["id"],
            status=row.get("hs_task_status"),
            due=parse_time(row.get("hs_timestamp")),
            subject=row.get("hs_task_subject"),
        )


def reusing_factory(token_provider: Callable[[], str] | None = None) -> Callable[[Any, str, dict[str, Any]], Any]:
    """`api_factory`'s API objects, each built once per API and token and then handed out again: building one (its
    `Configuration`, whose logger set-up clears the logging caches, an `ApiClient` and a urllib3 pool) cost more
    CPU than a job's request itself, and a fresh pool opened a new connection per request. The token is asked of the
    provider on every access, as before, and a new one gets new objects."""
    build = api_factory(None)
    built: dict[tuple[str, str, str | None], Any] = {}

    def factory(package: Any, api_name: str, config: dict[str, Any]) -> Any:
        settings = {**config, "access_token": token_provider()} if token_provider is not None else config
        key = (package.__name__, api_name, settings.get("access_token"))
        if key not in built:
            built[key] = build(package, api_name, settings)
        return built[key]

    return factory


def _reason(exc: Exception) -> str:
    """HubSpot's error `message`, cut short; never the request body."""
    body = getattr(exc, "body", None) or ""
    m = re.search(r'"message"\s*:\s*"([^"]{0,200})', body if isinstance(body, str) else "")
    return m.group(1) if m else getattr(exc, "reason", "") or type(exc).__name__
