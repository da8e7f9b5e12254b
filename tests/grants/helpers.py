"""Uploading grant files in tests."""

import json
from typing import Any

from fastapi.testclient import TestClient

from api.grants.schemas import GrantImportReport
from tests.events.helpers import valid_cvr

CSV = "text/csv"
IMPORTS = "/api/v1/grants/imports"
HEADER = "Reference;CVR-nr.;Virksomhed;Program;Beløb;Bevillingsdato"
CVR_A, CVR_B, CVR_C = valid_cvr(101), valid_cvr(102), valid_cvr(103)


def semicolons(*lines: str, encoding: str = "utf-8-sig") -> bytes:
    """A Danish Excel CSV: UTF-8 with BOM (or the given encoding), semicolons, CRLF."""
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(
    client: TestClient,
    content: bytes,
    *,
    filename: str = "tilskud.csv",
    content_type: str = CSV,
    dry_run: bool = False,
    mapping: dict[str, str] | None = None,
    rows: str | None = None,
) -> Any:
    params = {"dry_run": str(dry_run).lower()} | ({"rows": rows} if rows else {})
    return client.post(
        IMPORTS,
        params=params,
        files={"file": (filename, content, content_type)},
        data={"mapping": json.dumps(mapping)} if mapping else None,
    )


def imported(client: TestClient, content: bytes, **kwargs: Any) -> dict[str, Any]:
    response = upload(client, content, **kwargs)
    assert response.status_code == 200, response.text
    body = response.json()
    GrantImportReport.model_validate(body)  # the hand-written JSON keeps to the schema
    return body


def outcomes(report: dict[str, Any]) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in report["rows"]}


def messages(report: dict[str, Any], row: int) -> list[dict[str, Any]]:
    return next(r["messages"] for r in report["rows"] if r["row"] == row)


def grants(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/grants", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]
