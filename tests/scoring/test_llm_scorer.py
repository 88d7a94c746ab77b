"""What leaves for the LLM (redacted text only), quotes mapped back to the original, and choosing the scorer (score_call, llm_from_env)."""

from __future__ import annotations

import json

import openai
import pytest

from scoring.llm.config import llm_from_env
from scoring.llm.scorer import LlmScorer
from scoring.offline import score_transcript
from scoring.rubric import Rubric
from scoring.scorer import LlmNotConfigured, mode_from_env, score_call
from scoring.transcript import Segment, Transcript
from tests.fakes.openai_server import FakeOpenAI, FakeReply, empty_answer

MY_NUMBER = "123456789018"
PII = ("03-1234-5678", "0312345678", "sato@example.co.jp", "4111-1111-1111-1111", "4111111111111111", MY_NUMBER,
       "〒100-0005", "100-0005", "千代田区丸の内1-2-3", "090-9876-5432")

PII_CALL = Transcript(segments=(
    Segment("山田", "本日はありがとうございます。株式会社ミライクラウドの山田と申します、直通は03-1234-5678です。", role="rep"),
    Segment("佐藤", "東和精機の佐藤です。資料はsato@example.co.jpにお願いします。携帯は090-9876-5432です。", role="customer"),
    Segment("佐藤", "支払いは法人カード4111-1111-1111-1111で、担当のマイナンバーは123456789018です。", role="customer"),
    Segment("佐藤", "送付先は〒100-0005 東京都千代田区丸の内1-2-3です。ご予算は年間200万円程度です。", role="customer"),
    Segment("山田", "承知しました。明日までにメールでお見積りをお送りします。", role="rep"),
))


def _pii_answer() -> dict:
    return empty_answer(
        criteria=[{"id": "first_contact.self_introduction.name_title_company", "score": 2,
                   "evidence": [{"quote": "山田と申します、直通は[電話番号1]です。"}], "advice": ""}],
        bant={"budget": {"found": True, "evidence": "ご予算は年間200万円程度です。"},
              "authority": {"found": False, "evidence": ""}, "need": {"found": False, "evidence": ""},
              "timeline": {"found": False, "evidence": ""}},
        commitments=[{"owner": "customer", "text": "[メール1]宛に資料を受け取る", "due": None, "due_hint": "",
                      "evidence": "資料は[メール1]にお願いします。"}],
        email_draft={"subject": "御礼", "body": "[電話番号1]の山田です。資料は[メール1]へお送りします。"},
    )


def _sent(fake: FakeOpenAI) -> str:
    req = fake.completions[0]
    return req.raw.decode() + json.dumps(req.body, ensure_ascii=False)


def test_the_request_carries_no_phone_email_card_my_number_or_address(
        fake: FakeOpenAI, client: openai.OpenAI, rubric: Rubric) -> None:
    offline = score_transcript(PII_CALL, rubric=rubric)
    assert any("03-1234-5678" in e.quote for c in offline.assessed() for e in c.evidence)  # the facts would leak it
    fake.script(FakeReply.content(_pii_answer()))
    card = LlmScorer(client, model="gpt-4o-mini").score(PII_CALL, rubric=rubric, offline=offline)
    sent = _sent(fake)
    for value in PII:
        assert value not in sent
    user = fake.completions[0].message("user")
    for placeholder in ("[電話番号1]", "[電話番号2]", "[メール1]", "[カード番号1]", "[マイナンバー1]", "[郵便番号1]", "[住所1]"):
        assert placeholder in user
    facts = user.split("<<<BEGIN FACTS", 1)[1].split("<<<END FACTS", 1)[0]
    assert "直通は[電話番号1]です" in facts
    assert card.to_dict()["redaction"] == {"enabled": True, "counts": {
        "phone": 2, "email": 1, "card": 1, "my_number": 1, "postal_code": 1, "address": 1}}


