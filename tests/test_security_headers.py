import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("path", ["/health", "/api/v1/plans/2026", "/api/v1/nope", "/"])
def test_every_response_has_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_api_docs_may_load_their_assets(client: TestClient) -> None:
    assert "cdn.jsdelivr.net" in client.get("/docs").headers["content-security-policy"]
