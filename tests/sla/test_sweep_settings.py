"""`rubrics/sweep.yaml`: the packaged settings load, and a bad value is refused naming the file and the key."""

from __future__ import annotations

import pytest

from scoring.yaml_data import RubricError
from sync.sweep_settings import SweepSettings, parse_sweep_settings, sweep_settings

GOOD = {"version": 1, "full_read_hours": 24, "search_lag_overlap_s": 300, "cache_ttl_hours": 48}


def test_packaged_settings_load() -> None:
    assert sweep_settings("") == SweepSettings(full_read_s=86400, overlap_s=300, ttl_s=172800)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"full_read_hours": 0}, "sweep.yaml: full_read_hours: must be positive"),
        ({"search_lag_overlap_s": -1}, "sweep.yaml: search_lag_overlap_s: must not be negative"),
        ({"cache_ttl_hours": 24}, "sweep.yaml: cache_ttl_hours: must exceed full_read_hours"),
        ({"search_lag_overlap_s": "5m"}, "sweep.yaml: search_lag_overlap_s: must be"),
        ({"full_read_days": 1}, "sweep.yaml: full_read_days: unknown key"),
    ],
)
def test_bad_settings_name_the_file_and_key(change: dict[str, object], message: str) -> None:
    with pytest.raises(RubricError, match=message):
        parse_sweep_settings({**GOOD, **change})
