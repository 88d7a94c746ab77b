"""What the sandbox org refuses the way Salesforce does: fields the API user may only read, owners who left, values
too long for their field. Each test names the Salesforce behaviour it checks and its source."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce_client import ControlError, SandboxOrg
from connector.sandbox.salesforce_config import DEPARTED_REP_ID, MANAGER_USER_ID, REP_USER_ID

OPP = {"Name": "A社", "StageName": "Qualification", "CloseDate": "2026-12-31"}


def test_read_only_field_for_the_api_user(sf: Any, org: SandboxOrg) -> None:
    """Field-level security Read without Edit: describe says createable/updateable false and a write naming the field
    fails with INVALID_FIELD_FOR_INSERT_UPDATE "Unable to create/update fields: …" (sObject Describe, REST API guide;
    the error text as orgs return it, e.g. salesforcedictionary.com/errors/invalid-field-for-insert-update)."""
    opp = sf.Opportunity.create(OPP)["id"]
    answer = org.control("POST", "field_security", {"objectType": "opportunity", "readOnly": ["dealcoach_bant__c"]})
    assert answer == {"objectType": "Opportunity", "readOnly": ["DealCoach_BANT__c"]}
    field = next(f for f in sf.Opportunity.describe()["fields"] if f["name"] == "DealCoach_BANT__c")
    assert (field["createable"], field["updateable"]) == (False, False)
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.update(opp, {"DealCoach_BANT__c": "B", "DealCoach_Score__c": 50})
    (error,) = exc.value.content
    assert error["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE" and error["fields"] == ["DealCoach_BANT__c"]
    assert error["message"].startswith("Unable to create/update fields: DealCoach_BANT__c.")
    assert sf.Opportunity.get(opp)["DealCoach_Score__c"] is None, "the whole record was refused"
    sf.Opportunity.update(opp, {"DealCoach_Score__c": 50})
    with pytest.raises(ControlError):
        org.control("POST", "field_security", {"objectType": "Opportunity", "readOnly": ["Nope__c"]})
    org.control("POST", "reset")
    field = next(f for f in sf.Opportunity.describe()["fields"] if f["name"] == "DealCoach_BANT__c")
    assert field["updateable"] is True


def test_inactive_owner_is_refused_on_task_insert_and_update(sf: Any, org: SandboxOrg) -> None:
    """A Task cannot be owned by a deactivated user: INACTIVE_OWNER_OR_USER "operation performed with inactive user"
    (Salesforce Help 000205862), per record in sObject Collections results."""
    users = {u["Id"]: u for u in org.dump("User")}
    assert users[DEPARTED_REP_ID]["IsActive"] is False and users[DEPARTED_REP_ID]["ManagerId"] == MANAGER_USER_ID
    assert users[REP_USER_ID]["IsActive"] is True
    opp = sf.Opportunity.create(OPP)["id"]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Task"}, "Subject": "a", "WhatId": opp, "OwnerId": DEPARTED_REP_ID},
        {"attributes": {"type": "Task"}, "Subject": "b", "WhatId": opp, "OwnerId": REP_USER_ID}]})
    assert results[0] == {"success": False, "errors": [{
        "statusCode": "INACTIVE_OWNER_OR_USER", "message": f"operation performed with inactive user "
        f"{DEPARTED_REP_ID[:15]} as owner of task", "fields": []}]}
    assert results[1]["success"] is True
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.update(results[1]["id"], {"OwnerId": DEPARTED_REP_ID})
    assert exc.value.content[0]["errorCode"] == "INACTIVE_OWNER_OR_USER"


def test_description_longer_than_32000_is_refused(sf: Any) -> None:
    """Task.Description (Comments) holds 32,000 characters; longer is STRING_TOO_LONG, never silently cut (Task
    object reference; STRING_TOO_LONG in the API status codes)."""
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "x", "Description": "あ" * 32_001})
    (error,) = exc.value.content
    assert error["errorCode"] == "STRING_TOO_LONG" and error["fields"] == ["Description"]
    assert "max length=32000" in error["message"]
    assert sf.Task.create({"Subject": "x", "Description": "あ" * 32_000})["success"] is True


@pytest.mark.parametrize(("content", "source"), [
    ("<p>It&apos;s</p>", "&apos; refused, &#39; accepted: salesforce.stackexchange.com/q/223856"),
    ("<p>A&nbsp;B</p>", "named entities beyond the XML basics: ktema.org/articles/importing-notes-into-salesforce"),
    ("<p>R&D</p>", "unescaped characters: Salesforce Help 000232870"),
    ("<table><tr><td>x</td></tr></table>", "HTML tags not allowed in a Note: Salesforce Help 000232870"),
], ids=["apos", "nbsp", "bare_ampersand", "table"])
def test_note_content_salesforce_refuses(sf: Any, content: str, source: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentNote.create({"Title": "t", "Content": base64.b64encode(content.encode()).decode()})
    (error,) = exc.value.content
    assert error["message"].startswith("Note can't be saved because it contains HTML tags or unescaped"), source


def test_note_attributes_and_newlines_are_stripped_on_save(sf: Any, org: SandboxOrg) -> None:
    """"If the input contains unsafe HTML characters or newline characters, we automatically strip them out before
    saving the content" (ContentNote, Object Reference); numeric references and bare Unicode are kept."""
    body = '<p style="color:#999">It&#39;s 商談\n</p><ul><li>&quot;A&quot; &amp; B</li></ul>'
    note = sf.ContentNote.create({"Title": "t", "Content": base64.b64encode(body.encode()).decode()})["id"]
    version = org.dump("ContentNote")[0]["LatestPublishedVersionId"]
    stored = org.api("GET", f"sobjects/ContentVersion/{version}/VersionData").content.decode()
    assert stored == "<p>It&#39;s 商談</p><ul><li>&quot;A&quot; &amp; B</li></ul>" and note
