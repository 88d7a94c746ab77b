"""Shared loading and typed access for the YAML data in `rubrics/`, so every data error names its file and key path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")


class RubricError(ValueError):
    """A rubric or stage map that cannot be used; the message names the file and the key path."""


class YamlReader:
    """Typed access to parsed YAML that raises RubricError with `file: key.path: problem`."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, path: str, problem: str) -> RubricError:
        return RubricError(f"{self.filename}: {path}: {problem}" if path else f"{self.filename}: {problem}")

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "must be a mapping")
        for k in value:
            if k not in allowed:
                raise self.fail(f"{path}.{k}" if path else str(k), "unknown key")
        return value

    def get(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        where = f"{path}.{key}" if path else key
        if key not in d or d[key] is None:
            if required:
                raise self.fail(where, "missing")
            return default
        value = d[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise self.fail(where, f"must be {_kind_name(kind)}")
        if isinstance(value, str) and not value.strip():
            raise self.fail(where, "must not be empty")
        return value

    def slug(self, d: dict[str, Any], key: str, path: str, *, prefix: str = "") -> str:
        value = self.get(d, key, path, str)
        if not SLUG_RE.match(value):
            raise self.fail(f"{path}.{key}", f"{value!r} is not a lowercase dotted slug")
        if prefix and not value.startswith(prefix + "."):
            raise self.fail(f"{path}.{key}", f"{value!r} must start with {prefix + '.'!r}")
        return value

    def strings(self, d: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        value = self.get(d, key, path, list, required=False, default=[])
        for i, s in enumerate(value):
            if not isinstance(s, str) or not s.strip():
                raise self.fail(f"{path}.{key}[{i}]", "must be a non-empty string")
        return tuple(value)

    def list_of(self, d: dict[str, Any], key: str, path: str, *, required: bool = True) -> list[Any]:
        value = self.get(d, key, path, list, required=required, default=[])
        if required and not value:
            raise self.fail(f"{path}.{key}", "must not be empty")
        return value


_KIND_NAMES = {
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(
        dict.fromkeys(_KIND_NAMES.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
    )


def load_yaml(path: Path) -> Any:
    """Parse a YAML data file; unreadable files and syntax errors become RubricError naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError(f"{path.name}: file not found in {path.parent}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"{path.name}: cannot read: {exc}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RubricError(f"{path.name}: {where}invalid YAML: {problem}") from None
