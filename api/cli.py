"""The `erhverv` command: serve, migrate, load-plan, users, tokens, purge, load-demo, remove-demo,
import-grants, push-cases, openapi."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import api.metrics  # noqa: F401  (registers every domain's metrics)
from api.config import get_settings

app = typer.Typer(
    help="Erhverv Lejre action-plan service.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes behind the port. Default: the number of cores on "
            "PostgreSQL, 1 on SQLite (one writer at a time: more processes add no throughput, "
            "only waiting).",
        ),
    ] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
) -> None:
    """Migrate, load the plan into an empty database, and serve the API and the web app."""
    import gc
    import os

    import uvicorn

    settings = get_settings()
    if workers is None:
        sqlite = settings.database_url.startswith("sqlite")
        workers = 1 if sqlite or reload else (os.cpu_count() or 1)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        # The app decides whose X-Forwarded-For counts (ERHVERV_TRUSTED_PROXIES); uvicorn's
        # own default would trust it from 127.0.0.1.
        "proxy_headers": False,
        "server_header": False,
    }
    if reload:
        uvicorn.run("api.main:create_app", factory=True, reload=True, **options)
        return
    if workers > 1:
        # Prepared once, here: N processes starting at once must not migrate side by side.
        if settings.migrate_on_start:
            from api.kit.db import make_engine
            from api.plan_data.bootstrap import prepare_database

            engine = make_engine(settings.database_url)
            prepare_database(engine, settings)
            engine.dispose()
            os.environ["ERHVERV_MIGRATE_ON_START"] = "false"
        typer.echo(f"serving with {workers} worker processes")
        uvicorn.run("api.main:create_app", factory=True, workers=workers, **options)
        return
    config = uvicorn.Config("api.main:create_app", factory=True, **options)
    config.load()
    # The app and the modules it loaded live as long as the process: keep them out of the
    # garbage collector's generations, so a request's collections scan only its own objects.
    # Done here, by the process, not by the app: an app in a test process must not freeze
    # the tests' heap.
    gc.collect()
    gc.freeze()
    uvicorn.Server(config).run()


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema."""
    _database().dispose()
    typer.echo("database is at the newest revision")


@app.command("load-plan")
def load_plan(
    file: Annotated[Path, typer.Argument(help="A plan file (YAML), e.g. api/plan_data/2026.yaml.")],
    dry_run: Annotated[
        bool, typer.Option(help="Report what would change; change nothing.")
    ] = False,
) -> None:
    """Load a plan file: creates what is new, updates what changed, leaves the rest."""
    from api.plan_data.bootstrap import load_plan_path
    from api.plan_data.plan_file import PlanFileError

    engine = _database()
    with _session(engine, "load-plan") as session:
        try:
            report = load_plan_path(session, file)
        except FileNotFoundError as exc:
            raise _fail(str(exc)) from None
        except PlanFileError as exc:
            typer.secho(f"error: {file} is not a valid plan file:", fg=typer.colors.RED, err=True)
            for error in exc.errors:
                typer.echo(f"  {file}:{error}", err=True)
            raise typer.Exit(code=1) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    engine.dispose()
    _print_report(report, dry_run)


@contextmanager
def _session(engine: Engine, command: str) -> Iterator[Session]:
    """A session whose changes the audit log attributes to this CLI command."""
    from api.auth.audit import set_actor
    from api.auth.permissions import Actor, ActorKind

    with Session(engine, expire_on_commit=False) as session:
        set_actor(session, Actor(ActorKind.system, None, f"cli: {command}", frozenset()))
        yield session


def _database() -> Engine:
    from api.kit.db import make_engine
    from api.kit.migrate import upgrade

    settings = get_settings()
    engine = make_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    upgrade(engine)
    return engine


