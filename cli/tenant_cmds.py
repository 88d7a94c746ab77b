"""`dealcoach tenants`: add (token, refresh token, session or JWT bearer), list, remove, rotate-key."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from cli.common import CliError, load_runtime, open_redis


def _credentials(args: argparse.Namespace) -> dict[str, str]:
    """The stored credentials for `tenants add`; incomplete ones are an error naming what is missing."""
    if args.provider == "hubspot":
        token = args.access_token or os.environ.get("HUBSPOT_ACCESS_TOKEN", "")
        if not token:
            raise CliError("an access token is required (--access-token or HUBSPOT_ACCESS_TOKEN)")
        return {"access_token": token, **({"api_base": args.api_base} if args.api_base else {})}
    if args.username or args.private_key:
        return _jwt_credentials(args)
    creds = {
        k: v
        for k, v in {
            "instance_url": args.instance_url,
            "session_id": args.session_id,
            "refresh_token": args.refresh_token,
            "consumer_key": args.consumer_key or os.environ.get("SALESFORCE_CONSUMER_KEY", ""),
            "consumer_secret": args.consumer_secret or os.environ.get("SALESFORCE_CONSUMER_SECRET", ""),
            "token_url": args.token_url,
            "ca_bundle": args.ca_bundle,
        }.items()
        if v
    }
    if not creds.get("instance_url") or not (creds.get("session_id") or creds.get("refresh_token")):
        raise CliError("Salesforce needs --instance-url and --session-id or --refresh-token")
    return creds


def _jwt_credentials(args: argparse.Namespace) -> dict[str, str]:
    """JWT bearer set-up (connector/salesforce/jwt_bearer.py): one grant now; its org id rides along as `org_id`."""
    from connector.base import CrmError
    from connector.salesforce.jwt_bearer import setup_credentials

    consumer_key = args.consumer_key or os.environ.get("SALESFORCE_CONSUMER_KEY", "")
    if not (args.username and args.private_key and consumer_key):
        raise CliError(
            "JWT bearer set-up needs --username, --private-key and --consumer-key (or SALESFORCE_CONSUMER_KEY)"
        )
    try:
        key = Path(args.private_key).read_text(encoding="utf-8")
        org, creds = setup_credentials(username=args.username, private_key=key, consumer_key=consumer_key,
                                       login_url=args.login_url or "", ca_bundle=args.ca_bundle or "")  # fmt: skip
    except OSError as exc:
        raise CliError(f"--private-key {args.private_key!r}: {exc.strerror}") from exc
    except CrmError as exc:
        raise CliError(f"Salesforce refused the JWT bearer grant: {exc}", 1) from exc
    return {**creds, "org_id": org}


def _external_id(provider: str, raw: str) -> str:
    """The account id as tenants are keyed: a HubSpot portal number, or a Salesforce org id in its 18-char form."""
    from connector.salesforce.ids import SalesforceIdError, key_prefix, to_18

    if provider == "hubspot":
        if not raw.strip().isdigit():
            raise CliError(f"--id {raw!r} is not a HubSpot portal id (a number, e.g. 62515)")
        return raw.strip()
    try:
        org = to_18(raw)
    except SalesforceIdError as exc:
        raise CliError(f"--id {raw!r} is not a Salesforce org id (15 or 18 characters, 00D…): {exc}") from exc
    if key_prefix(org) != "00D":
        raise CliError(f"--id {raw!r} is a Salesforce id but not an org id (org ids start with 00D)")
    return org


def cmd_tenants(args: argparse.Namespace) -> int:
    from connector.models import TenantSettings
    from connector.tenants import Tenant, tenant_id
    from sync.settings_validation import SettingsError, parse_tenant_settings

    # Arguments first, so a typo is reported without waiting on Redis.
    jwt_setup = args.action == "add" and args.provider == "salesforce" and bool(args.username or args.private_key)
    keyed = args.action not in ("list", "rotate-key")
    external_id = _external_id(args.provider, args.id) if keyed and (args.id or not jwt_setup) else ""
    extra: dict[str, Any] = {}
    if args.action == "add" and args.settings:
        try:
            extra = parse_tenant_settings(args.settings)
        except SettingsError as exc:
            raise CliError(f"--settings: {exc}") from exc
    creds = _credentials(args) if args.action == "add" else {}
    if jwt_setup:
        org = creds.pop("org_id")
        if external_id and external_id != org:
            raise CliError(f"--id {args.id!r} is not the org of {args.username!r} (Salesforce says {org})")
        external_id = org
    rt = load_runtime(needs_secret_key=True)
    registry = rt.tenants(open_redis(rt))
    if args.action == "list":
        for tid in registry.list_ids():
            print(tid)
        return 0
    if args.action == "rotate-key":
        return _rotate_key(registry)
    if args.action == "remove":
        tid = tenant_id(args.provider, external_id)
        from sync.forget import forget_tenant

        if not forget_tenant(registry.conn, registry, tid):
            raise CliError(f"unknown tenant {tid!r}: `dealcoach tenants list` shows the registered ones", 1)
        return 0
    settings = TenantSettings.from_dict(
        {"language": args.language, **({"manager_id": args.manager_id} if args.manager_id else {}), **extra}
    )
    registry.add(
        Tenant(
            provider=args.provider, external_id=external_id, credentials=creds, settings=settings, name=args.name or ""
        )
    )
    print(f"registered {tenant_id(args.provider, external_id)}")
    return 0


def _rotate_key(registry: Any) -> int:
    """Re-encrypt every stored secret under DEALCOACH_SECRET_KEY; a tenant no key opens is named, with exit status 1."""
    from sync.rekey import rekey_all

    result = rekey_all(registry.conn, registry)
    print(f"re-encrypted {result.tenants} tenant(s) and {result.sealed} cached token(s) under DEALCOACH_SECRET_KEY")
    if result.failed:
        raise CliError(
            f"no configured key decrypts {', '.join(result.failed)}: add the key they were stored with to "
            "DEALCOACH_SECRET_KEY_PREVIOUS and run again",
            1,
        )
    return 0
