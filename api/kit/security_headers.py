"""Security headers on every response, as plain ASGI (no per-request task overhead).

Personal data is never stored by a cache: a route that needs a personal or admin permission
(or is marked `private()`, like /auth/me) puts NO_STORE in the request's scope, and every
answer of that request, a download or an error included, gets `Cache-Control: no-store`. Tied
to the permission rather than to a list of paths, a new personal-data route is covered too.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The SPA is served from our own origin and needs nothing else; the API docs load Swagger UI
# and ReDoc from our own /docs/assets (a Python package's files), with their inline start-up
# script and ReDoc's worker.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
NO_STORE = "erhverv.no_store"
# A year; sent only when ERHVERV_PUBLIC_URL is https, so it never pins a plain-HTTP test host.
HSTS = (b"strict-transport-security", b"max-age=31536000")

COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.common = [*COMMON, HSTS] if hsts else COMMON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else APP_CSP
        extra = [*self.common, (b"content-security-policy", csp.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *extra]
                # Set by the route's permission check, by now (the router shares this scope).
                if scope.get(NO_STORE):
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