M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def _options(model: type[M], **values: object) -> M:
    """Validate command options; a problem names the option it concerns."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in exc.errors()
        )
        raise _fail(problems) from None


def _apply(command: str, change: Callable[[Session], T]) -> T:
    """Run one change in one transaction; a refused change is a clean error, not a traceback."""
    from api.kit.errors import DomainError

    engine = _database()
    try:
        with _session(engine, command) as session:
            try:
                result = change(session)
            except DomainError as exc:
                raise _fail(exc.detail) from None
            session.commit()
    finally:
        engine.dispose()
    return result


@app.command("create-user")
def create_user(
    email: Annotated[str, typer.Option(help="E-mail, used to log in.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[str, typer.Option(help="viewer, editor or admin.")] = "editor",
) -> None:
    """Create a staff user with a generated password, printed once."""
    from api.auth.schemas import UserCreate
    from api.auth.service import create_user as create

    data = _options(UserCreate, email=email, name=name, role=role)
    user, password = _apply("create-user", lambda session: create(session, data))
    typer.echo(f"created {user.role.value} {user.email}")
    typer.echo(f"password (shown once): {password}")


@app.command("create-token")
def create_token(
    name: Annotated[str, typer.Option(help="Which system uses it, e.g. 'Sagssystem'.")],
    scopes: Annotated[str, typer.Option(help="Comma-separated, e.g. cases:write.")],
    expires_in_days: Annotated[int, typer.Option(help="Lifetime in days.")] = 365,
) -> None:
    """Create an API token for a machine client, printed once."""
    from api.auth.schemas import TokenCreate
    from api.auth.service import create_token as create

    data = _options(
        TokenCreate,
        name=name,
        scopes=[s.strip() for s in scopes.split(",") if s.strip()],
        expires_in_days=expires_in_days,
    )
    token, raw = _apply("create-token", lambda session: create(session, data, created_by="cli"))
    typer.echo(f"created token {token.name!r} ({', '.join(token.scopes)}), prefix {token.prefix}")
    typer.echo(f"token (shown once): {raw}")


@app.command()
def purge(
    inactive_months: Annotated[
        int, typer.Option(help="Anonymise people with no activity for this many months.")
    ],
    dry_run: Annotated[
        bool, typer.Option(help="Report who would be anonymised; change nothing.")
    ] = False,
) -> None:
    """Anonymise people with no activity for N months (GDPR); each erasure is audited."""
    from api.contacts.gdpr import purge_inactive
    from api.kit.db import utcnow

    if inactive_months < 1:
        raise _fail(f"--inactive-months must be at least 1, not {inactive_months}")
    ids = _apply(
        "purge",
        lambda session: purge_inactive(session, inactive_months, utcnow().date(), dry_run=dry_run),
    )
    verb = "would anonymise" if dry_run else "anonymised"
    listed = f": ids {', '.join(map(str, ids))}" if ids else ""
    who = "person" if len(ids) == 1 else "people"
    typer.echo(f"{verb} {len(ids)} {who} with no activity for {inactive_months} months{listed}")
    if dry_run:
        typer.echo("dry run: nothing was changed")


@app.command("load-demo")
def load_demo(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same data.")] = 2026,
    events: Annotated[int, typer.Option(help="How many demo events (30-1000).")] = 120,
) -> None:
    """Load a generated demonstration data set, apart from the plan's data; only once."""
    from api.events.demo import DEMO_DOMAIN, DEMO_PREFIX
    from api.events.demo import load_demo as load

    report = _apply("load-demo", lambda session: load(session, seed=seed, events=events))
    typer.echo(
        f"loaded demo data (seed {seed}): {report.companies} companies, {report.people} people, "
        f"{report.events} events ({report.held} held), {report.registrations} registrations"
    )
    typer.echo(f"events are titled {DEMO_PREFIX!r}…; people have e-mails @{DEMO_DOMAIN}")


@app.command("remove-demo")
def remove_demo() -> None:
    """Delete the demo data set (every row load-demo marked as demo) and nothing else."""
    from api.events.demo_counts import remove_demo as remove

    removed = _apply("remove-demo", remove)
    if not removed.present:
        typer.echo("Der er ingen demodata at fjerne; intet blev ændret.")
        return
    typer.echo(
        f"Demodata fjernet: {removed.events} arrangementer, {removed.registrations} tilmeldinger, "
        f"{removed.companies} virksomheder og {removed.people} personer."
    )


