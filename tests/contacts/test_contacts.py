"""Companies (CVR validated, never duplicated) and people."""

from fastapi.testclient import TestClient

from tests.events.helpers import make_company, valid_cvr
from tests.helpers import assert_problem


class TestCompanies:
    def test_cvr_is_validated_and_normalised(self, client: TestClient) -> None:
        company = make_company(client, cvr="DK 13 58 56 28", name="Test A/S")
        assert company["cvr"] == "13585628"

    def test_invalid_cvr_is_422_naming_the_field(self, client: TestClient) -> None:
        body = assert_problem(
            client.post("/api/v1/companies", json={"cvr": "13585629", "name": "X"}), 422
        )
        assert body["errors"][0]["field"] == "body.cvr"
        assert body["errors"][0]["message"] == (
            "'13585629' er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke – tjek, at "
            "alle cifre er tastet rigtigt."
        )

    def test_a_cvr_is_written_as_the_schema_states(self, client: TestClient) -> None:
        """8 digits, spaces and a DK before them; other separators the check digit would take
        (python-stdnum's) are not what the schema says, so they are refused."""
        cvr = valid_cvr()
        for written in (f"{cvr[:4]}-{cvr[4:]}", f"Dk{cvr}", f"{cvr}\n", ""):
            response = client.post("/api/v1/companies", json={"cvr": written, "name": "X"})
            body = assert_problem(response, 422)
            assert "ikke et gyldigt CVR-nummer" in body["errors"][0]["message"], written
        schema = client.get("/openapi.json").json()["components"]["schemas"]["CompanyCreate"]
        assert schema["properties"]["cvr"]["format"] == "cvr"

    def test_a_cvr_is_never_duplicated(self, client: TestClient) -> None:
        cvr = valid_cvr()
        make_company(client, cvr=cvr)
        assert_problem(client.post("/api/v1/companies", json={"cvr": cvr, "name": "Y"}), 409)

    def test_viewers_read_companies(self, client: TestClient, viewer_client: TestClient) -> None:
        make_company(client, name="Synlig ApS")
        names = [c["name"] for c in viewer_client.get("/api/v1/companies").json()["items"]]
        assert "Synlig ApS" in names


class TestPeople:
    def test_an_unknown_company_is_an_unknown_reference(self, client: TestClient) -> None:
        response = client.post("/api/v1/people", json={"name": "Anna", "company_id": 99999})
        error = assert_problem(response, 422)["errors"][0]
        assert error == {
            "field": "company_id",
            "message": "der findes ingen virksomhed med id 99999",
            "type": "unknown_reference",
        }

    def test_a_name_may_be_left_out_of_a_change_not_set_to_null(self, client: TestClient) -> None:
        for path, made in (
            ("/api/v1/people", client.post("/api/v1/people", json={"name": "Anna"}).json()),
            ("/api/v1/companies", make_company(client)),
        ):
            url = f"{path}/{made['id']}"
            etag = client.get(url).headers["etag"]
            body = assert_problem(
                client.patch(url, json={"name": None}, headers={"If-Match": etag}), 422
            )
            assert body["errors"][0]["message"] == "Feltet kan udelades, men ikke sættes til null."
            assert client.get(url).json()["name"] == made["name"]
