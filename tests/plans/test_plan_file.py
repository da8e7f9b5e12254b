"""Loading the plan file: idempotent, updating, refusing bad files whole; export round-trips."""

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app as cli
from api.config import DEFAULT_PLAN_FILE
from api.goals.models import Goal, Measurement
from api.plan_data.loader import load_plan
from api.plan_data.plan_file import PlanFileError, parse_plan_file
from api.plans.models import Initiative

SHIPPED = DEFAULT_PLAN_FILE.read_text(encoding="utf-8")
# The plan document the data is taken from, kept beside it (a copy of shared/seed).
SEED = DEFAULT_PLAN_FILE.parent / "source" / "handlingsplan-2026-erhverv-lejre.txt"


def _counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count(Initiative.id))) or 0,
        session.scalar(select(func.count(Goal.id))) or 0,
        session.scalar(select(func.count(Measurement.id))) or 0,
    )


class TestShippedPlan:
    def test_has_the_plans_structure(self) -> None:
        plan = parse_plan_file(SHIPPED).plan
        per_track = [sum(1 for i in plan.initiatives if i.track == t) for t in (1, 2, 3)]
        assert per_track == [4, 8, 10]
        for track in (1, 2, 3):
            numbers = [i.number for i in plan.initiatives if i.track == track]
            assert numbers == list(range(1, len(numbers) + 1))

    def test_plan_level_figures_and_history(self) -> None:
        goals = {g.key: g for g in parse_plan_file(SHIPPED).plan.goals}
        grants = goals["plan-tilskudsmidler"]
        assert grants.targets == {2025: 2_000_000, 2026: 3_000_000}
        assert [(m.measured_on.year, m.value) for m in grants.measurements] == [
            (2023, 2_242_000),
            (2024, 562_000),
        ]
        participants = goals["plan-deltagere"]
        assert participants.targets == {2025: 250, 2026: 400}
        assert [m.value for m in participants.measurements] == [294, 328]

    def test_every_text_is_word_for_word_from_the_seed(self) -> None:
        seed = " ".join(SEED.read_text(encoding="utf-8").split())
        plan_file = parse_plan_file(SHIPPED)
        plan = plan_file.plan
        texts = [
            plan.description,
            plan_file.strategy.description,
            *(o.description for o in plan_file.strategy.objectives),
            *(o.track.description for o in plan_file.strategy.objectives),
            *(text for g in plan.goals for text in (g.text, g.label or "", g.note or "")),
        ]
        texts += [e.description for e in plan.events]
        for initiative in plan.initiatives:
            texts += [
                initiative.description,
                initiative.short_title or "",
                initiative.goal_label or "",
            ]
            texts += [t for g in initiative.goals for t in (g.text, g.label or "", g.note or "")]
        for text in texts:
            for paragraph in text.split("\n\n"):
                assert " ".join(paragraph.split()) in seed, paragraph

    def test_titles_are_the_seeds_headings(self) -> None:
        seed = " ".join(SEED.read_text(encoding="utf-8").split()).casefold()
        plan = parse_plan_file(SHIPPED).plan
        for item in [*plan.initiatives, *plan.events]:
            assert item.title.casefold() in seed, item.title

    def test_only_the_events_the_plan_dates(self) -> None:
        events = {e.key: e for e in parse_plan_file(SHIPPED).plan.events}
        assert events["erhvervskonference-2026"].month == "2026-05"
        assert str(events["ivaerksaetteruge-46-2026"].starts_on) == "2026-11-09"
        assert len(events) == 2


class TestLoad:
    def test_loading_the_same_file_twice_changes_nothing(self, session: Session) -> None:
        before = _counts(session)
        report = load_plan(session, parse_plan_file(SHIPPED))
        assert not report.changed
        assert report.counts["goal"]["unchanged"] == 31
        assert _counts(session) == before

    def test_a_changed_file_updates_only_what_changed(self, session: Session) -> None:
        data = yaml.safe_load(SHIPPED)
        data["plan"]["initiatives"][0]["title"] = "Ny titel"
        data["plan"]["goals"][0]["targets"][2026] = 3_100_000
        report = load_plan(session, parse_plan_file(yaml.safe_dump(data, allow_unicode=True)))
        assert report.counts["initiative"]["updated"] == 1
        assert report.counts["goal"]["updated"] == 1
        assert report.counts["goal"]["unchanged"] == 30
        goal = session.scalars(select(Goal).where(Goal.key == "plan-tilskudsmidler")).one()
        assert {t.year: t.value for t in goal.targets}[2026] == 3_100_000

    def test_staff_measurements_survive_a_reload(
        self, client: TestClient, session: Session
    ) -> None:
        goal = session.scalars(select(Goal).where(Goal.key == "plan-deltagere")).one()
        client.post(
            f"/api/v1/goals/{goal.id}/measurements",
            json={"measured_on": "2026-03-01", "value": 90},
        )
        load_plan(session, parse_plan_file(SHIPPED))
        values = session.scalars(select(Measurement.value).where(Measurement.goal_id == goal.id))
        assert sorted(values) == [90, 294, 328]


