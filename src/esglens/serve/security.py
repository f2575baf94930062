"""The server's guard rails, as one ASGI middleware around the whole app.

- Host check: on loopback only ``Host: 127.0.0.1 / localhost / [::1]`` is served, so a web page
  elsewhere cannot reach this server through DNS rebinding (a name it controls resolving to
  127.0.0.1).
- Origin check: a POST whose ``Origin`` is another site is refused (cross-site form uploads).
- Token (``--token``): required on every request except /api/health and /static; a browser
  opens ``/?token=T`` once and gets an HttpOnly, SameSite=Strict cookie; scripts send
  ``Authorization: Bearer T``.
- Body limit: a request body past the upload cap is cut off with 413, whether or not it sent
  a Content-Length, before it is written anywhere.
- Headers: a Content-Security-Policy that allows no inline script, no other origin and no
  framing, so even text that slipped past escaping could not run.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["Guardrails", "LOOPBACK_HOSTS"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
COOKIE = "esglens_token"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_OPEN_PATHS = ("/api/health", "/static/")


class _TooLarge(Exception):
    """The request body passed the limit."""


def _host_name(value: str) -> str:
    """"127.0.0.1:8000" -> "127.0.0.1", "[::1]:80" -> "::1"."""
    return (urlsplit(f"//{value}").hostname or "").lower()


async def _reply(send: Send, status: int, body: dict[str, Any],
                 headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()),
                            *HEADERS, *headers]})
    await send({"type": "http.response.body", "body": data})


class Guardrails:
    """Wrap ``app``: host and origin checks, the token, the body limit and security headers."""

    def __init__(self, app: ASGIApp, *, max_body: int, token: str | None = None,
                 allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS) -> None:
        self.app, self.max_body, self.token, self.allowed_hosts = app, max_body, token, allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        host = headers.get("host", "")
        if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
            names = ", ".join(sorted(self.allowed_hosts))
            await _reply(send, 400, {"error": f"this server answers to {names} only"})
            return
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and headers.get("origin") not in (None, "null") \
                and urlsplit(headers["origin"]).netloc.lower() != host.lower():
            await _reply(send, 403, {"error": "cross-site request refused"})
            return
        if self.token and not scope["path"].startswith(_OPEN_PATHS):
            if await self._token_redirect(scope, send):
                return
            if not self._authorised(headers):
                await _reply(send, 401, {"error": "this server needs its token: open it with ?token=… "
                                                  "or send 'Authorization: Bearer …'"})
                return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            await _reply(send, 413, {"error": f"the request is over the {self.max_body >> 20} MB limit"},
                         [(b"connection", b"close")])
            return
        await self._limited(scope, receive, send)

    def _authorised(self, headers: dict[str, str]) -> bool:
        assert self.token is not None
        given = headers.get("authorization", "").removeprefix("Bearer ").strip()
        cookies = dict(part.strip().split("=", 1)
                       for part in headers.get("cookie", "").split(";") if "=" in part)
        return any(hmac.compare_digest(v.encode(), self.token.encode())
                   for v in (given, cookies.get(COOKIE, "")) if v)

    async def _token_redirect(self, scope: Scope, send: Send) -> bool:
        """``GET /page?token=T``: set the cookie and redirect to the URL without the token."""
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = [v for k, v in query if k == "token"]
        assert self.token is not None
        if scope["method"] != "GET" or not given \
                or not hmac.compare_digest(given[0].encode(), self.token.encode()):
            return False
        rest = urlencode([(k, v) for k, v in query if k != "token"])
        location = scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send({"type": "http.response.start", "status": 303,
                    "headers": [(b"location", location.encode("latin-1", "replace")),
                                (b"set-cookie", cookie.encode("latin-1")), (b"content-length", b"0"),
                                *HEADERS]})
        await send({"type": "http.response.body", "body": b""})
        return True

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app with the body counted (413 past the limit) and the headers added."""
        seen, started, too_large = 0, False, False

        async def counted() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    too_large = True
                    raise _TooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if too_large:  # the app turned our exception into its own error: answer 413 instead
                return
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        try:
            await self.app(scope, counted, with_headers)
        except _TooLarge:
            too_large = True
        if too_large and not started:
            await _reply(send, 413, {"error": f"the request is over the {self.max_body >> 20} MB limit"},
                         [(b"connection", b"close")])
