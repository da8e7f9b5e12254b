"""create_app(settings): the only place routers are mounted."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

import api.metrics  # noqa: F401  (registers every domain's metrics)
from api.auth.rate_limit import TokenLimiter
from api.auth.router import router as auth_router
from api.calendar.router import router as calendar_router
from api.cases.router import router as cases_router
from api.config import Settings, get_settings
from api.contacts.router import router as contacts_router
from api.events.router import router as events_router
from api.events.series_router import router as event_series_router
from api.goals.router import plan_router as plan_tree_router
from api.goals.router import router as goals_router
from api.grants.router import router as grants_router
from api.kit.body_limit import BodyLimitMiddleware
from api.kit.db import dispose_loop_reads, make_engine, make_session_factory
from api.kit.docs import add_docs
from api.kit.errors import document_problems, install_error_handlers, problem
from api.kit.read_cache import ReadCache
from api.kit.security_headers import SecurityHeadersMiddleware
from api.plan_data.bootstrap import prepare_database
from api.plan_data.router import router as plan_file_router
from api.plans.router import router as plans_router
from api.reports.router import router as reports_router
from api.surveys.router import router as surveys_router

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            prepare_database(app.state.engine, settings)
        yield
        app.state.engine.dispose()
        dispose_loop_reads(app.state)

    app = FastAPI(
        title="Erhverv Lejre – handlingsplan",
        version="1.0.0",
        summary="The action plan of Erhverv Lejre, the data its goals are measured on, "
        "and progress computed live.",
        lifespan=lifespan,
        # Served by add_docs from local files, not from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = make_engine(
        settings.database_url,
        echo=settings.sql_echo,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.read_cache = ReadCache()
    app.state.token_limiter = TokenLimiter()
    install_error_handlers(app)
    document_problems(app)
    _document_settings(app, settings)
    app.add_middleware(BodyLimitMiddleware, max_upload_body_bytes=settings.max_upload_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.https)

    # Every endpoint's body limit; those that take a file declare a larger one of their own.
    api = APIRouter(prefix=API_PREFIX, max_body_size=settings.max_json_body_bytes)
    api.include_router(auth_router)
    api.include_router(plans_router)
    api.include_router(plan_tree_router)
    api.include_router(plan_file_router)
    api.include_router(goals_router)
    api.include_router(contacts_router)
    api.include_router(events_router)
    api.include_router(event_series_router)
    api.include_router(calendar_router)
    api.include_router(grants_router)
    api.include_router(cases_router)
    api.include_router(reports_router)
    api.include_router(surveys_router)
    app.include_router(api)
    add_docs(app)
    _add_health(app)
    _add_frontend(app, settings)
    _add_method_not_allowed(app)
    return app


def _document_settings(app: FastAPI, settings: Settings) -> None:
    """State in the OpenAPI document the limits the settings set: a token's longest life."""
    document = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = document()
        lifetime = schema["components"]["schemas"]["TokenCreate"]["properties"]["expires_in_days"]
        for branch in lifetime.get("anyOf", [lifetime]):
            if branch.get("type") == "integer":
                branch["maximum"] = settings.token_max_days
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
REVALIDATE = {"Cache-Control": "no-cache"}


def _add_health(app: FastAPI) -> None:
    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/ready", tags=["health"], responses={503: {"description": "Database unreachable"}})
    def ready() -> JSONResponse:
        """Readiness: the database answers a query."""
        try:
            with app.state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            return problem(503, "not-ready", "Not ready", "The database does not answer.")
        return JSONResponse({"status": "ready"})


def _add_frontend(app: FastAPI, settings: Settings) -> None:
    """Serve the built SPA at /; API paths never fall through to it."""
    dist = settings.frontend_dir

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False, name=SPA)
    def spa(path: str, request: Request) -> FileResponse:
        if path == "api" or path.startswith(("api/", "docs", "openapi", "redoc")):
            if allowed_methods(app, request):  # a POST-only API path, not an unknown one
                raise StarletteHTTPException(405)
            raise StarletteHTTPException(404, f"No route /{path}.")
        if "\x00" in path:  # no file, and no page of the app, has a NUL in its name
            raise StarletteHTTPException(404, "Ingen side har det navn.")
        root = dist.resolve()
        if path and _is_file_within(root, path):
            candidate = (root / path).resolve()
            # Vite names the built assets by their content: they never change under a name.
            immutable = path.startswith("assets/")
            return FileResponse(candidate, headers=IMMUTABLE if immutable else REVALIDATE)
        index = root / "index.html"
        if not index.is_file():
            raise StarletteHTTPException(404, "The web app is not built; the API is at /docs.")
        return FileResponse(index, headers=REVALIDATE)  # a new release is seen at once


def _is_file_within(root: Path, path: str) -> bool:
    """Whether `path` names a built file; a name the file system refuses (too long) names none."""
    try:
        candidate = (root / path).resolve()
        return candidate.is_file() and candidate.is_relative_to(root)
    except (OSError, ValueError):
        return False


SPA = "spa"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route answers on this path (the SPA's GET aside on API paths)."""
    api_path = request.url.path.startswith(API_PREFIX)
    allowed = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        for route in app.router.routes:
            if api_path and getattr(route, "name", None) == SPA:
                continue
            if route.matches(scope)[0] == Match.FULL:
                allowed.append(method)
                break
    return allowed


def _add_method_not_allowed(app: FastAPI) -> None:
    """A 405 names every method of the path in Allow: Starlette names only the first route's."""

    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, _: Exception) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request))
        detail = f"Metoden {request.method} kan ikke bruges på {request.url.path}; brug {allow}."
        return problem(
            405, "method-not-allowed", "Method not allowed", detail, headers={"Allow": allow}
        )


# openapi.yaml: generated from the app, committed, and checked for drift by a test.
OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


def render_openapi() -> str:
    app = create_app(Settings(database_url="sqlite://", migrate_on_start=False))
    return yaml.safe_dump(app.openapi(), allow_unicode=True, sort_keys=False, width=100)
