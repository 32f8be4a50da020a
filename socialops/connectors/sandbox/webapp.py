"""Route WSGI requests to small JSON handlers (the sandbox needs no web framework)."""

from __future__ import annotations

import http
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024 * 1024

StartResponse = Callable[..., Any]


class HttpError(Exception):
    """Abort a handler with an HTTP status and a JSON error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "error",
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}
        self.extra = extra or {}


@dataclass
class Request:
    """Carry what a handler needs from the WSGI environ."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    host_url: str
    context: dict[str, Any] = field(default_factory=dict)

    def json(self) -> dict[str, Any]:
        """Parse the body as a JSON object (an empty body is an empty object)."""
        if not self.body:
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise HttpError(400, f"Body is not valid JSON: {exc}", code="bad_json") from exc
        if not isinstance(data, dict):
            raise HttpError(400, "Body must be a JSON object", code="bad_json")
        return data

    def header(self, name: str) -> str | None:
        """Return a header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """Describe a handler's answer: JSON data (or raw bytes) plus headers."""

    data: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request, dict[str, str]], Response]
Middleware = Callable[[Request, Handler, dict[str, str]], Response]


def _compile(pattern: str) -> re.Pattern[str]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{regex}$")


class Router:
    """Dispatch requests by method and path pattern ("/v1/posts/{id}") to handlers."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._middleware: list[tuple[str, Middleware]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        """Register a handler."""
        self._routes.append((method.upper(), _compile(pattern), handler))

    def wrap(self, prefix: str, middleware: Middleware) -> None:
        """Run `middleware` around every handler whose path starts with `prefix`."""
        self._middleware.append((prefix, middleware))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            request = _request_from(environ)
            response = self._dispatch(request)
        except HttpError as exc:
            body = {"error": {"code": exc.code, "message": exc.message, **exc.extra}}
            response = Response(body, exc.status, exc.headers)
        except Exception:
            logger.exception("sandbox handler failed")
            response = Response({"error": {"code": "internal", "message": "Internal error"}}, 500)
        return _send(response, start_response)

    def _dispatch(self, request: Request) -> Response:
        allowed = False
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match is None:
                continue
            allowed = True
            if method == request.method:
                return self._run(request, handler, match.groupdict())
        if allowed:
            raise HttpError(405, f"{request.method} not allowed here", code="method_not_allowed")
        raise HttpError(404, f"No route for {request.path}", code="not_found")

    def _run(self, request: Request, handler: Handler, params: dict[str, str]) -> Response:
        chain = handler
        for prefix, middleware in reversed(self._middleware):
            if request.path.startswith(prefix):
                chain = _bind(middleware, chain)
        return chain(request, params)


def _bind(middleware: Middleware, inner: Handler) -> Handler:
    def bound(request: Request, params: dict[str, str]) -> Response:
        return middleware(request, inner, params)

    return bound


def _request_from(environ: dict[str, Any]) -> Request:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise HttpError(413, "Body too large", code="too_large")
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
    return Request(
        method=environ["REQUEST_METHOD"].upper(),
        path=environ.get("PATH_INFO") or "/",
        query=dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
        headers=headers,
        body=body,
        host_url=f"{scheme}://{host}",
    )


def _send(response: Response, start_response: StartResponse) -> list[bytes]:
    if isinstance(response.data, bytes):
        payload = response.data
        content_type = response.headers.pop("Content-Type", "application/octet-stream")
    else:
        payload = json.dumps(response.data).encode()
        content_type = "application/json"
    status = f"{response.status} {http.HTTPStatus(response.status).phrase}"
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(payload))),
        *response.headers.items(),
    ]
    start_response(status, headers)
    return [payload]
