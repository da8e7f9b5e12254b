"""create_app(settings): the only place routers are mounted."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth.router import router as auth_router
from api.body_limit import ProblemForTooLargeMiddleware
from api.bootstrap import prepare_database
from api.cases.router import router as cases_router
from api.config import Settings, get_settings
from api.db import make_engine, make_session_factory
from api.errors import document_problems, install_error_handlers, problem
from api.events.calendar_router import router as calendar_router
from api.events.gdpr_router import router as gdpr_router
from api.events.io_router import router as events_io_router
from api.events.router import router as events_router
from api.goals.router import router as goals_router
from api.grants.router import router as grants_router
from api.plans.router import router as plans_router
from api.reports.router import router as reports_router
from api.security_headers import SecurityHeadersMiddleware
from api.surveys.router import router as surveys_router

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            prepare_database(app.state.engine, settings)
        # Everything loaded so far lives as long as the process: keep it out of the garbage
        # collector's generations, so a request's collections scan only its own objects.
        gc.collect()
        gc.freeze()
        yield
        app.state.engine.dispose()

    app = FastAPI(
        title="Erhverv Lejre – handlingsplan",
        version="1.0.0",
        summary="The action plan of Erhverv Lejre, the data its goals are measured on, "
        "and progress computed live.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(
        settings.database_url,
        echo=settings.sql_echo,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )
    app.state.session_factory = make_session_factory(app.state.engine)
    install_error_handlers(app)
    document_problems(app)
    app.add_middleware(ProblemForTooLargeMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)

    api = APIRouter(prefix=API_PREFIX)
    api.include_router(auth_router)
    api.include_router(plans_router)
    api.include_router(goals_router)
    api.include_router(events_router)
    api.include_router(events_io_router)
    api.include_router(gdpr_router)
    api.include_router(calendar_router)
    api.include_router(grants_router)
    api.include_router(cases_router)
    api.include_router(reports_router)
    api.include_router(surveys_router)
    app.include_router(api)
    _add_health(app)
    _add_frontend(app, settings)
    return app


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

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def spa(path: str) -> FileResponse:
        if path == "api" or path.startswith(("api/", "docs", "openapi", "redoc")):
            raise StarletteHTTPException(404, f"No route /{path}.")
        root = dist.resolve()
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            # Vite names the built assets by their content: they never change under a name.
            immutable = path.startswith("assets/")
            return FileResponse(candidate, headers=IMMUTABLE if immutable else REVALIDATE)
        index = root / "index.html"
        if not index.is_file():
            raise StarletteHTTPException(404, "The web app is not built; the API is at /docs.")
        return FileResponse(index, headers=REVALIDATE)  # a new release is seen at once
