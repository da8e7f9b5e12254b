"""Oversized request bodies are refused with our problem+json 413, before they are read.

Two kinds of limit: every endpoint gets the JSON limit (`Settings.max_json_body_bytes`, the API
router's `max_body_size`), which an endpoint that takes a file (or the case batch) raises with its
own `max_body_size`; and no multipart body exceeds `Settings.max_upload_body_bytes`, whichever
endpoint it is sent to. Both are checked by Content-Length before the first byte is read, and
counted while a chunked body arrives. Starlette answers some of these with a plain-text "Content
Too Large"; this middleware puts the problem body in its place.
"""

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.kit.errors import PROBLEM_BASE, PROBLEM_JSON

TOO_LARGE = "Forespørgslen er større end dette endpoint modtager; del filen op eller send mindre."

BODY = json.dumps(
    {
        "type": PROBLEM_BASE + "payload-too-large",
        "title": "Payload too large",
        "status": 413,
        "detail": TOO_LARGE,
        "errors": [{"field": "body", "message": TOO_LARGE}],
    }
).encode()


class BodyTooLargeError(HTTPException):
    """Raised from `receive` when a chunked body passes the limit; rendered as problem+json."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_upload_body_bytes: int) -> None:
        self.app = app
        self.max_upload_body_bytes = max_upload_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if headers.get("content-type", "").startswith("multipart/"):
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_upload_body_bytes:
                await _send_problem(send)  # nothing of the body is read
                return
            receive = _counting(receive, self.max_upload_body_bytes)
        await self.app(scope, receive, _problem_for_plain_413(send))


def _counting(receive: Receive, limit: int) -> Receive:
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLargeError
        return message

    return receive_within_limit


def _problem_for_plain_413(send: Send) -> Send:
    replaced = False

    async def send_problem(message: Message) -> None:
        nonlocal replaced
        if message["type"] == "http.response.start" and _is_plain_413(message):
            replaced = True
            await _send_problem(send)
        elif not replaced:  # the plain-text body is dropped
            await send(message)

    return send_problem


async def _send_problem(send: Send) -> None:
    headers = [(b"content-type", PROBLEM_JSON.encode()),
               (b"content-length", str(len(BODY)).encode())]  # fmt: skip
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


def _is_plain_413(message: Message) -> bool:
    if message["status"] != 413:
        return False
    headers: dict[bytes, bytes] = dict(message.get("headers", []))
    return headers.get(b"content-type", b"").startswith(b"text/plain")
