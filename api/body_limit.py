"""A request body over a route's `max_body_size` gets our problem+json, not plain text.

FastAPI refuses such a body while it arrives (before it is spooled to disk), but answers with
Starlette's plain-text "Content Too Large"; this middleware puts the problem body in its place.
"""

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PROBLEM_BASE, PROBLEM_JSON

BODY = json.dumps(
    {
        "type": PROBLEM_BASE + "payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": "The request body is larger than this endpoint accepts; split the file.",
        "errors": [{"field": "file", "message": "too large"}],
    }
).encode()


class ProblemForTooLargeMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_problem(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and _is_plain_413(message):
                replaced = True
                headers = [(b"content-type", PROBLEM_JSON.encode()),
                           (b"content-length", str(len(BODY)).encode())]  # fmt: skip
                await send({"type": "http.response.start", "status": 413, "headers": headers})
                await send({"type": "http.response.body", "body": BODY})
            elif not replaced:  # the plain-text body is dropped
                await send(message)

        await self.app(scope, receive, send_problem)


def _is_plain_413(message: Message) -> bool:
    if message["status"] != 413:
        return False
    headers = dict(message.get("headers", []))
    return headers.get(b"content-type", b"").startswith(b"text/plain")
