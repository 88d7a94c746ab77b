"""The SessionId an Outbound Message carries (when the admin ticks "Send Session ID"), checked against the org
before the message is trusted: stronger than the org allow-list, since an org id is no secret but a live session id
is. One UserInfo call per session id, cached for ten minutes (a session is reused across a burst of messages);
a refused one is remembered for a minute so a flood of forged messages cannot turn into a flood of calls.

With the org's "require SessionId" setting on (`Require_Session_Id__c`), a message without one is refused too: the
org id alone, which anyone can learn, no longer gets a message queued."""

from __future__ import annotations

import hashlib

import redis

from connector.salesforce.session_check import session_org
from connector.tenants import Tenant

OK_TTL_S, REFUSED_TTL_S = 600, 60
_KEY = "dealcoach:sf:session:{}:{}"


class SessionRejected(Exception):
    """The message's session id is not a live session of the org it names; `slug` is what gets logged."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


def verify_outbound_session(conn: redis.Redis, tenant: Tenant, session_id: str | None) -> None:
    """Pass when `session_id` is a live session of `tenant`'s org, or absent while the org does not require one;
    `SessionRejected` otherwise, `RetryableCrmError` when Salesforce cannot answer now."""
    if session_id is None:
        if tenant.settings.require_session_id:
            raise SessionRejected("session_required")
        return
    key = _KEY.format(tenant.id, hashlib.sha256(session_id.encode()).hexdigest()[:32])
    cached = conn.get(key)
    if cached == b"ok":
        return
    if cached is not None:
        raise SessionRejected("session_refused")
    instance = tenant.credentials.get("instance_url", "")
    if not instance:
        raise SessionRejected("no_instance_url")
    org = session_org(instance, session_id, ca_bundle=tenant.credentials.get("ca_bundle", ""))
    if org != tenant.external_id:
        conn.set(key, b"no", ex=REFUSED_TTL_S)
        raise SessionRejected("session_refused" if org is None else "session_of_another_org")
    conn.set(key, b"ok", ex=OK_TTL_S)