def test_quotes_come_back_as_the_original_text_and_free_text_keeps_placeholders(
        fake: FakeOpenAI, client: openai.OpenAI, rubric: Rubric) -> None:
    offline = score_transcript(PII_CALL, rubric=rubric)
    fake.script(FakeReply.content(_pii_answer()), FakeReply.content(_pii_answer()))
    card = LlmScorer(client, model="gpt-4o-mini").score(PII_CALL, rubric=rubric, offline=offline)
    intro = card.criterion("first_contact.self_introduction.name_title_company")
    assert intro.score == 2 and intro.evidence[0].quote == "山田と申します、直通は03-1234-5678です。"
    assert card.commitments[0].evidence == "資料はsato@example.co.jpにお願いします。"
    assert card.commitments[0].text == "[メール1]宛に資料を受け取る"
    assert card.email_draft.body == "[電話番号1]の山田です。資料は[メール1]へお送りします。"
    assert card.to_dict()["flags"] == []

    allowed = LlmScorer(client, model="gpt-4o-mini", restore_pii=True).score(PII_CALL, rubric=rubric, offline=offline)
    assert allowed.email_draft.body == "03-1234-5678の山田です。資料はsato@example.co.jpへお送りします。"


def test_redaction_can_be_turned_off_per_tenant(fake: FakeOpenAI, client: openai.OpenAI, rubric: Rubric) -> None:
    offline = score_transcript(PII_CALL, rubric=rubric)
    fake.script(FakeReply.content(empty_answer()))
    card = LlmScorer(client, model="gpt-4o-mini").score(PII_CALL, rubric=rubric, offline=offline, redact_pii=False)
    user = fake.completions[0].message("user")
    assert "03-1234-5678" in user and "[電話番号1]" not in user
    assert card.to_dict()["redaction"] == {"enabled": False, "counts": {}}


def test_score_call_offline_and_auto_without_llm_are_the_offline_scorer(rubric: Rubric, good_call: Transcript) -> None:
    expected = score_transcript(good_call, rubric=rubric).to_dict()
    assert score_call(good_call, rubric=rubric, mode="offline").to_dict() == expected
    assert score_call(good_call, rubric=rubric, mode="auto", llm=None).to_dict() == expected


def test_score_call_uses_the_llm_in_llm_and_auto_modes(
        fake: FakeOpenAI, client: openai.OpenAI, rubric: Rubric, good_call: Transcript) -> None:
    scorer = LlmScorer(client, model="gpt-4o-mini")
    fake.script(FakeReply.content(empty_answer()), FakeReply.content(empty_answer()))
    assert score_call(good_call, rubric=rubric, mode="llm", llm=scorer).scorer == "llm"
    assert score_call(good_call, rubric=rubric, mode="auto", llm=scorer, redact_pii=False).scorer == "llm"
    assert score_call(good_call, rubric=rubric, mode="offline", llm=scorer).scorer == "offline"
    assert len(fake.completions) == 2


def test_score_call_llm_mode_without_an_llm_is_an_error(rubric: Rubric, good_call: Transcript) -> None:
    with pytest.raises(LlmNotConfigured):
        score_call(good_call, rubric=rubric, mode="llm", llm=None)
    with pytest.raises(ValueError):
        score_call(good_call, rubric=rubric, mode="gpt")  # type: ignore[arg-type]


def test_llm_from_env(fake: FakeOpenAI, rubric: Rubric, good_call: Transcript) -> None:
    assert llm_from_env({}) is None
    default = llm_from_env({"OPENAI_API_KEY": "sk-test"})
    assert default is not None and default.model == "gpt-4o-mini"
    assert default.client.max_retries == 2 and default.client.timeout == 60
    assert str(default.client.base_url).startswith("https://api.openai.com/v1")

    local = llm_from_env({"OPENAI_BASE_URL": fake.url + "/v1", "DEALCOACH_LLM_MODEL": "qwen2.5-32b"})
    assert local is not None and local.model == "qwen2.5-32b"
    fake.script(FakeReply.content(empty_answer()))
    card = score_call(good_call, rubric=rubric, mode="auto", llm=local)
    assert card.scorer == "llm" and card.to_dict()["usage"]["cost_usd"] is None
    assert fake.completions[0].body["model"] == "qwen2.5-32b"


def test_mode_from_env() -> None:
    assert mode_from_env({}) == "offline"
    assert mode_from_env({"DEALCOACH_SCORER": "AUTO"}) == "auto"
    with pytest.raises(ValueError):
        mode_from_env({"DEALCOACH_SCORER": "magic"})
