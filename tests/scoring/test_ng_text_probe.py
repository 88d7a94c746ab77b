"""bench.ng_text_probe's counting: held-out NG precision and recall, and the false ids by the call's quality."""

from __future__ import annotations

from bench.ng_text_probe import tally


def test_tally_counts_per_call_and_puts_each_false_id_on_its_calls_quality():
    calls = [
        {"quality": "poor", "labelled": {"a", "b"}},
        {"quality": "excellent", "labelled": set()},
        {"quality": "mixed", "labelled": {"c"}},
    ]
    figures, false_by_quality = tally(calls, [{"a", "x"}, {"y"}, {"c"}])
    assert figures == "P 0.50 R 0.67 (tp 2, fp 2, fn 1)"
    assert false_by_quality == {"poor": 1, "excellent": 1, "mixed": 0}


def test_tally_of_nothing_found_is_zero_not_a_division_error():
    figures, false_by_quality = tally([{"quality": "poor", "labelled": {"a"}}], [set()])
    assert figures == "P 0.00 R 0.00 (tp 0, fp 0, fn 1)"
    assert false_by_quality["poor"] == 0
