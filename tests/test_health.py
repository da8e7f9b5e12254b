from fastapi.testclient import TestClient

from tests.helpers import assert_problem


class TestHealth:
    def test_health_answers(self, client: TestClient) -> None:
        assert client.get("/health").json() == {"status": "ok"}

    def test_ready_checks_the_database(self, client: TestClient) -> None:
        assert client.get("/ready").json() == {"status": "ready"}


class TestUnknownPaths:
    def test_unknown_api_path_is_a_problem_not_the_spa(self, client: TestClient) -> None:
        body = assert_problem(client.get("/api/v1/no-such-thing"), 404)
        assert "/api/v1/no-such-thing" in body["detail"]

    def test_root_without_built_frontend_says_where_the_api_is(self, client: TestClient) -> None:
        body = assert_problem(client.get("/"), 404)
        assert "/docs" in body["detail"]

    def test_wrong_method_is_a_problem(self, client: TestClient) -> None:
        assert_problem(client.put("/api/v1/plans"), 405)
