"""Issue 15, "nothing lost, nothing leaked, no 500": ids, offsets, paths, bodies and text."""

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from api.config import Settings
from api.contacts.models import Person
from api.events.demo import load_demo
from api.kit.common import CONTROL_CHARACTERS, FILLED_TEXT_PATTERN, TEXT_PATTERN
from api.kit.spreadsheet import neutralise
from api.main import create_app
from tests.grants.helpers import CVR_A, HEADER, semicolons, upload

BEYOND_64_BITS = "9223372036854775808"
HUGE = "99999999999999999999999"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = create_app().openapi()
    return [
        (method.upper(), path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if path.startswith("/api/")
    ]


def _is_integer(parameter: dict[str, Any]) -> bool:
    schema = parameter.get("schema", {})
    kinds = [schema, *schema.get("anyOf", [])]
    return any(kind.get("type") == "integer" for kind in kinds)


def _with_path_values(path: str, operation: dict[str, Any], value: str) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


INTEGER_PATHS = [
    (method, path, parameter["name"])
    for method, path, operation in _operations()
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "path" and _is_integer(parameter)
]
INTEGER_QUERIES = [
    (method, _with_path_values(path, operation, "1"), parameter["name"])
    for method, path, operation in _operations()
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "query" and _is_integer(parameter)
]


def _request_schemas() -> dict[str, Any]:
    """The component schemas request bodies refer to, however deep."""
    schema = create_app().openapi()
    components = schema["components"]["schemas"]
    found: dict[str, Any] = {}
    pending = [
        media["schema"]
        for item in schema["paths"].values()
        for operation in item.values()
        for media in operation.get("requestBody", {}).get("content", {}).values()
        if media["schema"].get("$ref")
    ]
    while pending:
        name = pending.pop()["$ref"].rsplit("/", 1)[-1]
        if name in found:
            continue
        found[name] = components[name]
        pending.extend(ref for ref in _refs(components[name]))
    return found


def _refs(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        own = [value] if "$ref" in value else []
        return own + [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []


def _unbounded(schema: Any, where: str) -> list[str]:
    if not isinstance(schema, dict):
        return []
    found = []
    kind = schema.get("type")
    stated = {"pattern", "format", "enum", "const", "contentMediaType"}  # a file: its bytes
    if kind == "string" and not stated & schema.keys():
        found.append(where or "the body")
    if kind == "integer" and not (
        {"minimum", "exclusiveMinimum"} & schema.keys()
        and {"maximum", "exclusiveMaximum"} & schema.keys()
    ):
        found.append(where or "the body")
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            found += [f for name, v in value.items() for f in _unbounded(v, f"{where}.{name}")]
        elif key in ("anyOf", "oneOf", "allOf"):
            found += [f for v in value for f in _unbounded(v, where)]
        elif key in ("items", "additionalProperties", "propertyNames"):
            found += _unbounded(value, f"{where}.{key}")
    return found


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


class TestIntegersBeyondTheirColumn:
    @pytest.mark.parametrize(("method", "path", "name"), INTEGER_PATHS)
    def test_a_path_id_beyond_64_bits_is_a_422_naming_it(
        self, admin_client: TestClient, method: str, path: str, name: str
    ) -> None:
        url = path.replace("{" + name + "}", BEYOND_64_BITS).replace("{year}", "2026")
        url = re.sub(r"\{[a-z_]+\}", "1", url)  # the other ids: valid, so the route matches
        response = admin_client.request(method, url, json={})
        assert response.status_code == 422, (method, url, response.text)
        assert f"path.{name}" in _fields(response)

    @pytest.mark.parametrize(("method", "path", "name"), INTEGER_QUERIES)
    def test_a_query_integer_beyond_64_bits_is_a_422_naming_it(
        self, admin_client: TestClient, method: str, path: str, name: str
    ) -> None:
        url = path.replace("/1/", "/2026/") if "{year}" in path else path
        response = admin_client.request(method, url, params={name: HUGE}, json={})
        assert response.status_code == 422, (method, url, response.text)
        assert f"query.{name}" in _fields(response)

    def test_the_issues_probes(self, admin_client: TestClient) -> None:
        for url in (f"/api/v1/events/{BEYOND_64_BITS}", f"/api/v1/events?offset={HUGE}"):
            response = admin_client.get(url)
            assert response.status_code == 422, url
            assert response.headers["content-type"].startswith("application/problem+json")

    def test_an_id_within_the_column_but_absent_is_a_404(self, admin_client: TestClient) -> None:
        assert admin_client.get("/api/v1/events/2147483647").status_code == 404
        assert admin_client.get("/api/v1/events/2147483648").status_code == 422


class TestPathsAndMethods:
    def test_a_nul_in_an_app_path_is_a_404(self, admin_client: TestClient) -> None:
        for url in ("/index.html%00.js", "/%00", "/assets/x%00y.js"):
            response = admin_client.get(url)
            assert response.status_code == 404, url
            assert response.headers["content-type"].startswith("application/problem+json")

    def test_a_very_long_app_path_is_not_a_500(self, admin_client: TestClient) -> None:
        assert admin_client.get("/" + "a" * 5000 + ".js").status_code < 500

    def test_a_get_on_a_post_only_api_path_is_a_405_with_allow(
        self, anon_client: TestClient
    ) -> None:
        response = anon_client.get("/api/v1/auth/login")
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.headers["content-type"].startswith("application/problem+json")

    def test_a_405_names_every_method_of_the_path(self, admin_client: TestClient) -> None:
        response = admin_client.put("/api/v1/goals/1", json={})
        assert response.status_code == 405
        assert response.headers["allow"].split(", ") == ["GET", "PATCH", "DELETE"]

    def test_an_unknown_api_path_stays_a_404(self, admin_client: TestClient) -> None:
        assert admin_client.get("/api/v1/nothing-here").status_code == 404


@pytest.fixture
def small_limits(
    settings: Settings, session_factory: sessionmaker[Session]
) -> Iterator[TestClient]:
    """An anonymous client of an app whose body limits are a few kilobytes."""
    limited = settings.model_copy(
        update={"max_json_body_bytes": 4096, "max_upload_body_bytes": 8192}
    )
    app = create_app(limited)
    app.state.session_factory = session_factory
    with TestClient(app) as client:
        yield client


def _assert_413(response: Any) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/payload-too-large")


class TestBodyLimits:
    def test_an_oversized_json_body_is_413_before_authentication(
        self, small_limits: TestClient
    ) -> None:
        body = b'{"email": "' + b"a" * 5000 + b'", "password": "x"}'
        response = small_limits.post(
            "/api/v1/auth/login", content=body, headers={"content-type": "application/json"}
        )
        _assert_413(response)
        _assert_413(
            small_limits.post(
                "/api/v1/events", content=body, headers={"content-type": "application/json"}
            )
        )

    def test_an_oversized_chunked_body_is_413(self, small_limits: TestClient) -> None:
        def chunks() -> Iterator[bytes]:
            yield b'{"email": "'
            for _ in range(10):
                yield b"a" * 1000
            yield b'"}'

        response = small_limits.post(
            "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in response.request.headers
        _assert_413(response)

    def test_a_body_within_the_limit_passes_on(self, small_limits: TestClient) -> None:
        response = small_limits.post(
            "/api/v1/auth/login", json={"email": "nobody@lejre.dk", "password": "x" * 100}
        )
        assert response.status_code == 401

    def test_an_oversized_upload_is_413_whichever_endpoint(self, small_limits: TestClient) -> None:
        files = {"file": ("a.csv", b"x" * 10_000, "text/csv")}
        _assert_413(small_limits.post("/api/v1/grants/imports", files=files))
        _assert_413(small_limits.post("/api/v1/auth/login", files=files))

    def test_the_limits_are_settings(self) -> None:
        defaults = Settings()
        assert defaults.max_json_body_bytes == 1024 * 1024
        assert defaults.max_upload_body_bytes > defaults.max_json_body_bytes


# ---------------------------------------------------------------------------------- text


def _programme(client: TestClient, **fields: Any) -> Any:
    return client.post("/api/v1/grants/programmes", json={"theme": "climate"} | fields)


class TestTextInBodies:
    @pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85"])
    def test_a_control_character_is_refused_naming_the_field(
        self, client: TestClient, char: str
    ) -> None:
        response = _programme(client, name=f"SMV:{char}Test")
        assert response.status_code == 422, response.text
        assert "body.name" in _fields(response)
        assert "kontroltegn" in response.json()["detail"]
        # The validator's own words, without pydantic's "Value error, ".
        assert response.json()["errors"][0]["message"].startswith("Teksten indeholder")

    def test_a_control_character_in_a_nested_body_is_refused(self, client: TestClient) -> None:
        survey = {
            "title": "Tilfredshed",
            "year": 2026,
            "kind": "baseline",
            "questions": [{"key": "q1", "text": "Hvor\x00 tilfreds?"}],
        }
        response = client.post("/api/v1/surveys", json=survey)
        assert response.status_code == 422, response.text
        assert "body.questions.0.text" in _fields(response)

    def test_line_breaks_and_tabs_are_text(self, client: TestClient) -> None:
        response = _programme(client, name="SMV:Linjer", description="Første\r\nAnden\tkolonne")
        assert response.status_code == 201, response.text
        assert response.json()["description"] == "Første\r\nAnden\tkolonne"

    def test_whitespace_only_required_text_is_refused(self, client: TestClient) -> None:
        response = client.post("/api/v1/event-series", json={"name": " \t "})
        assert response.status_code == 422, response.text
        assert "body.name" in _fields(response)

    def test_whitespace_only_optional_text_is_accepted(self, client: TestClient) -> None:
        response = _programme(client, name="SMV:Blank", description="   ")
        assert response.status_code == 201, response.text

    def test_the_schema_states_the_rules_of_text(self) -> None:
        programme = _request_schemas()["ProgrammeCreate"]["properties"]
        assert programme["name"]["pattern"] == FILLED_TEXT_PATTERN
        assert programme["description"]["anyOf"][0]["pattern"] == TEXT_PATTERN
        assert re.fullmatch(FILLED_TEXT_PATTERN, "Første\r\nAnden\tkolonne")
        for text in (" \t ", "", "SMV:\x07Test", "\x85"):
            assert not re.fullmatch(FILLED_TEXT_PATTERN, text), repr(text)

    def test_every_text_and_integer_of_a_request_body_is_bounded_by_its_schema(self) -> None:
        """Text states its pattern (or its format, enum, const or media type), an integer its
        range: a client, and a fuzzer, knows what is refused before sending it."""
        unbounded = [
            f"{name}: {where}"
            for name, schema in _request_schemas().items()
            for where in _unbounded(schema, "")
        ]
        assert not unbounded, unbounded


class TestSearchIsLiteral:
    def test_percent_and_underscore_match_themselves(self, client: TestClient) -> None:
        for name in ("Klima 100% grøn", "Klima 1000 grøn", "Uge_42", "Uge 42"):
            assert client.post("/api/v1/event-series", json={"name": name}).status_code == 201

        def found(term: str) -> list[str]:
            response = client.get("/api/v1/event-series", params={"search": term, "limit": 500})
            return sorted(item["name"] for item in response.json()["items"])

        assert found("100%") == ["Klima 100% grøn"]
        assert found("uge_") == ["Uge_42"]
        assert found("%") == ["Klima 100% grøn"]

    def test_people_and_companies_search_literally(self, client: TestClient) -> None:
        for path in ("/api/v1/people", "/api/v1/companies"):
            response = client.get(path, params={"search": "%"})
            assert response.status_code == 200
            assert all("%" in str(item) for item in response.json()["items"]), path


class TestFilesBringingControlCharacters:
    def test_an_import_strips_them(self, client: TestClient) -> None:
        content = semicolons(
            HEADER, f"ESH-CTRL-1;{CVR_A};Skov\x07gaard\x1b ApS;SMV:Grøn;1.000;15-03-2026"
        )
        response = upload(client, content)
        assert response.status_code == 200, response.text
        companies = client.get("/api/v1/companies", params={"search": "gaard"}).json()["items"]
        assert [company["name"] for company in companies] == ["Skovgaard ApS"]

    def test_an_xlsx_export_holds_none_and_neutralises_formulas(
        self, client: TestClient, session: Session
    ) -> None:
        event = client.post(
            "/api/v1/events",
            json={
                "kind": "theme_meeting",
                "title": "Temamøde",
                "starts_at": "2026-03-01T16:00:00+01:00",
                "ends_at": "2026-03-01T18:00:00+01:00",
            },
        ).json()
        person = {"name": "Ann", "email": "ann@example.dk"}
        registration = client.post(
            f"/api/v1/events/{event['id']}/registrations", json={"person": person}
        )
        assert registration.status_code == 201, registration.text
        # Text from before the API refused control characters, as an old row may hold it
        # (PostgreSQL holds no NUL at all).
        session.execute(
            update(Person)
            .where(Person.id == registration.json()["person_id"])
            .values(name='\x01=HYPERLINK(\x02"x")')
        )
        session.commit()
        response = client.get(f"/api/v1/events/{event['id']}/participants.xlsx")
        assert response.status_code == 200, response.text
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert names == ['\'=HYPERLINK("x")']


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\x00=1",
        "\n=1",
        " =1",
        "\xa0=1",
        "＝1+1",
        "|cmd",
        "＋1",
        "－1",
        "＠x",
        "｜x",
    ],
)
def test_every_formula_start_is_neutralised(text: str) -> None:
    written = neutralise(text)
    assert written.startswith("'"), repr(written)
    assert not CONTROL_CHARACTERS.search(written)


@pytest.mark.parametrize("text", ["Skovgaard ApS", "3-4 deltagere", "a=b", "100 %", ""])
def test_plain_text_is_left_as_it_is(text: str) -> None:
    assert neutralise(text) == text


# --------------------------------------------------------------------- fields and kinds


class TestBodiesAreExact:
    @pytest.mark.parametrize(
        ("path", "body"),
        [
            ("/api/v1/grants/programmes", {"name": "SMV:X", "theme": "climate"}),
            (
                "/api/v1/surveys",
                {
                    "title": "T",
                    "year": 2026,
                    "kind": "baseline",
                    "questions": [{"key": "q1", "text": "Spørgsmål"}],
                },
            ),
            ("/api/v1/event-series", {"name": "Serie"}),
        ],
    )
    def test_an_unknown_field_is_refused(
        self, client: TestClient, path: str, body: dict[str, Any]
    ) -> None:
        response = client.post(path, json=body | {"bogus": 1})
        assert response.status_code == 422, response.text
        assert "body.bogus" in _fields(response)

    def test_a_number_in_a_string_is_no_number(self, client: TestClient) -> None:
        survey = {
            "title": "T",
            "year": "2026",
            "kind": "baseline",
            "questions": [{"key": "q1", "text": "Spørgsmål"}],
        }
        response = client.post("/api/v1/surveys", json=survey)
        assert response.status_code == 422, response.text
        assert "body.year" in _fields(response)

    def test_a_boolean_is_true_or_false(self, client: TestClient) -> None:
        event = {
            "kind": "theme_meeting",
            "title": "Temamøde",
            "starts_at": "2026-03-01T16:00:00+01:00",
            "ends_at": "2026-03-01T18:00:00+01:00",
        }
        for value in ("true", 1, "yes"):
            response = client.post("/api/v1/events", json=event | {"tentative": value})
            assert response.status_code == 422, (value, response.text)
            assert "body.tentative" in _fields(response)
        assert client.post("/api/v1/events", json=event | {"tentative": True}).status_code == 201

    def test_an_integer_beyond_its_column_in_a_body_is_a_422(self, client: TestClient) -> None:
        response = client.post(
            "/api/v1/plans/2026/initiatives", json={"track_id": 2**63, "title": "Ny indsats"}
        )
        assert response.status_code == 422, response.text
        assert "body.track_id" in _fields(response)
        event = {
            "kind": "theme_meeting",
            "title": "Temamøde",
            "starts_at": "2026-03-01T16:00:00+01:00",
            "ends_at": "2026-03-01T18:00:00+01:00",
            "capacity": 10**30,
        }
        response = client.post("/api/v1/events", json=event)
        assert response.status_code == 422, response.text
        assert "body.capacity" in _fields(response)

    @pytest.mark.parametrize("value", [0, 0.5, "0", "1700000000"])
    def test_a_number_is_no_date_in_a_body(self, client: TestClient, value: Any) -> None:
        goal_id = _a_goal(client)
        response = client.post(
            f"/api/v1/goals/{goal_id}/measurements", json={"measured_on": value, "value": 1}
        )
        assert response.status_code == 422, response.text
        assert "body.measured_on" in _fields(response)


def _a_goal(client: TestClient) -> int:
    return client.get("/api/v1/plans/2026/goals", params={"limit": 1}).json()["items"][0]["id"]


class TestDatesInQueries:
    @pytest.mark.parametrize("value", ["0", "0.5", "1700000000", "-1", "1e9"])
    def test_a_number_is_no_date(self, client: TestClient, value: str) -> None:
        for path, name in (
            ("/api/v1/events", "modified_since"),
            ("/api/v1/plans/2026/progress", "evaluation_date"),
            ("/api/v1/events", "starts_from"),
        ):
            response = client.get(path, params={name: value})
            assert response.status_code == 422, (path, name, value, response.text)
            assert f"query.{name}" in _fields(response)

    def test_an_iso_date_is_a_date(self, client: TestClient) -> None:
        assert client.get("/api/v1/events", params={"modified_since": "2026-01-01"}).is_success
        response = client.get(
            "/api/v1/plans/2026/progress", params={"evaluation_date": "2026-06-30"}
        )
        assert response.status_code == 200


class TestAmounts:
    @pytest.mark.parametrize("value", [1.005, 10**16, 1e300, 0.001])
    def test_an_amount_beyond_its_column_is_a_422(self, client: TestClient, value: float) -> None:
        response = client.post(
            f"/api/v1/goals/{_a_goal(client)}/measurements",
            json={"measured_on": "2026-03-01", "value": value},
        )
        assert response.status_code == 422, response.text
        assert "body.value" in _fields(response)

    def test_an_amount_with_two_decimals_is_kept(self, client: TestClient) -> None:
        response = client.post(
            f"/api/v1/goals/{_a_goal(client)}/measurements",
            json={"measured_on": "2026-03-01", "value": 2242000.5},
        )
        assert response.status_code == 201, response.text
        assert response.json()["value"] == 2242000.5


class TestDemoData:
    def test_demo_addresses_pass_the_apis_own_email_validation(
        self, client: TestClient, session: Session
    ) -> None:
        load_demo(session, seed=7, events=30, now=datetime(2026, 6, 1, 12, tzinfo=UTC))
        session.commit()
        person = session.scalars(select(Person).where(Person.is_demo)).first()
        assert person is not None and person.email
        read = client.get(f"/api/v1/people/{person.id}")
        response = client.patch(
            f"/api/v1/people/{person.id}",
            json={"email": person.email},
            headers={"If-Match": read.headers["etag"]},
        )
        assert response.status_code == 200, response.text


def test_an_imported_amount_beyond_its_column_is_a_rejected_row(client: TestClient) -> None:
    content = semicolons(
        HEADER, f"ESH-HUGE-1;{CVR_A};Skovgaard ApS;SMV:Grøn;99.999.999.999.999.999;15-03-2026"
    )
    response = upload(client, content)
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["rejected"] == 1


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/companies", "/api/v1/event-series"])
def test_a_control_character_in_a_search_is_a_422(client: TestClient, path: str) -> None:
    response = client.get(path, params={"search": "a\x00b"})
    assert response.status_code == 422, response.text
    assert "query.search" in _fields(response)


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/v1/audit", "entity"), ("/api/v1/audit", "entity_id"), ("/api/v1/grants", "cvr")],
)
def test_a_nul_in_a_text_query_is_never_a_500(
    admin_client: TestClient, path: str, name: str
) -> None:
    response = admin_client.get(path, params={name: "a\x00b"})
    assert response.status_code < 500, response.text
