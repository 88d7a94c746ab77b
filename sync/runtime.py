"""The worker's one set-up point: read the environment once, build the parts jobs share, hand them to every job.

This is to the worker what `webhooks.app.create_app` is to the web app. A `Runtime` holds the configuration and
builds, once per process, the LLM scorer, the Speech client and long-audio store, and the CRM clients. Jobs get it
from `current()`; `dealcoach worker` installs one at start, tests and the demo install their own (no module-level
caches to patch, no `os.environ` writes). Nothing else in connector/, scoring/ or sync/ reads the environment.
Time is not a part: every job reads "now" from the process clock seam, `connector.clock`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import redis

from connector import clock
from connector.base import Crm
from connector.download import DownloadPolicy
from connector.hubspot.oauth import OAuthApp, TokenProvider
from connector.models import TenantSettings
from connector.tenants import Tenant, TenantRegistry, credentials_fingerprint, crm_for, previous_keys
from scoring.llm.config import llm_from_env
from scoring.llm.scorer import LlmScorer
from scoring.scorer import MODES, Mode, mode_from_env
from scoring.speech.audio import FORMATS, sniff_format
from scoring.speech.recognize import audio_store_from_env, speech_client_from_env
from scoring.speech.storage import AudioStore
from sync.score_cache import TenantScoreCache

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CRM_TTL_S = 300.0


@dataclass(frozen=True)
class RuntimeConfig:
    """Everything the worker reads from the environment, typed, in one place (README "Configuration")."""

    redis_url: str = DEFAULT_REDIS_URL
    secret_key: str = ""
    # Retired keys that still decrypt stored secrets until `dealcoach tenants rotate-key` has run.
    previous_secret_keys: tuple[str, ...] = ()
    scorer_mode: Mode = "auto"
    sweep_interval_s: int = 900
    api_reserve: float = 0.10
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RuntimeConfig:
        env = dict(os.environ if env is None else env)
        return cls(
            redis_url=env.get("REDIS_URL") or DEFAULT_REDIS_URL,
            secret_key=env.get("DEALCOACH_SECRET_KEY", ""),
            previous_secret_keys=previous_keys(env.get("DEALCOACH_SECRET_KEY_PREVIOUS", "")),
            scorer_mode=mode_from_env(env, default="auto"),
            sweep_interval_s=_positive_int(env, "DEALCOACH_SWEEP_INTERVAL_S", 900),
            api_reserve=_fraction(env, "DEALCOACH_API_RESERVE", 0.10),
            env=env,
        )


def settings_fingerprint(settings: TenantSettings) -> str:
    """A short digest of a tenant's settings: cached parts built from them are rebuilt when they change."""
    raw = json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name) or str(default)
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name}={raw!r} must be a positive whole number of seconds")
    return int(raw)


def _fraction(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} must be a number between 0 and 1") from exc
    if not 0 <= value < 1:
        raise ValueError(f"{name}={raw!r} must be between 0 and 1")
    return value


