"""Request and response bodies of grants, programmes, imports and the summary."""

import json
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from api.grants.enums import GrantTheme, RowOutcome
from api.kit.common import RequestBody, Schema

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Operator = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

# ---------------------------------------------------------------------------- programmes


class ProgrammeCreate(RequestBody):
    name: Name = Field(description="As the hub writes it, e.g. 'SMV:Grøn'.")
    operator: Operator = "Erhvervshus Sjælland"
    theme: GrantTheme
    description: str | None = Field(default=None, max_length=2000)


class ProgrammeUpdate(RequestBody):
    not_null = frozenset({"name", "operator", "theme"})

    name: Name | None = None
    operator: Operator | None = None
    theme: GrantTheme | None = None
    description: str | None = Field(default=None, max_length=2000)


class ProgrammeRead(Schema):
    id: int
    name: str
    operator: str
    theme: GrantTheme
    description: str | None
    updated_at: datetime


# -------------------------------------------------------------------------------- grants


class GrantCompany(Schema):
    id: int
    cvr: str
    name: str


class GrantProgrammeRef(Schema):
    id: int
    name: str
    theme: GrantTheme


class GrantRead(Schema):
    id: int
    reference: str | None = Field(description="The hub's own reference, where it gives one.")
    company: GrantCompany
    programme: GrantProgrammeRef
    amount: float = Field(description="DKK.")
    granted_on: date
    import_id: int | None = Field(description="The import that last created or changed it.")
    created_at: datetime
    updated_at: datetime


# ------------------------------------------------------------------------------- imports


class ImportMessage(BaseModel):
    field: str | None = Field(
        description="Our field: reference, cvr, company, programme, amount, granted_on."
    )
    column: str | None = Field(description="The file's header for that field.")
    message: str


class ImportRow(BaseModel):
    row: int = Field(description="The row number as a spreadsheet shows it (header is row 1).")
    outcome: RowOutcome
    reference: str | None
    cvr: str | None
    messages: list[ImportMessage]


class ImportCounts(BaseModel):
    rows: int = Field(description="Data rows read (blank rows are skipped).")
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    rejected: int = 0


class RowsListed(StrEnum):
    all = "all"  # every row
    problems = "problems"  # rejected and duplicate rows, and rows with a message (updates)


class GrantImportReport(BaseModel):
    import_id: int | None = Field(description="The recorded import; null for a dry run.")
    dry_run: bool = Field(description="True: nothing was written; this is what would happen.")
    filename: str
    columns: dict[str, str] = Field(description="Our field → the file's header it was read from.")
    ignored_columns: list[str] = Field(description="Headers of the file that were not used.")
    counts: ImportCounts
    rows_listed: RowsListed
    # Kept last: `render` streams the rows after the rest.
    rows: list[ImportRow]

    def render(self, rows: Iterable[dict[str, Any]]) -> bytes:
        """The report as JSON with `rows` (plain dicts, as many as a file has) filled in.

        Building a model per row of a 100,000-row file costs more time and memory than the
        import's own work, so the rows are written by json directly; a test checks the result
        against this model.
        """
        head = self.model_dump_json()
        assert head.endswith('"rows":[]}')
        body = ",".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
        return f"{head[:-3]}[{body}]}}".encode()


class ImportSummary(Schema):
    id: int
    filename: str
    sha256: str
    size_bytes: int
    imported_at: datetime
    imported_by: str = Field(validation_alias="actor_name", description="The user or token.")
    actor_kind: str = Field(description="user, token or system.")
    rows: int
    created: int
    updated: int
    unchanged: int
    duplicate: int
    rejected: int


class RowError(ImportMessage):
    row: int


class ImportRead(ImportSummary):
    errors: list[RowError] = Field(
        description="What was wrong with rejected and duplicate rows; the first 1000."
    )


# ------------------------------------------------------------------------------- summary


class GroupBy(StrEnum):
    year = "year"
    programme = "programme"
    theme = "theme"
    company = "company"


class SummaryRow(BaseModel):
    key: str = Field(description="The year, programme id, theme or CVR.")
    label: str = Field(description="Danish label to show: the year, name, theme or company.")
    amount: float = Field(description="DKK granted.")
    grants: int
    companies: int = Field(description="Distinct companies.")


class GrantSummary(BaseModel):
    group_by: GroupBy
    rows: list[SummaryRow]
    total: SummaryRow
