"""A local OpenAI-compatible Chat Completions server for tests: records every request and answers from a script.

The real `openai` client talks to it over HTTP (`OpenAI(base_url=fake.url + "/v1", api_key="test")`), so its
retries, headers and error classes are exercised for real. Scripted replies cover the failure modes the LLM
scorer must survive: refusals, malformed JSON, truncated output, 429 with `retry-after`, 500 and
context-length errors. Wire format: https://platform.openai.com/docs/api-reference/chat/create
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.wrappers import Request, Response

from connector.sandbox.server import ServerThread


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer: an HTTP status, headers and a JSON (or raw text) body."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None

    @classmethod
    def content(cls, content: Any, *, prompt_tokens: int = 1200, completion_tokens: int = 300,
                finish_reason: str = "stop") -> "FakeReply":
        """A completion whose message content is `content` (a dict/list is JSON-encoded, a str sent as is)."""
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        return cls(body=_completion(text, None, finish_reason, prompt_tokens, completion_tokens))

    @classmethod
    def refusal(cls, text: str = "I'm sorry, I can't help with that.", *, prompt_tokens: int = 1200) -> "FakeReply":
        """A structured-outputs refusal: `content` null, `message.refusal` set."""
        return cls(body=_completion(None, text, "stop", prompt_tokens, 12))

    @classmethod
    def malformed(cls, text: str = '{"criteria": [{"id": "x", "score": 2,', **kw: Any) -> "FakeReply":
        """A completion whose content is not valid JSON."""
        return cls.content(text, **kw)

    @classmethod
    def truncated(cls, text: str = '{"criteria": [', **kw: Any) -> "FakeReply":
        """Output cut off at the token limit (`finish_reason: length`)."""
        return cls.content(text, finish_reason="length", **kw)

    @classmethod
    def rate_limited(cls, *, retry_after: str | None = "0.01", retry_after_ms: str | None = None) -> "FakeReply":
        """HTTP 429 as OpenAI sends it, with `retry-after` (seconds) and/or `retry-after-ms`."""
        headers = {}
        if retry_after is not None:
            headers["retry-after"] = retry_after
        if retry_after_ms is not None:
            headers["retry-after-ms"] = retry_after_ms
        return cls(status=429, headers=headers, body=_error("Rate limit reached for requests", "requests", "rate_limit_exceeded"))

    @classmethod
    def server_error(cls, status: int = 500, *, retry_after_ms: str | None = "10") -> "FakeReply":
        """An internal error (the client retries these; a short `retry-after-ms` keeps tests fast)."""
        headers = {"retry-after-ms": retry_after_ms} if retry_after_ms is not None else {}
        return cls(status=status, headers=headers,
                   body=_error("The server had an error while processing your request.", "server_error", None))

    @classmethod
    def context_length_exceeded(cls) -> "FakeReply":
        """HTTP 400 `context_length_exceeded`, as OpenAI answers a prompt that is too long."""
        return cls(status=400, body=_error(
            "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
            "invalid_request_error", "context_length_exceeded", param="messages"))

    @classmethod
    def garbage(cls, text: str = "<html>502 Bad Gateway</html>") -> "FakeReply":
        """A 200 whose body is not JSON at all (a misbehaving proxy)."""
        return cls(raw=text, headers={"content-type": "application/json"})


def empty_answer(**overrides: Any) -> dict[str, Any]:
    """A schema-complete scorer answer that asserts nothing; tests override the parts they care about."""
    answer: dict[str, Any] = {
        "criteria": [],
        "bant": {k: {"found": False, "evidence": ""} for k in ("budget", "authority", "need", "timeline")},
        "next_step": {"set": False, "when": "", "evidence": ""},
        "commitments": [],
        "ng_behaviors": [],
        "deal_state": None,
        "next_actions": [],
        "email_draft": {"subject": "", "body": ""},
    }
    answer.update(overrides)
    return answer


def _completion(content: str | None, refusal: str | None, finish_reason: str, prompt_tokens: int,
                completion_tokens: int) -> dict[str, Any]:
    return {
        "object": "chat.completion",
        "created": int(time.time()),
        "choices": [{"index": 0, "finish_reason": finish_reason, "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": refusal}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def _error(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


@dataclass(frozen=True)
class RecordedRequest:
    """What the client sent: path, headers and the decoded JSON body."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages") or [])

    def message(self, role: str) -> str:
        """The text of the first message with this role."""
        return next((str(m.get("content") or "") for m in self.messages if m.get("role") == role), "")


Responder = Callable[[RecordedRequest], FakeReply]


class FakeOpenAI:
    """The fake server: `script(...)` queues replies in order; `responder` answers when the queue is empty."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.requests: list[RecordedRequest] = []
        self.responder = responder
        self._script: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._thread = ServerThread(self._wsgi)

    @property
    def url(self) -> str:
        """Base URL (append `/v1` for the openai client)."""
        return self._thread.url

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *replies: FakeReply) -> None:
        """Answer the next requests with these replies, in order."""
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        """Forget recorded requests and pending replies."""
        with self._lock:
            self.requests.clear()
            self._script.clear()

    @property
    def completions(self) -> list[RecordedRequest]:
        """Recorded Chat Completions requests."""
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def _next_reply(self, req: RecordedRequest) -> FakeReply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        if self.responder is not None:
            return self.responder(req)
        return FakeReply(status=500, body=_error("fake server: no scripted reply left", "server_error", None),
                         headers={"x-should-retry": "false"})

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        raw = request.get_data()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        recorded = RecordedRequest(method=request.method, path=request.path, headers=dict(request.headers), body=body, raw=raw)
        with self._lock:
            self.requests.append(recorded)
        if request.path == "/v1/models" and request.method == "GET":
            return Response(json.dumps({"object": "list", "data": []}), mimetype="application/json")(environ, start_response)
        if request.path != "/v1/chat/completions" or request.method != "POST":
            response = Response(json.dumps(_error(f"Unknown request URL: {request.method} {request.path}",
                                                  "invalid_request_error", "unknown_url")), status=404,
                                mimetype="application/json")
            return response(environ, start_response)
        reply = self._next_reply(recorded)
        if reply.raw is not None:
            text = reply.raw
        else:
            payload = dict(reply.body or {})
            if reply.status == 200 and "choices" in payload:
                payload = {"id": f"chatcmpl-fake-{next(self._ids)}", **payload, "model": (body or {}).get("model", "")}
            text = json.dumps(payload, ensure_ascii=False)
        response = Response(text, status=reply.status, mimetype="application/json")
        for name, value in reply.headers.items():
            response.headers[name] = value
        response.headers.setdefault("x-request-id", f"req_fake_{len(self.requests)}")
        return response(environ, start_response)