@app.command("import-grants")
def import_grants(
    file: Annotated[Path, typer.Argument(help="The hub's spreadsheet: CSV or XLSX.")],
    url: Annotated[
        str,
        typer.Option(
            envvar="ERHVERV_URL", help="The running service, e.g. https://erhverv.lejre.dk."
        ),
    ],
    token: Annotated[
        str, typer.Option(envvar="ERHVERV_TOKEN", help="An API token with the grants:write scope.")
    ],
    dry_run: Annotated[bool, typer.Option(help="Report what would happen; store nothing.")] = False,
    mapping: Annotated[
        str | None,
        typer.Option(help='JSON naming your headers, e.g. {"amount": "Tilsagn i kr."}.'),
    ] = None,
    all_rows: Annotated[
        bool, typer.Option(help="List every row, not only rejected, duplicate and changed ones.")
    ] = False,
) -> None:
    """Import grants into a running service over HTTP; exit 1 if rows were not imported, 2 if
    the import did not run."""
    from api.clients.grants import run_import

    code = run_import(
        file, url=url, token=token, dry_run=dry_run, mapping=mapping, all_rows=all_rows
    )
    raise typer.Exit(code=code)


@app.command("push-cases")
def push_cases(
    file: Annotated[Path, typer.Argument(help="Cases as CSV (; or ,) or JSON lines (.jsonl).")],
    url: Annotated[
        str,
        typer.Option(
            envvar="ERHVERV_URL", help="The running service, e.g. https://erhverv.lejre.dk."
        ),
    ],
    token: Annotated[
        str, typer.Option(envvar="ERHVERV_TOKEN", help="An API token with the cases:write scope.")
    ],
    source: Annotated[
        str | None, typer.Option(help="The source system for rows without one, e.g. sbsys.")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Cases per request, at most 1000.")] = 1000,
    retries: Annotated[
        int, typer.Option(help="New attempts per batch after a network error, 5xx or 429.")
    ] = 5,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="THEIRS=OURS",
            help="Rename the file's field THEIRS to the contract's OURS: THEIRS=OURS, "
            "e.g. business=is_business. Repeatable.",
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="A UTF-8 file of such renames, one THEIRS=OURS a line; # comments."
        ),
    ] = None,
) -> None:
    """Send cases to a running service over HTTP in batches; exit 1 if some were rejected, 2 if
    the push stopped."""
    from api.clients.cases import run_push

    code = run_push(
        file, url=url, token=token, source=source, batch_size=batch_size, retries=retries,
        maps=map_ or [], map_file=map_file,
    )  # fmt: skip
    raise typer.Exit(code=code)


def _print_report(report: object, dry_run: bool) -> None:
    from api.plan_data.loader import LoadReport

    assert isinstance(report, LoadReport)
    typer.echo(f"{'kind':<14}{'created':>9}{'updated':>9}{'unchanged':>11}{'deleted':>9}")
    for kind, counts in report.counts.items():
        typer.echo(
            f"{kind:<14}{counts['created']:>9}{counts['updated']:>9}"
            f"{counts['unchanged']:>11}{counts['deleted']:>9}"
        )
    for item in report.kept:
        typer.echo(f"kept (not in the file): {item}")
    if dry_run:
        typer.echo("dry run: nothing was changed")
    elif not report.changed:
        typer.echo("nothing changed")


@app.command()
def openapi(
    check: Annotated[bool, typer.Option(help="Fail if openapi.yaml is out of date.")] = False,
) -> None:
    """Write openapi.yaml from the app (or check that it is current)."""
    from api.main import OPENAPI_PATH, render_openapi

    rendered = render_openapi()
    if check:
        current = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
        if current != rendered:
            raise _fail("openapi.yaml is out of date: run `erhverv openapi`")
        typer.echo("openapi.yaml is current")
        return
    OPENAPI_PATH.write_text(rendered, encoding="utf-8")
    typer.echo(f"wrote {OPENAPI_PATH}")


if __name__ == "__main__":
    app()
