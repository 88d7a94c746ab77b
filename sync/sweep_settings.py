"""The incremental sweep's settings (`rubrics/sweep.yaml`): how often a full read, the search-lag overlap, the TTL."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rubrics
from scoring.yaml_data import YamlReader, load_yaml


@dataclass(frozen=True)
class SweepSettings:
    """When the cache must give way to a full read, how far back each delta reaches, how long the cache lives."""

    full_read_s: int = 24 * 3600
    overlap_s: int = 300
    ttl_s: int = 48 * 3600


def parse_sweep_settings(data: Any, filename: str = "sweep.yaml") -> SweepSettings:
    """Validate the mapping; RubricError names the file and the key."""
    r = YamlReader(filename)
    d = r.mapping(data, "", {"version", "full_read_hours", "search_lag_overlap_s", "cache_ttl_hours"})
    full = r.get(d, "full_read_hours", "", (int, float))
    overlap = r.get(d, "search_lag_overlap_s", "", int)
    ttl = r.get(d, "cache_ttl_hours", "", (int, float))
    if full <= 0:
        raise r.fail("full_read_hours", "must be positive")
    if overlap < 0:
        raise r.fail("search_lag_overlap_s", "must not be negative")
    if ttl <= full:
        raise r.fail("cache_ttl_hours", "must exceed full_read_hours")
    return SweepSettings(full_read_s=int(full * 3600), overlap_s=overlap, ttl_s=int(ttl * 3600))


@functools.lru_cache(maxsize=4)
def sweep_settings(path: str = "") -> SweepSettings:
    """The settings, parsed once per process: the file at `path` (the runtime's `DEALCOACH_SWEEP_SETTINGS`, for the
    benchmark's back-to-back sweeps), else the packaged `rubrics/sweep.yaml`."""
    p = Path(path) if path else Path(rubrics.__file__).parent / "sweep.yaml"
    return parse_sweep_settings(load_yaml(p), p.name)
