"""Request and response bodies of surveys, their import, and answers."""

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from api.kit.common import Id, RequestBody, Schema
from api.surveys.enums import QuestionKind, RowOutcome, SurveyKind

QuestionKey = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$")
]


class QuestionIn(RequestBody):
    key: QuestionKey = Field(description="What goals name it by, e.g. 'ivaerksaettervejledning'.")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    kind: QuestionKind = QuestionKind.scale


class SurveyCreate(RequestBody):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    year: int = Field(ge=2000, le=2100)
    kind: SurveyKind
    event_id: Id | None = Field(default=None, description="The event it evaluates.")
    description: str | None = Field(default=None, max_length=5000)
    questions: list[QuestionIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [q.key for q in self.questions]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise ValueError(
                f"spørgsmålenes nøgler (key) skal være forskellige; gentaget: {', '.join(repeated)}"
            )
        return self


class SurveyUpdate(RequestBody):
    not_null = frozenset({"title"})

    title: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
        | None
    ) = None
    description: str | None = Field(default=None, max_length=5000)
    event_id: Id | None = None


class QuestionRead(Schema):
    id: int
    position: int
    key: str
    text: str
    kind: QuestionKind


class SurveyRead(Schema):
    id: int
    title: str
    year: int
    kind: SurveyKind
    event_id: int | None
    description: str | None
    questions: list[QuestionRead]
    respondents: int = 0
    updated_at: datetime


class ImportMessage(BaseModel):
    field: str | None = Field(description="A question key, or respondent / submitted_on.")
    column: str | None
    message: str


class ImportRow(BaseModel):
    row: int
    outcome: RowOutcome
    respondent: str | None = Field(description="The survey tool's response id, if given.")
    messages: list[ImportMessage]


class ImportCounts(BaseModel):
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    rejected: int = 0


class SurveyImportReport(BaseModel):
    import_id: int | None
    dry_run: bool
    survey_id: int
    filename: str
    columns: dict[str, str] = Field(
        description="Question key (or respondent, submitted_on) → header."
    )
    missing_questions: list[str] = Field(
        description="Questions of the survey the file has no column for."
    )
    ignored_columns: list[str] = Field(description="Headers not used (names, e-mails …: not kept).")
    counts: ImportCounts
    rows: list[ImportRow]


class SurveyImportRead(Schema):
    id: int
    survey_id: int
    filename: str
    sha256: str
    imported_at: datetime
    imported_by: str = Field(validation_alias="actor_name")
    actor_kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    duplicate: int
    rejected: int


class QuestionResult(BaseModel):
    key: str
    text: str
    kind: QuestionKind
    answers: int
    distribution: dict[str, int] = Field(description="Answers per value: '1'…'5', or 'ja'/'nej'.")
    share_at_least_stor: float | None = Field(description="% of scale answers at 4 or 5.")
    share_yes: float | None
    texts: list[str] = Field(description="Free-text answers (editors only).")


class SurveyResults(BaseModel):
    survey_id: int
    respondents: int
    submitted_from: date | None
    submitted_to: date | None
    questions: list[QuestionResult]
