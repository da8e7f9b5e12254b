"""One way down: no module of api/ imports against the layers of pyproject.toml's contract
(kit <- auth <- plans <- goals <- contacts <- domains <- views <- plan file <- app)."""

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_go_one_way_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
