"""Salesforce Outbound Messages (SOAP 1.1): parse safely, build the exact ACK and SOAP faults.

WSDL: `notifications` in http://soap.sforce.com/2005/09/outbound, up to 100 `Notification`s, answered by
`notificationsResponse/Ack = true`. Parsing uses defusedxml: DTDs, entities and external references are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

SOAPENV = "http://schemas.xmlsoap.org/soap/envelope/"
OUTBOUND = "http://soap.sforce.com/2005/09/outbound"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_NOTIFICATIONS = 100

ACK = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}">'
    f'<soapenv:Body><notificationsResponse xmlns="{OUTBOUND}"><Ack>true</Ack></notificationsResponse></soapenv:Body>'
    "</soapenv:Envelope>"
)


class SoapFormatError(ValueError):
    """The body is not a well-formed, safe Outbound Message."""


@dataclass(frozen=True)
class Notification:
    """One `Notification`: its id (dedupe key) and the sObject's type and fields as sent."""

    id: str
    sobject_type: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundMessage:
    organization_id: str
    action_id: str
    session_id: str | None
    enterprise_url: str
    notifications: tuple[Notification, ...]


def soap_fault(code: str, message: str) -> str:
    """A SOAP 1.1 Fault; `code` is `soapenv:Client` (the sender's fault) or `soapenv:Server`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<soapenv:Envelope xmlns:soapenv="{SOAPENV}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>{escape(code)}</faultcode><faultstring>{escape(message)}</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def _text(parent: Element, tag: str) -> str:
    el = parent.find(f"{{{OUTBOUND}}}{tag}")
    return (el.text or "").strip() if el is not None else ""


def _is_nil(el: Element | None) -> bool:
    return el is not None and el.get(f"{{{XSI}}}nil") in ("true", "1")


def _sobject_type(sobject: Element) -> str:
    """`xsi:type="sf:Opportunity"` → `Opportunity` (whatever prefix the sender bound)."""
    raw = sobject.get(f"{{{XSI}}}type") or ""
    return raw.rsplit(":", 1)[-1]


def parse_outbound(body: bytes) -> OutboundMessage:
    """Pure: bytes in, message out; raises `SoapFormatError` naming what is wrong."""
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SoapFormatError(f"unsafe XML refused ({type(exc).__name__})") from exc
    except (ParseError, ValueError, LookupError) as exc:
        # LookupError: the XML declaration names an encoding Python does not know (`encoding="nonexistent"`).
        raise SoapFormatError("body is not well-formed XML") from exc
    if root.tag != f"{{{SOAPENV}}}Envelope":
        raise SoapFormatError("not a SOAP 1.1 envelope")
    notifications = root.find(f"{{{SOAPENV}}}Body/{{{OUTBOUND}}}notifications")
    if notifications is None:
        raise SoapFormatError("no outbound notifications element")
    org = _text(notifications, "OrganizationId")
    if not org:
        raise SoapFormatError("OrganizationId is missing")
    items = notifications.findall(f"{{{OUTBOUND}}}Notification")
    if len(items) > MAX_NOTIFICATIONS:
        raise SoapFormatError(f"{len(items)} notifications; at most {MAX_NOTIFICATIONS}")
    parsed = []
    for i, item in enumerate(items):
        nid = _text(item, "Id")
        sobject = item.find(f"{{{OUTBOUND}}}sObject")
        if not nid or sobject is None:
            raise SoapFormatError(f"notification {i} lacks Id or sObject")
        fields = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in sobject if not _is_nil(child)}
        parsed.append(Notification(id=nid, sobject_type=_sobject_type(sobject), fields=fields))
    session = notifications.find(f"{{{OUTBOUND}}}SessionId")
    return OutboundMessage(
        organization_id=org,
        action_id=_text(notifications, "ActionId"),
        session_id=None if session is None or _is_nil(session) else (session.text or "").strip() or None,
        enterprise_url=_text(notifications, "EnterpriseUrl"),
        notifications=tuple(parsed),
    )