class Runtime:
    """The parts shared by every job of one worker process, each built on first use and then kept."""

    def __init__(
        self, config: RuntimeConfig, *, local_download_hosts: tuple[str, ...] = (), conn: redis.Redis | None = None
    ) -> None:
        self.config = config
        # Hosts served over plain http on loopback: the sandbox CRMs of the demo and the tests. Only code can set it,
        # never the environment, so no deployment can relax the download rules by configuration.
        self.local_download_hosts = local_download_hosts
        self._crms: dict[str, tuple[float, Crm]] = {}
        self._lock = threading.Lock()
        # An embedded stack's Redis (fakeredis in the demo) instead of one opened from REDIS_URL.
        self._parts: dict[str, Any] = {"redis": conn} if conn is not None else {}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Runtime:
        return cls(RuntimeConfig.from_env(env))

    def _once(self, key: str, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key not in self._parts:
                self._parts[key] = build()
            return self._parts[key]

    def connection(self) -> redis.Redis:
        """A connection for code outside a job (the cron enqueuer, the CLI); jobs use their job's connection."""
        return self._once("redis", lambda: redis.Redis.from_url(self.config.redis_url))

    def tenants(self, conn: redis.Redis) -> TenantRegistry:
        return TenantRegistry(conn, self.config.secret_key, self.config.previous_secret_keys)

    def crm(self, tenant: Tenant) -> Crm:
        """The tenant's CRM client, reused across jobs for 5 minutes (connections, metadata, API budget); new
        credentials (a re-install) or new settings (time zone, language, recording hosts) get a new client, so a
        saved setting is in force on the next job, well within the minute the settings page promises."""
        key = f"{tenant.id}:{credentials_fingerprint(tenant)}:{settings_fingerprint(tenant.settings)}"
        now = clock.now().timestamp()
        with self._lock:
            hit = self._crms.get(key)
            # Valid from its creation for CRM_TTL_S by the clock seam (a clock set back starts afresh).
            if hit and hit[0] - CRM_TTL_S <= now < hit[0]:
                return hit[1]
        crm = crm_for(
            tenant,
            downloads=self.downloads(tenant),
            api_reserve=self.config.api_reserve,
            token_provider=self.token_provider(tenant),
        )
        with self._lock:
            self._crms = {k: v for k, v in self._crms.items() if v[0] > now and not k.startswith(f"{tenant.id}:")}
            self._crms[key] = (now + CRM_TTL_S, crm)
        return crm

    def scorer_mode(self, tenant: Tenant) -> Mode:
        """The tenant's scorer choice (settings page), else the deployment's DEALCOACH_SCORER. A tenant asking for
        `llm` on a deployment with no LLM endpoint gets `auto` (offline until one is configured): a setting must not
        make every call job fail, whereas the operator's own DEALCOACH_SCORER=llm still does, loudly."""
        chosen = tenant.settings.scorer
        if chosen not in MODES:
            return self.config.scorer_mode
        env = self.config.env
        if chosen == "llm" and not (env.get("OPENAI_API_KEY") or env.get("OPENAI_BASE_URL") or "").strip():
            return "auto"
        return cast(Mode, chosen)

    def hubspot_app(self, api_base: str = "") -> OAuthApp:
        """DealCoach's HubSpot app (HUBSPOT_CLIENT_ID, the first HUBSPOT_CLIENT_SECRET) against `api_base`."""
        env = self.config.env
        secret = next((s.strip() for s in env.get("HUBSPOT_CLIENT_SECRET", "").split(",") if s.strip()), "")
        return OAuthApp(
            client_id=env.get("HUBSPOT_CLIENT_ID", ""),
            client_secret=secret,
            api_base=api_base or env.get("HUBSPOT_API_BASE") or OAuthApp.api_base,
        )

    def token_provider(self, tenant: Tenant) -> TokenProvider | None:
        """The access-token source of a portal installed through OAuth (None for a private app's static token)."""
        if tenant.provider != "hubspot" or "refresh_token" not in tenant.credentials:
            return None
        conn = self.connection()
        app = self.hubspot_app(tenant.credentials.get("api_base", ""))
        return TokenProvider(conn, self.tenants(conn), tenant.id, app)

    def downloads(self, tenant: Tenant) -> DownloadPolicy:
        """Where a tenant's recordings may come from (the CRM's file hosts and its dialer hosts, https, public
        addresses) and what content is taken (audio, by its leading bytes)."""
        hosts = DownloadPolicy.for_tenant(tenant.provider, extra_hosts=tenant.settings.recording_hosts).allowed_hosts
        local = self.local_download_hosts
        return DownloadPolicy(
            allowed_hosts=(*hosts, *local),
            http_hosts=local,
            allowed_networks=("127.0.0.0/8", "::1/128") if local else (),
            sniff=sniff_format,
            accept=FORMATS,
        )

    def llm(self, conn: redis.Redis, *, tenant: str, restore_pii: bool = False) -> LlmScorer | None:
        """The LLM scorer when OPENAI_API_KEY / OPENAI_BASE_URL are set; one per tenant (its own answer cache) and
        PII choice."""

        def build() -> LlmScorer | None:
            scorer = llm_from_env(self.config.env, cache=TenantScoreCache(conn, tenant))
            if scorer is not None:
                scorer.restore_pii = restore_pii
            return scorer

        return self._once(f"llm-{tenant}-{restore_pii}", build)

    def speech_client(self) -> Any | None:
        return self._once("speech", lambda: speech_client_from_env(self.config.env))

    def audio_store(self) -> AudioStore | None:
        return self._once("audio_store", lambda: audio_store_from_env(self.config.env))


_current: Runtime | None = None
_current_lock = threading.Lock()


def current() -> Runtime:
    """The installed runtime; a process that installed none (a plain `rq worker`) builds one from its environment."""
    global _current
    with _current_lock:
        if _current is None:
            _current = Runtime.from_env()
        return _current


def install(runtime: Runtime | None) -> Runtime | None:
    """Make `runtime` this process's runtime (None: rebuild from the environment on next use); returns the old one."""
    global _current
    with _current_lock:
        previous, _current = _current, runtime
        return previous


@contextmanager
def using(runtime: Runtime) -> Iterator[Runtime]:
    """Run a block (an embedded stack, a test) with `runtime`, restoring the previous one afterwards."""
    previous = install(runtime)
    try:
        yield runtime
    finally:
        install(previous)