class TestBadFile:
    @pytest.mark.parametrize(
        ("change", "field", "line_text"),
        [
            (
                lambda d: d["plan"]["initiatives"][1].update(track=9),
                "plan.initiatives[1].track",
                "track: 9",
            ),
            (
                lambda d: d["plan"]["goals"][0].update(unit="euro"),
                "plan.goals[0].unit",
                "unit: euro",
            ),
            (
                lambda d: d["plan"]["initiatives"][0]["goals"][0].update(metric="nope"),
                "plan.initiatives[0].goals[0]",
                None,
            ),
            (
                lambda d: d["plan"]["initiatives"][2].update(partners=["Ukendt"]),
                "plan.initiatives[2].partners[0]",
                "Ukendt",
            ),
            (lambda d: d["plan"].update(year=2040), "plan.year", "year: 2040"),
        ],
    )
    def test_refused_with_field_and_line(self, change, field, line_text) -> None:  # type: ignore[no-untyped-def]
        data = yaml.safe_load(SHIPPED)
        change(data)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        with pytest.raises(PlanFileError) as caught:
            parse_plan_file(text)
        error = next(e for e in caught.value.errors if e.field.startswith(field))
        assert error.line is not None
        if line_text:
            assert line_text in text.splitlines()[error.line - 1]

    def test_yaml_syntax_error_names_the_line(self) -> None:
        with pytest.raises(PlanFileError) as caught:
            parse_plan_file("format: erhverv-lejre-plan/1\nplan: [unclosed\n")
        assert caught.value.errors[0].line is not None

    def test_duplicate_key_is_refused(self) -> None:
        with pytest.raises(PlanFileError, match="duplicate key 'format'"):
            parse_plan_file("format: a\nformat: b\n")

    def test_cli_refuses_a_bad_file_and_leaves_the_database(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        url = f"sqlite:///{tmp_path / 'cli.db'}"
        monkeypatch.setenv("ERHVERV_DATABASE_URL", url)
        from api.config import get_settings

        get_settings.cache_clear()
        runner = CliRunner()
        good = tmp_path / "good.yaml"
        good.write_text(SHIPPED, encoding="utf-8")
        assert runner.invoke(cli, ["load-plan", str(good)]).exit_code == 0
        data = yaml.safe_load(SHIPPED)
        data["plan"]["initiatives"][0]["title"] = "Ændret"  # a valid change …
        data["plan"]["initiatives"][5]["status"] = "maybe"  # … and an invalid one
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        result = runner.invoke(cli, ["load-plan", str(bad)])
        get_settings.cache_clear()
        assert result.exit_code == 1
        assert "plan.initiatives[5].status" in result.output
        assert f"{bad}:line " in result.output
        assert "Traceback" not in result.output
        again = runner.invoke(cli, ["load-plan", str(good)], env={"ERHVERV_DATABASE_URL": url})
        assert "nothing changed" in again.output

    def test_cli_names_a_missing_file(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(cli, ["load-plan", str(tmp_path / "none.yaml")])
        assert result.exit_code == 1
        assert "cannot read" in result.output


class TestExport:
    def test_export_round_trips(self, client: TestClient) -> None:
        response = client.get("/api/v1/plans/2026/export")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/yaml")
        exported = parse_plan_file(response.text)
        original = parse_plan_file(SHIPPED)
        for plan_file in (exported, original):  # partners are a set; the file lists them
            for initiative in plan_file.plan.initiatives:
                initiative.partners.sort()
        assert exported.plan == original.plan
        assert exported.strategy == original.strategy
        assert {o.name for o in exported.organizations} == {o.name for o in original.organizations}

    def test_export_of_unknown_year_is_404(self, client: TestClient) -> None:
        assert client.get("/api/v1/plans/1999/export").status_code == 404
