"""The `erhverv` command: serve, migrate, load-plan, openapi."""

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

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
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
) -> None:
    """Migrate, load the plan into an empty database, and serve the API and the web app."""
    import uvicorn

    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, reload=reload)


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema."""
    from api.db import make_engine
    from api.migrate import upgrade

    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    engine.dispose()
    typer.echo("database is at the newest revision")


@app.command("load-plan")
def load_plan(
    file: Annotated[Path, typer.Argument(help="A plan file (YAML), e.g. api/plan_data/2026.yaml.")],
    dry_run: Annotated[
        bool, typer.Option(help="Report what would change; change nothing.")
    ] = False,
) -> None:
    """Load a plan file: creates what is new, updates what changed, leaves the rest."""
    from api.bootstrap import load_plan_path
    from api.db import make_engine
    from api.migrate import upgrade
    from api.plans.plan_file import PlanFileError

    engine = make_engine(get_settings().database_url)
    upgrade(engine)
    with Session(engine) as session:
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


def _print_report(report: object, dry_run: bool) -> None:
    from api.plans.loader import LoadReport

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
    from api.openapi_file import OPENAPI_PATH, render_openapi

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
