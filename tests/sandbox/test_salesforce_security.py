"""What the sandbox org refuses the way Salesforce does: fields the API user may only read, owners who left, values
too long for their field. Each test names the Salesforce behaviour it checks and its source."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce_client import ControlError, SandboxOrg

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
