"""The layout tells the truth: imports run one way, webhooks → sync → connector / scoring, and nothing in the job
path imports a sandbox (docs/architecture.md §2)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("connector", "scoring", "sync", "webhooks")
# package → the first-party packages it may import
ALLOWED = {
    "scoring": {"scoring"},
    "connector": {"connector"},
    "sync": {"sync", "connector", "scoring"},
    "webhooks": {"webhooks", "sync", "connector", "scoring"},
}
# Only the sandboxes themselves and the embedded demo stack may import a sandbox.
SANDBOX_USERS = ("connector.sandbox", "sync.demo")


def imports(path: Path) -> list[str]:
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
    return out


def modules() -> list[tuple[str, Path]]:
    return [(".".join(p.relative_to(ROOT).with_suffix("").parts), p) for pkg in PACKAGES
            for p in sorted((ROOT / pkg).rglob("*.py"))]


def test_imports_run_one_way() -> None:
    wrong = [f"{module} → {name}" for module, path in modules() for name in imports(path)
             if name.split(".")[0] in PACKAGES and name.split(".")[0] not in ALLOWED[module.split(".")[0]]]
    assert not wrong


def test_no_job_path_module_imports_a_sandbox() -> None:
    wrong = [f"{module} → {name}" for module, path in modules() if not module.startswith(SANDBOX_USERS)
             for name in imports(path) if name.startswith("connector.sandbox")]
    assert not wrong


def test_only_the_runtime_and_the_app_factory_read_the_environment() -> None:
    readers = sorted(name for name, path in modules()
                     if not name.startswith("connector.sandbox") and "os.environ" in path.read_text(encoding="utf-8"))
    assert readers == ["sync.runtime", "webhooks.app"]


def test_scoring_top_level_is_pure() -> None:
    """scoring/*.py: transcript in, scorecard out; network, Redis and subprocesses live in scoring/llm and speech."""
    io = ("redis", "requests", "openai", "google", "urllib3", "socket", "subprocess", "httpx")
    wrong = [f"{path.name} → {name}" for path in sorted((ROOT / "scoring").glob("*.py")) for name in imports(path)
             if name.split(".")[0] in io or name.startswith(("scoring.llm", "scoring.speech"))]
    assert not wrong
