from api.main import OPENAPI_PATH, render_openapi


def test_committed_openapi_matches_the_app() -> None:
    """Regenerate with `erhverv openapi` when this fails."""
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render_openapi()
