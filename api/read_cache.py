"""Reads computed once per data version (api.data_version) and served from memory until the
version moves: progress, the plan tree, the calendar, the committee report.

The version is read in one cheap query on every request, so several processes on one
database stay right: each keeps its own copy and recomputes once after any write. The answer
carries an ETag made of the version and the read's key; a client that sends it back in
If-None-Match gets 304 while nothing has changed (the staff app's browser does so by itself,
as the answer says `Cache-Control: private, no-cache`).
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from api.data_version import current_version

MAX_ENTRIES = 256  # (read, plan, date) combinations kept; the least recently used goes first
REVALIDATE = "private, no-cache"
NOT_MODIFIED = {304: {"description": "Unchanged since the ETag sent in If-None-Match."}}


class ReadCache:
    """JSON bodies by key, each with the data version it was computed at."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: int) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, version: int, body: bytes) -> None:
        with self._lock:
            self._entries[key] = (version, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


def cached_json(
    request: Request,
    session: Session,
    key: tuple[Hashable, ...],
    model: type[BaseModel],
    compute: Callable[[], Any],
    *,
    etag: bool = True,
) -> Response:
    """The read's JSON at the current data version: from memory when computed at it, else
    computed (as `model`, as FastAPI would serialise it) and kept. With `etag`, a 304 for a
    client that has it already; without, the route's own ETag (a version for If-Match)."""

    def body() -> bytes:
        return _adapter(model).dump_json(_adapter(model).validate_python(compute()), by_alias=True)

    return cached_body(request, session, key, body, "application/json", etag=etag)


def cached_body(
    request: Request,
    session: Session,
    key: tuple[Hashable, ...],
    render: Callable[[], bytes],
    media_type: str,
    *,
    etag: bool = True,
    headers: dict[str, str] | None = None,
) -> Response:
    """A read's rendered body (JSON, a report's HTML or workbook) at the current data version,
    rendered once per version and `key`; with `etag`, a 304 for a client that has it."""
    version = current_version(session)
    tag = f'"data-{version}-{hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()}"'
    headers = dict(headers or {})
    if etag:
        headers |= {"ETag": tag, "Cache-Control": REVALIDATE}
        if _matches(request.headers.get("if-none-match"), tag):
            return Response(status_code=304, headers=headers)
    cache: ReadCache = request.app.state.read_cache
    body = cache.get(key, version)
    if body is None:
        body = render()
        cache.put(key, version, body)
    return Response(body, media_type=media_type, headers=headers)


def _matches(if_none_match: str | None, tag: str) -> bool:
    if not if_none_match:
        return False
    tags = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return tag in tags or "*" in tags


_adapters: dict[type[BaseModel], TypeAdapter[Any]] = {}


def _adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    if model not in _adapters:
        _adapters[model] = TypeAdapter(model)
    return _adapters[model]
