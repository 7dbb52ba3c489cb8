"""The dashboard has no login, so it defends what a local service must:

- **who may name it**: a ``Host`` allow-list (Starlette's ``TrustedHostMiddleware``,
  installed by :func:`install`): a foreign web page that rebinds its own DNS name to
  127.0.0.1 sends its own name as ``Host`` and gets 400;
- **who may change things**: an unsafe method (POST, PUT, PATCH, DELETE) whose
  ``Origin`` (or, without one, ``Sec-Fetch-Site``) says another site sent it gets 403, so
  a page elsewhere cannot post quiz answers in the learner's name. Clients that are not
  browsers send neither header and are let through;
- **what a page may load**: a content security policy of ``default-src 'self'`` (no
  inline script or style, nothing from the network; ``data:`` images for the server's
  figures), ``frame-ancestors 'none'``, ``nosniff``, no referrer.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.middleware.trustedhost import TrustedHostMiddleware

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def cross_origin(method: str, headers: Headers, scheme: str) -> str | None:
    """Why an unsafe request comes from another site, or ``None`` if it does not."""
    if method.upper() not in UNSAFE_METHODS:
        return None
    origin = headers.get("origin")
    host = headers.get("host", "")
    if origin is not None:
        if origin == "null":
            # Chromium sends "Origin: null" with a page's own form POST when the page's
            # referrer policy is no-referrer (ours); Sec-Fetch-Site, which no page can set,
            # then tells a same-origin form from a sandboxed or foreign one
            if headers.get("sec-fetch-site") == "same-origin":
                return None
            return "the request has an opaque origin"
        expected = {f"{scheme}://{host}", f"http://{host}", f"https://{host}"}
        if origin.rstrip("/") not in expected:
            return f"origin {origin} is not this server ({host})"
        return None
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"the browser says the request comes from a {site} page"
    return None


class SecurityMiddleware:
    """Same-origin check for unsafe methods and the security headers on every response
    (a plain ASGI middleware: it leaves streamed responses such as server-sent events
    streaming)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reason = cross_origin(scope["method"], Headers(scope=scope), scope.get("scheme", "http"))
        if reason is not None:
            await self._forbidden(reason, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _forbidden(reason: str, send) -> None:
        body = json.dumps({"detail": f"cross-origin request refused: {reason}"}).encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]
                    + SECURITY_HEADERS})
        await send({"type": "http.response.body", "body": body})


def install(app, allowed_hosts: list[str]) -> None:
    """Add the middlewares; the Host check runs first (outermost)."""
    app.add_middleware(SecurityMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)
