"""PII redaction: what is caught, what is left alone, stable placeholders and exact restoration."""

from __future__ import annotations

import pytest

from scoring.redact import find_pii, luhn_ok, my_number_ok, redact
from scoring.transcript import Segment, Transcript


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(text[s:e], kind) for s, e, kind in find_pii(text)]


def _valid_my_number(body: str) -> str:
    return next(body + str(d) for d in range(10) if my_number_ok(body + str(d)))


@pytest.mark.parametrize("text, value", [
    ("電話は03-1234-5678です", "03-1234-5678"),
    ("携帯は090-1234-5678まで", "090-1234-5678"),
    ("会社は０３－１２３４－５６７８です", "０３－１２３４－５６７８"),
    ("03ー1234ー5678におかけください", "03ー1234ー5678"),
    ("+81 90-1234-5678 がWhatsAppです", "+81 90-1234-5678"),
    ("+81-3-1234-5678", "+81-3-1234-5678"),
    ("(03)1234-5678", "(03)1234-5678"),
    ("0312345678に", "0312345678"),
    ("フリーダイヤル0120-123-456", "0120-123-456"),
])
def test_japanese_phone_formats(text: str, value: str) -> None:
    assert _kinds(text) == [(value, "phone")]


@pytest.mark.parametrize("text", [
    "2024-03-15に伺います", "30%削減、月20時間", "売上は1,200,000円", "予算は300万円、2025年4月から",
    "社員は120-150名ほど", "内線は1234です", "3月12日の14時から",
])
def test_dates_amounts_and_short_numbers_are_not_pii(text: str) -> None:
    assert find_pii(text) == []


def test_email_including_full_width() -> None:
    assert _kinds("メールはtaro.yamada@example.co.jpまで") == [("taro.yamada@example.co.jp", "email")]
    assert _kinds("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍです") == [("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email")]


def test_card_numbers_are_luhn_checked() -> None:
    assert _kinds("カードは4111 1111 1111 1111です") == [("4111 1111 1111 1111", "card")]
    assert _kinds("5555-5555-5555-4444で") == [("5555-5555-5555-4444", "card")]
    assert _kinds("3782 822463 10005") == [("3782 822463 10005", "card")]
    assert _kinds("４１１１１１１１１１１１１１１１") == [("４１１１１１１１１１１１１１１１", "card")]
    assert _kinds("4111 1111 1111 1111 2枚目") == [("4111 1111 1111 1111", "card")]
    assert find_pii("注文番号4111 1111 1111 1112") == []
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")


def test_my_number_needs_its_check_digit() -> None:
    number = _valid_my_number("12345678901")
    assert number == "123456789018"
    assert _kinds(f"マイナンバーは{number}です") == [(number, "my_number")]
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    assert _kinds(f"番号は{spaced}です") == [(spaced, "my_number")]
    wrong = number[:11] + str((int(number[11]) + 1) % 10)
    assert find_pii(f"番号は{wrong}です") == []


def test_postal_codes_and_addresses() -> None:
    text = "〒100-0005 東京都千代田区丸の内1-2-3 丸の内ビル5階"
    assert _kinds(text) == [("〒100-0005", "postal_code"), ("東京都千代田区丸の内1-2-3", "address")]
    assert _kinds("本社は大阪府大阪市北区梅田1丁目1番3号です") == [("大阪府大阪市北区梅田1丁目1番3号", "address")]
    assert _kinds("神奈川県横浜市にある本社") == [("神奈川県横浜市", "address")]
    assert _kinds("渋谷区道玄坂2-10-7に移転") == [("渋谷区道玄坂2-10-7", "address")]
    assert _kinds("郵便番号は060-0001です") == [("060-0001", "postal_code")]
    assert find_pii("東京都内の企業") == [] and find_pii("東京都の町工場") == [] and find_pii("センターの方") == []


CALL = Transcript(segments=(
    Segment("山田", "お電話は03-1234-5678、メールはsato@example.co.jpにお願いします。", role="rep"),
    Segment("佐藤", "03-1234-5678は代表番号です。カードは4111-1111-1111-1111で。", role="customer"),
    Segment("佐藤", "マイナンバーは123456789018、住所は〒100-0005 東京都千代田区丸の内1-2-3です。", role="customer"),
))


def test_placeholders_are_stable_per_value_and_numbered_per_kind() -> None:
    redacted, red = redact(CALL)
    assert redacted.segments[0].text == "お電話は[電話番号1]、メールは[メール1]にお願いします。"
    assert redacted.segments[1].text == "[電話番号1]は代表番号です。カードは[カード番号1]で。"
    assert redacted.segments[2].text == "マイナンバーは[マイナンバー1]、住所は[郵便番号1] [住所1]です。"
    assert red.counts() == {"phone": 1, "email": 1, "card": 1, "my_number": 1, "postal_code": 1, "address": 1}
    assert redacted.segments[0].speaker == "山田" and redacted.segments[0].role == "rep"


def test_restore_gives_back_the_exact_original() -> None:
    redacted, red = redact(CALL)
    for before, after in zip(CALL.segments, redacted.segments, strict=True):
        assert red.restore(after.text) == before.text
    assert red.restore("[電話番号9]は未知") == "[電話番号9]は未知"


def test_english_transcripts_get_english_placeholders() -> None:
    call = Transcript(segments=(Segment("Alex", "Call me on 090-1234-5678 or mail alex@example.com."),), language="en")
    redacted, _ = redact(call)
    assert redacted.segments[0].text == "Call me on [PHONE_1] or mail [EMAIL_1]."


def test_a_placeholder_already_in_the_transcript_is_never_reused() -> None:
    call = Transcript(segments=(Segment("A", "[電話番号1]と書かれた紙に03-1234-5678とあります"),))
    redacted, red = redact(call)
    assert redacted.segments[0].text == "[電話番号1]と書かれた紙に[電話番号2]とあります"
    assert red.restore(redacted.segments[0].text) == call.segments[0].text


def test_disabled_redaction_passes_the_transcript_through() -> None:
    redacted, red = redact(CALL, enabled=False)
    assert redacted is CALL and not red.enabled and len(red) == 0
    assert red.restore("[電話番号1]") == "[電話番号1]"


def test_redact_excerpt_masks_a_value_cut_at_the_edge() -> None:
    _, red = redact(CALL)
    text = CALL.segments[0].text
    cut = text.index("5678")
    assert red.redact_excerpt(0, 0, cut, text) == "お電話は[電話番号1]"
    assert red.redact_excerpt(0, 0, len(text), text) == "お電話は[電話番号1]、メールは[メール1]にお願いします。"
