"""One way down: no module of api/ imports against the layers of pyproject.toml's contract
(kit <- auth <- plans <- goals <- contacts <- domains <- views <- plan file <- app)."""

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_go_one_way_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_module_of_api_is_over_400_lines() -> None:
    """A module that grows past this is doing two things; split it where they part."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "api").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
