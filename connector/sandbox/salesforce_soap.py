"""The wire formats of workflow outbound messages: the SOAP 1.1 `notifications` envelope Salesforce POSTs
(per the Outbound Messaging WSDL), the acknowledgement it waits for, and the Flow HTTP-callout JSON variant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml.common import DefusedXmlException

OUTBOUND_NS = "http://soap.sforce.com/2005/09/outbound"
SOAP_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOBJECT_NS = "urn:sobject.enterprise.soap.sforce.com"
MAX_NOTIFICATIONS = 100
SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
ACK = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}">\n <soapenv:Body>'
    f'<notificationsResponse xmlns="{OUTBOUND_NS}"><Ack>true</Ack></notificationsResponse></soapenv:Body>\n'
    "</soapenv:Envelope>\n"
)


@dataclass(frozen=True)
class Notification:
    """One `Notification`: its 04l id and the sObject's type, id and `sf:` field texts (Id first)."""

    id: str
    sobject: str
    fields: tuple[tuple[str, str], ...]


def notifications_envelope(
    *,
    org_id: str,
    action_id: str,
    session_id: str | None,
    enterprise_url: str,
    partner_url: str,
    notifications: list[Notification],
) -> bytes:
    """The SOAP body of one outbound message (≤ 100 notifications), UTF-8 encoded."""
    if not 1 <= len(notifications) <= MAX_NOTIFICATIONS:
        raise ValueError("an outbound message carries 1 to 100 notifications")
    session = f"<SessionId>{escape(session_id)}</SessionId>" if session_id else '<SessionId xsi:nil="true"/>'
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<soapenv:Envelope xmlns:soapenv="{SOAP_ENV_NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
        " <soapenv:Body>",
        f'  <notifications xmlns="{OUTBOUND_NS}">',
        f"   <OrganizationId>{escape(org_id)}</OrganizationId>",
        f"   <ActionId>{escape(action_id)}</ActionId>",
        f"   {session}",
        f"   <EnterpriseUrl>{escape(enterprise_url)}</EnterpriseUrl>",
        f"   <PartnerUrl>{escape(partner_url)}</PartnerUrl>",
    ]
    for n in notifications:
        lines += [
            "   <Notification>",
            f"    <Id>{escape(n.id)}</Id>",
            f'    <sObject xsi:type="sf:{escape(n.sobject)}" xmlns:sf="{SOBJECT_NS}">',
        ]
        lines += [f"     <sf:{name}>{escape(text)}</sf:{name}>" for name, text in n.fields]
        lines += ["    </sObject>", "   </Notification>"]
    lines += ["  </notifications>", " </soapenv:Body>", "</soapenv:Envelope>", ""]
    return "\n".join(lines).encode("utf-8")


def is_ack(body: bytes) -> bool:
    """Whether a response body is a `notificationsResponse` whose `Ack` (outbound namespace) is true."""
    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return False
    ack = root.find(f".//{{{OUTBOUND_NS}}}notificationsResponse/{{{OUTBOUND_NS}}}Ack")
    return ack is not None and (ack.text or "").strip().lower() in ("true", "1")


def flow_event(
    *, org_id: str, event_id: str, kind: str, sobject: str, object_id: str, occurred_at: str, fields: dict[str, Any]
) -> bytes:
    """The JSON a record-triggered Flow's HTTP callout POSTs (compact, UTF-8)."""
    body = {
        "orgId": org_id,
        "eventId": event_id,
        "kind": kind,
        "objectType": sobject,
        "objectId": object_id,
        "occurredAt": occurred_at,
        "fields": fields,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
