"""A first start on an empty database migrates, loads the shipped plan, and creates an admin."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app


def test_first_start_loads_the_plan_and_prints_an_admin_password_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'first.db'}", frontend_dir=tmp_path / "none"
    )
    with TestClient(create_app(settings)):
        pass
    printed = capsys.readouterr().err
    password = re.search(r"adgangskode: (\S+)", printed)
    assert password, printed
    with TestClient(create_app(settings)) as client:  # the second start creates nothing
        assert "adgangskode" not in capsys.readouterr().err
        login = client.post(
            "/api/v1/auth/login",
            json={"email": settings.initial_admin_email, "password": password.group(1)},
        )
        assert login.status_code == 200, login.text
        plan = client.get("/api/v1/plans/2026").json()
        assert sum(len(t["initiatives"]) for t in plan["tracks"]) == 22
        assert client.get("/api/v1/plans").json()["total"] == 1
        assert client.get("/api/v1/users").json()["total"] == 1


def test_the_built_frontend_is_served_at_root(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<h1>Erhverv Lejre</h1>", encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'spa.db'}", frontend_dir=dist)
    with TestClient(create_app(settings)) as client:
        assert "Erhverv Lejre" in client.get("/").text
        assert "Erhverv Lejre" in client.get("/indsatser/3").text  # client-side route
        assert client.get("/api/v1/unknown").status_code == 404
        (tmp_path / "secret.txt").write_text("hemmeligt", encoding="utf-8")
        assert "hemmeligt" not in client.get("/..%2Fsecret.txt").text


def test_assets_are_cached_for_good_and_the_page_revalidated(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<h1>Erhverv Lejre</h1>", encoding="utf-8")
    (dist / "assets" / "index-AbC123.js").write_text("console.log(1)", encoding="utf-8")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'spa.db'}", frontend_dir=dist)
    with TestClient(create_app(settings)) as client:
        asset = client.get("/assets/index-AbC123.js")
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert client.get("/overblik").headers["cache-control"] == "no-cache"
        head = client.head("/")
        assert head.status_code == 200 and head.content == b""
