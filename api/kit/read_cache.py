"""Reads computed once per data version (api.kit.data_version) and served from memory until the
version moves: progress, the plan tree, the calendar, the committee report.

The version is read on every request, so several processes on one database stay right: each
keeps its own copy and recomputes once after any write. It is read together with the caller
(api.auth.deps reads it beside the token or session, for every GET), so a read served from
memory costs one visit to the database and one to the thread pool, and its route (async) none
of its own. The answer carries an ETag made of the version and the read's key; a client that
sends it back in If-None-Match gets 304 while nothing has changed (the staff app's browser
does so by itself, as the answer says `Cache-Control: private, no-cache`).

A miss is computed in the thread pool on the request's session, at the version read in that
session's own transaction, never at an older one; requests that miss the same key at once
wait for one computation rather than each doing it.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from anyio import to_thread
from fastapi import Request, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session

from api.kit.data_version import current_version

MAX_ENTRIES = 256  # (read, plan, date) combinations kept; the least recently used goes first
REVALIDATE = "private, no-cache"
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Unchanged since the ETag sent in If-None-Match."}
}
_VERSION = "erhverv_data_version"  # in the request's scope: the version read with its caller


@dataclass(frozen=True, slots=True)
class Rendered:
    """A read's body and the headers that belong to it (a plan tree's own ETag)."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class ReadCache:
    """Rendered reads by key, each with the data version it was computed at."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Hashable, tuple[int, Rendered]] = OrderedDict()
        self._max = max_entries
        self._lock = threading.Lock()
        # Bounded: keys that share a stripe wait for each other, which the GIL makes cheap.
        self._stripes = [threading.Lock() for _ in range(16)]

    def get(self, key: Hashable, version: int) -> Rendered | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, version: int, rendered: Rendered) -> None:
        with self._lock:
            self._entries[key] = (version, rendered)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def computing(self, key: Hashable) -> threading.Lock:
        """The lock held while `key` is computed: the others that miss it wait for it."""
        return self._stripes[hash(key) % len(self._stripes)]

    def render(
        self, session: Session, key: Hashable, render: Callable[[], Rendered]
    ) -> tuple[int, Rendered]:
        """`key` at the version `session` reads: from memory, or rendered and kept."""
        version = current_version(session)
        with self.computing(key):
            rendered = self.get(key, version)
            if rendered is None:
                rendered = render()
                self.put(key, version, rendered)
        return version, rendered


def remember_version(request: Request, version: int) -> None:
    """The data version read with the caller (api.auth.deps), for a cached read to answer at."""
    request.scope[_VERSION] = version


async def cached_json(
    request: Request,
    session: Session,
    key: tuple[Hashable, ...],
    model: type[BaseModel],
    compute: Callable[[], Any],
    *,
    etag: bool = True,
    headers_of: Callable[[Any], Mapping[str, str]] | None = None,
) -> Response:
    """The read's JSON at the current data version: from memory when computed at it, else
    computed (as `model`, as FastAPI would serialise it) and kept. With `etag`, a 304 for a
    client that has it already; without, `headers_of` the computed value may give its own."""

    def render() -> Rendered:
        value = compute()
        body = _adapter(model).dump_json(_adapter(model).validate_python(value), by_alias=True)
        return Rendered(body, headers_of(value) if headers_of else {})

    return await cached_body(request, session, key, render, "application/json", etag=etag)


async def cached_body(
    request: Request,
    session: Session,
    key: tuple[Hashable, ...],
    render: Callable[[], Rendered],
    media_type: str,
    *,
    etag: bool = True,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A read's rendered body (JSON, a report's HTML or workbook) at the current data version,
    rendered once per version and `key`; with `etag`, a 304 for a client that has it."""
    cache: ReadCache = request.app.state.read_cache
    version: int | None = request.scope.get(_VERSION)
    rendered = None
    if version is not None:
        if etag and _matches(request.headers.get("if-none-match"), _tag(version, key)):
            return _answer(None, version, key, media_type, headers, etag)
        rendered = cache.get(key, version)
    if rendered is None:
        fresh: tuple[int, Rendered] = await to_thread.run_sync(cache.render, session, key, render)
        version, rendered = fresh
        if etag and _matches(request.headers.get("if-none-match"), _tag(version, key)):
            return _answer(None, version, key, media_type, headers, etag)
    # From the cache at `version`, or rendered just now with it: `version` is set.
    return _answer(rendered, cast(int, version), key, media_type, headers, etag)


def _answer(
    rendered: Rendered | None,
    version: int,
    key: tuple[Hashable, ...],
    media_type: str,
    headers: Mapping[str, str] | None,
    etag: bool,
) -> Response:
    sent = {**(headers or {}), **(rendered.headers if rendered else {})}
    if etag:
        sent |= {"ETag": _tag(version, key), "Cache-Control": REVALIDATE}
    if rendered is None:
        return Response(status_code=304, headers=sent)
    return Response(rendered.body, media_type=media_type, headers=sent)


def _tag(version: int, key: tuple[Hashable, ...]) -> str:
    return f'"data-{version}-{hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()}"'


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
