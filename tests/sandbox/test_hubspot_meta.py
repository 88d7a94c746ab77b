"""Properties, pipelines and owners endpoints through the real SDK."""

from __future__ import annotations

from typing import Any

from hubspot.crm.properties import OptionInput, PropertyCreate

from connector.sandbox.hubspot import sales_pipeline


def test_properties_list_get_create(client: Any, api_error: Any) -> None:
    core = client.crm.properties.core_api
    deal_props = {p.name: p for p in core.get_all("deals").results}
    assert {"dealname", "dealstage", "pipeline", "amount", "closedate", "hubspot_owner_id", "createdate",
            "hs_lastmodifieddate", "notes_last_updated", "hs_is_closed", "hs_is_closed_won"} <= set(deal_props)
    assert deal_props["dealcoach_deal_state"].type == "enumeration"
    assert [o.value for o in deal_props["dealcoach_deal_state"].options] == ["shodan", "wadai", "botsu"]
    assert deal_props["notes_last_updated"].modification_metadata.read_only_value is True
    status = core.get_by_name("tasks", "hs_task_status")
    assert [o.value for o in status.options] == ["NOT_STARTED", "IN_PROGRESS", "WAITING", "DEFERRED", "COMPLETED"]
    assert core.get_by_name("0-46", "dealcoach_key").type == "string"
    with api_error(404) as err:
        core.get_by_name("calls", "dealcoach_key")
    assert err.body["category"] == "OBJECT_NOT_FOUND"
    created = core.create("calls", property_create=PropertyCreate(
        name="dealcoach_call_score", label="DealCoach call score", type="number", field_type="number",
        group_name="dealcoach"))
    assert created.name == "dealcoach_call_score" and created.hubspot_defined is False
    with api_error(409) as err:
        core.create("calls", property_create=PropertyCreate(
            name="dealcoach_call_score", label="again", type="number", field_type="number", group_name="dealcoach"))
    assert err.body["category"] == "OBJECT_ALREADY_EXISTS"
    core.create("deals", property_create=PropertyCreate(
        name="dealcoach_tier", label="Tier", type="enumeration", field_type="select", group_name="dealcoach",
        options=[OptionInput(label="A", value="a", hidden=False), OptionInput(label="B", value="b", hidden=False)]))
    assert [o.value for o in core.get_by_name("deals", "dealcoach_tier").options] == ["a", "b"]


def test_default_sales_pipeline(client: Any, api_error: Any) -> None:
    pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert [p.id for p in pipelines] == ["default"]
    stages = pipelines[0].stages
    assert [s.id for s in stages] == ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
                                      "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
    assert stages[0].label == "Appointment Scheduled"
    assert stages[0].metadata == {"isClosed": "false", "probability": "0.2"}
    assert stages[5].metadata == {"isClosed": "true", "probability": "1.0"}
    assert client.crm.pipelines.pipelines_api.get_by_id("deals", "default").label == "Sales Pipeline"
    with api_error(404):
        client.crm.pipelines.pipelines_api.get_by_id("deals", "nope")


def test_japanese_and_custom_pipelines(make_sandbox: Any) -> None:
    enterprise = {"id": "7001", "label": "エンタープライズ", "displayOrder": 1, "stages": [
        {"id": "7001-1", "label": "商談化", "metadata": {"isClosed": "false", "probability": "0.3"}},
        {"id": "7001-2", "label": "受注", "metadata": {"isClosed": "true", "probability": "1.0"}}]}
    sb = make_sandbox(pipelines=[sales_pipeline(japanese=True), enterprise])
    client = sb.client()
    pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert [p.label for p in pipelines] == ["営業パイプライン", "エンタープライズ"]
    assert pipelines[0].stages[5].label == "成約"
    from hubspot.crm.deals import SimplePublicObjectInputForCreate

    deal = client.crm.deals.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
        properties={"dealname": "x", "pipeline": "7001", "dealstage": "7001-2"}))
    got = client.crm.deals.basic_api.get_by_id(deal.id, properties=["hs_is_closed_won"])
    assert got.properties["hs_is_closed_won"] == "true"


def test_owners(client: Any, sandbox: Any, api_error: Any) -> None:
    owners = client.crm.owners.owners_api.get_page().results
    assert [(o.last_name, o.first_name) for o in owners] == [("山田", "太郎"), ("佐藤", "花子")]
    assert owners[0].teams[0].name == "営業一課" and owners[0].type == "PERSON"
    sandbox.seed(owners=[{"email": f"rep{i}@example.co.jp", "firstName": "担当", "lastName": f"{i}号"}
                         for i in range(3)])
    page = client.crm.owners.owners_api.get_page(limit=2)
    assert len(page.results) == 2 and page.paging.next.after == "2"
    rest = client.crm.owners.owners_api.get_page(limit=2, after=page.paging.next.after)
    assert len(rest.results) == 2 and rest.paging.next.after == "4"
    by_email = client.crm.owners.owners_api.get_page(email="hanako.sato@example.co.jp").results
    assert [o.id for o in by_email] == ["75000002"]
    assert client.crm.owners.owners_api.get_by_id(75000001).email == "taro.yamada@example.co.jp"
    assert client.crm.owners.owners_api.get_by_id(9100002, id_property="userId").last_name == "佐藤"
    with api_error(404):
        client.crm.owners.owners_api.get_by_id(1)
